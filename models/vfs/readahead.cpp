#include "models/vfs/readahead.hpp"

#include <algorithm>

#include "models/common/pages.hpp"

namespace foliosim::vfs {
namespace {

std::uint64_t round_up_pow2(std::uint64_t n) {
  std::uint64_t p = 1;
  while (p < n) p <<= 1;
  return p;
}

}  // namespace

std::uint64_t initial_window_pages(std::uint64_t req_pages, std::uint64_t max_pages) {
  const std::uint64_t size = round_up_pow2(req_pages);
  if (size <= max_pages / 32) return size * 4;
  if (size <= max_pages / 4) return size * 2;
  return max_pages;
}

std::uint64_t next_window_pages(std::uint64_t current_pages, std::uint64_t max_pages) {
  if (current_pages < max_pages / 16) return current_pages * 4;
  if (current_pages <= max_pages / 2) return current_pages * 2;
  return max_pages;
}

std::uint64_t window_max_pages(std::uint64_t ra_pages, std::uint64_t io_pages, std::uint64_t req_pages) {
  if (req_pages > ra_pages && io_pages > ra_pages) return std::min(req_pages, io_pages);
  return ra_pages;
}

ReadWindow sync_readahead(ReadaheadState& state, std::uint64_t index, std::uint64_t req_pages, std::uint64_t max_pages,
                          std::uint64_t cached_before) {
  // Readahead off: read what is asked (force_page_cache_ra of the request).
  if (max_pages == 0) return {index, req_pages};
  // index - prev_index <= 1 in unsigned arithmetic: the page the last read
  // ended in, or the next.
  const std::uint64_t prev_index = state.prev_pos_bytes ? *state.prev_pos_bytes / kPageBytes : 0;
  const bool after_previous = state.prev_pos_bytes && index >= prev_index && index - prev_index <= 1;
  // Start of file, oversized read, or a sequential miss: a new window.
  if (index == 0 || req_pages > max_pages || after_previous) {
    state.start = index;
    state.size = initial_window_pages(req_pages, max_pages);
    state.async_size = state.size > req_pages ? state.size - req_pages : state.size / 2;
    return {state.start, state.size};
  }
  // A random miss reads only what was asked, unless a stream's trace (the
  // cached pages before it) outnumbers the request.
  if (cached_before <= req_pages) return {index, req_pages};
  state.start = index;
  state.size = std::min(cached_before + req_pages, max_pages);
  state.async_size = 1;
  return {state.start, state.size};
}

ReadWindow async_readahead(ReadaheadState& state, std::uint64_t max_pages) {
  state.start += state.size;
  state.size = next_window_pages(state.size, max_pages);
  state.async_size = state.size;
  return {state.start, state.size};
}

}  // namespace foliosim::vfs
