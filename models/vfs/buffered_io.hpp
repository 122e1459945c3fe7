// Buffered writes (generic_perform_write / iomap_file_buffered_write), cached
// or RWF_DONTCACHE: XFS's zeroing of a gap past EOF, room for new folios, the
// copy into the page cache, balance_dirty_pages, and for dontcache the
// writeback kick of the range written.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "models/common/copy_load.hpp"
#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/vfs/readahead.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"

namespace foliosim::vfs {

using filesystem::File;
using filesystem::Filesystem;

enum class WriteError { kNone, kEopnotsupp, kEio };

// Where one write call's time went, and what it did besides copying.
struct WriteOutcome {
  WriteError error = WriteError::kNone;
  double reclaim_s = 0;            // direct reclaim (memory cgroup or min watermark)
  double throttle_s = 0;           // balance_dirty_pages sleeps
  double kick_s = 0;               // dontcache: submitting the kicked writeback inline
  double stable_wait_s = 0;        // waiting for writeback of a folio it rewrites
  double lock_wait_s = 0;          // waiting for the inode lock
  double partial_read_s = 0;       // reading the pages it writes only in part
  double free_space_s = 0;         // ext4: waiting for the writeback it asked for as free space ran low
  std::uint64_t zeroed_bytes = 0;  // XFS zeroing of the gap before it
};

// posix_fadvise advice (generic_fadvise).
enum class Advice { kNormal, kSequential, kRandom, kWillneed, kDontneed };

struct ReadOutcome {
  std::uint64_t bytes = 0;             // 0 at end of file
  double reclaim_s = 0;                // making room for the folios read in
  double device_s = 0;                 // waiting for the device (its reads, or readahead already under way)
  double lock_wait_s = 0;              // waiting for the inode lock (XFS: behind a writer of the file)
  std::uint64_t asked_pages = 0;       // pages of the file it asked for
  std::uint64_t missed_pages = 0;      // of those, not in the cache when it looked
  std::uint64_t ahead_pages = 0;       // read from the device ahead of what it asked
  std::uint64_t ahead_used_pages = 0;  // earlier read-ahead pages it read
  std::uint64_t dropped_pages = 0;     // dontcache: folios it read in and dropped after the copy
  std::uint64_t faults = 0;            // mmap reads: page faults taken
  std::uint64_t major_faults = 0;      // of those, which read their page from the device
  bool eopnotsupp = false;             // dontcache on a filesystem without FOP_DONTCACHE: nothing read
};

// The calling task's open file: what its descriptor remembers.
struct OpenFile {
  File* file;
  std::uint64_t seen_error_seq = 0;  // f_wb_err
  ReadaheadState ra;                 // file->f_ra
  // The pages this task's mapping of the file maps (its page tables); only
  // after map().
  std::vector<bool> mapped_pages;
};

class BufferedIo {
 public:
  BufferedIo(cpu::Cpu& cpu, Filesystem& fs, page_cache::PageCache& cache, const page_cache::PageCacheParams& params,
             reclaim::Reclaim& reclaim, writeback::Writeback& writeback, writeback::DirtyThrottle& throttle,
             block_device::BlockDevice& device, writeback::WritebackWaitQueue& writeback_done);

  // Where a write call counts itself as copying (CopyLoad); none by default.
  void set_copy_load(CopyLoad* load) { copy_load_ = load; }

  // The file's page cache, created on first use.
  void attach(File& file);

  // One pwrite on the calling actor, its CPU work added to `batch`. It holds
  // the inode lock exclusive (xfs_file_buffered_write, ext4_buffered_write_iter,
  // generic_file_write_iter) over the zeroing, the copy and
  // balance_dirty_pages; a dontcache write's kick (generic_write_sync) runs
  // after it is dropped.
  WriteOutcome write(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                     writeback::Dirtier& task, cpu::CpuBatch& batch);

  // One buffered pread on the calling actor (filemap_read): pages being read
  // by earlier readahead are waited for; a miss reads a readahead window (or
  // the request) into new clean folios and waits for it; reaching the
  // window's marker submits the next window without waiting; the cached
  // pages are copied out (and lose their drop-behind mark, as a cached
  // lookup does). `dontcache` (RWF_DONTCACHE): the folios it reads in,
  // readahead's too, are drop-behind, and those it copied out are dropped
  // after the copy unless the file is mapped; cached folios stay. The inode
  // lock is held as the filesystem's buffered_read_lock says.
  ReadOutcome read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                   cpu::CpuBatch& batch);

  // posix_fadvise(fd, offset, length, advice) on the calling actor
  // (generic_fadvise): NORMAL, SEQUENTIAL (the file's readahead twice the
  // device's) and RANDOM (no readahead: a miss reads only what was asked)
  // set how the descriptor reads ahead; WILLNEED starts reading the range
  // into the cache without waiting, at most a readahead's worth
  // (force_page_cache_ra); DONTNEED starts writeback of its dirty pages
  // (WB_SYNC_NONE, in the caller) and drops its clean ones unless mapped.
  // Returns the pages WILLNEED read in.
  std::uint64_t fadvise(OpenFile& fd, Advice advice, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                        cpu::CpuBatch& batch);

  // mmap(MAP_SHARED) of the whole file by the calling task: its folios are
  // then never invalidated, dropped behind or reclaimed (the mapping is kept
  // to the end of the run).
  void map(OpenFile& fd);

  // The task reads [offset, offset + length) of its mapping (fio's mmap
  // engine: a memcpy from it). Each page not yet mapped faults: fault-around
  // first maps the cached pages of the aligned fault_around_bytes block
  // around it (do_fault_around -> filemap_map_pages, which leaves a page
  // being read and the readahead marker to filemap_fault); a page still
  // unmapped goes through filemap_fault: reaching the marker starts the next
  // readahead window (do_async_mmap_readahead), a page being read is waited
  // for, and a missing one reads around it, ra_pages centred on it with a
  // quarter of them async (do_sync_mmap_readahead; just the page with
  // readahead off or after MMAP_LOTSAMISS faults that missed).
  ReadOutcome mmap_read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, cpu::CpuBatch& batch);

  // POSIX_FADV_DONTNEED over the whole file (fio's invalidate) or its share
  // of drop_caches: frees its clean, idle folios unless it is mapped; dirty
  // and under-writeback folios stay. Returns the pages freed.
  std::uint64_t drop_clean(File& file);

  // Puts [offset, offset + length) of the file in the cache with no
  // simulated I/O: `dirty` marks it dirty (delalloc reserved over its holes,
  // counted in the dirty limits, found by the flusher), else clean (as read
  // in). `charge`: make room first (on an actor; at time 0 the scenario has
  // checked the memory). For files that exist before the run and pre_read.
  void place_in_cache(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dirty, bool charge);

  // fsync; true when it returns EIO.
  bool fsync(OpenFile& fd) { return writeback_.fsync(*fd.file, fd.seen_error_seq); }

 private:
  // Copies [offset, offset + length) into the cache: waits for stable pages,
  // charges memory for new folios, marks them dirty.
  page_cache::WriteResult copy_in(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dropbehind,
                                  page_cache::Origin origin, cpu::CpuBatch& batch, WriteOutcome& outcome);

  // Reads already submitted and not yet completed, per file: a reader of
  // their pages waits for them (the folio lock of a folio under read).
  struct InflightRead {
    std::uint64_t first_page, end_page;
    std::uint64_t outstanding = 0;  // requests not yet completed
    bool ahead = false;             // async readahead: nobody waits for it when submitted
    bool done = false;
    simgrid::s4u::MutexPtr mutex = simgrid::s4u::Mutex::create();
    simgrid::s4u::ConditionVariablePtr finished = simgrid::s4u::ConditionVariable::create();
  };
  // __iomap_write_begin, block_write_begin: a page the write covers only in
  // part, not cached, is read in first and waited for when it holds data on
  // the device (past EOF, a hole or an unwritten or delalloc block is zeroed
  // instead). Returns the seconds it took (reclaim for the folios included).
  double read_partial_pages(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, cpu::CpuBatch& batch,
                            WriteOutcome& outcome);
  // Whether a read under way covers `page`.
  bool reading(const File& file, std::uint64_t page) const;
  // Maps the cached pages of [first_page, end_page) that no read is bringing
  // in, but for `skip` (filemap_map_pages); returns how many it mapped.
  std::uint64_t map_cached(OpenFile& fd, std::uint64_t first_page, std::uint64_t end_page, std::uint64_t skip,
                           ReadOutcome& outcome);
  // Waits for the reads under way that overlap [first_page, end_page),
  // running the task's pending CPU (`batch`, when given) before it sleeps.
  void wait_inflight(const File& file, std::uint64_t first_page, std::uint64_t end_page, cpu::CpuBatch* batch);
  // Puts folios for the missing pages of `window` (within the file) in the
  // cache and submits their reads, as one read under way; returns the
  // requests made. Pages from `ahead_from` on are read ahead of the request.
  // `async`: no one waits for them now (their completion work is charged
  // where it runs, not to the reader).
  std::uint64_t read_window(File& file, ReadWindow window, std::uint64_t ahead_from, bool dontcache, bool async,
                            ReadOutcome& outcome);
  cpu::Cpu& cpu_;
  Filesystem& fs_;
  page_cache::PageCache& cache_;
  page_cache::PageCacheParams params_;
  reclaim::Reclaim& reclaim_;
  writeback::Writeback& writeback_;
  writeback::DirtyThrottle& throttle_;
  block_device::BlockDevice& device_;
  writeback::WritebackWaitQueue& writeback_done_;
  CopyLoad* copy_load_ = nullptr;
  // The filesystem's write_iter around the copy.
  filesystem::Costs write_costs_;
  // The same over written blocks inside i_size (no allocation, no extension).
  filesystem::Costs overwrite_costs_;
  std::map<const File*, std::vector<std::shared_ptr<InflightRead>>> inflight_;
};

}  // namespace foliosim::vfs
