// On-demand readahead (mm/readahead.c): a buffered reader's window of pages
// read before it asks for them. A miss at the start of a file or right after
// the previous read starts a window of 2-4 times the request
// (page_cache_sync_ra, get_init_ra_size); a marker page inside it
// (PG_readahead, async_size pages before its end) starts the next window,
// 4 or 2 times larger up to the maximum, when the reader reaches it, before
// it needs the pages (page_cache_async_ra, get_next_ra_size). A miss
// elsewhere reads only what was asked, unless the pages just before it are
// cached (a stream the window lost track of). Pure arithmetic on page
// indexes, per open file (struct file_ra_state).
#pragma once

#include <cstdint>
#include <optional>

namespace foliosim::vfs {

struct ReadaheadState {
  std::uint64_t start = 0, size = 0, async_size = 0;  // the current window, in pages
  // Byte offset just past the last read (ra->prev_pos); none before the first.
  std::optional<std::uint64_t> prev_pos_bytes;
  // file->f_ra.ra_pages when set by POSIX_FADV_SEQUENTIAL; none: the device's.
  std::optional<std::uint64_t> ra_pages;
  // FMODE_RANDOM (POSIX_FADV_RANDOM): a miss reads only what was asked.
  bool random = false;
  // Faults on the mapping that found their page missing, less those that
  // found it (ra->mmap_miss): past MMAP_LOTSAMISS, faults stop reading around.
  std::uint64_t mmap_miss = 0;
  // The page whose read starts the next window (start + size - async_size).
  std::uint64_t marker() const { return start + size - async_size; }
};

// Pages [first_page, first_page + pages) to read.
struct ReadWindow {
  std::uint64_t first_page = 0, pages = 0;
};

// get_init_ra_size: the first window for a request of `req_pages`.
std::uint64_t initial_window_pages(std::uint64_t req_pages, std::uint64_t max_pages);
// get_next_ra_size: the window after one of `current_pages`.
std::uint64_t next_window_pages(std::uint64_t current_pages, std::uint64_t max_pages);
// ractl_max_pages: the bdi's readahead, or a larger request up to what one
// request to the device carries (io_pages).
std::uint64_t window_max_pages(std::uint64_t ra_pages, std::uint64_t io_pages, std::uint64_t req_pages);

// page_cache_sync_ra for a miss at `index` by a read of `req_pages` from
// there: the pages to read now (a window, or just the request), with the
// state moved on. `cached_before` is how many pages right before `index` are
// cached (page_cache_prev_miss's trace of a sequential stream).
ReadWindow sync_readahead(ReadaheadState& state, std::uint64_t index, std::uint64_t req_pages, std::uint64_t max_pages,
                          std::uint64_t cached_before);

// page_cache_async_ra when the reader reaches the marker: the next window.
ReadWindow async_readahead(ReadaheadState& state, std::uint64_t max_pages);

}  // namespace foliosim::vfs
