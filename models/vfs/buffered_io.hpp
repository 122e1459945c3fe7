// Buffered writes (generic_perform_write / iomap_file_buffered_write), cached
// or RWF_DONTCACHE: XFS's zeroing of a gap past EOF, room for new folios, the
// copy into the page cache, balance_dirty_pages, and for dontcache the
// writeback kick of the range written.
#pragma once

#include <cstdint>
#include <functional>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"

namespace foliosim::vfs {

using filesystem::File;
using filesystem::Filesystem;

enum class WriteError { kNone, kEopnotsupp, kEio };

// Where one write call's time went, and what it did besides copying.
struct WriteOutcome {
  WriteError error = WriteError::kNone;
  double reclaim_s = 0;      // direct reclaim (memory cgroup or min watermark)
  double throttle_s = 0;     // balance_dirty_pages sleeps
  double kick_s = 0;         // dontcache: submitting the kicked writeback inline
  double stable_wait_s = 0;  // waiting for writeback of a folio it rewrites
  std::uint64_t zeroed_bytes = 0;  // XFS zeroing of the gap before it
};

struct ReadOutcome {
  std::uint64_t bytes = 0;   // 0 at end of file
  double reclaim_s = 0;      // making room for the folios read in
  double device_s = 0;       // waiting for the device
};

// The calling task's open file: what its descriptor remembers.
struct OpenFile {
  File* file;
  std::uint64_t seen_error_seq = 0;  // f_wb_err
};

class BufferedIo {
 public:
  BufferedIo(cpu::Cpu& cpu, Filesystem& fs, page_cache::PageCache& cache, const page_cache::PageCacheParams& params,
             reclaim::Reclaim& reclaim, writeback::Writeback& writeback, writeback::DirtyThrottle& throttle,
             block_device::BlockDevice& device, writeback::WritebackWaitQueue& writeback_done);

  // The file's page cache, created on first use.
  void attach(File& file);

  // One pwrite on the calling actor, its CPU work added to `batch`.
  WriteOutcome write(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                     writeback::Dirtier& task, cpu::CpuBatch& batch);

  // One buffered pread on the calling actor: missing pages are read from the
  // device into new clean folios; cached folios are used (and lose their
  // drop-behind mark, as a cached lookup does). No readahead.
  ReadOutcome read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, cpu::CpuBatch& batch,
                   block_device::IoWaiter& waiter);

  // fsync; true when it returns EIO.
  bool fsync(OpenFile& fd) { return writeback_.fsync(*fd.file, fd.seen_error_seq); }

 private:
  // Copies [offset, offset + length) into the cache: waits for stable pages,
  // charges memory for new folios, marks them dirty.
  page_cache::WriteResult copy_in(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dropbehind,
                                  page_cache::Origin origin, cpu::CpuBatch& batch, WriteOutcome& outcome);

  cpu::Cpu& cpu_;
  Filesystem& fs_;
  page_cache::PageCache& cache_;
  page_cache::PageCacheParams params_;
  reclaim::Reclaim& reclaim_;
  writeback::Writeback& writeback_;
  writeback::DirtyThrottle& throttle_;
  block_device::BlockDevice& device_;
  writeback::WritebackWaitQueue& writeback_done_;
  // The filesystem's write_iter around the copy.
  filesystem::Costs write_costs_;
};

}  // namespace foliosim::vfs
