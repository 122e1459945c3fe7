// O_DIRECT writes and reads (iomap_dio_rw): no page cache; the caller's pages go to the
// device and the call returns when every request has completed.
#pragma once

#include <cstdint>
#include <vector>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/writeback/writeback.hpp"

namespace foliosim::vfs {

using filesystem::File;
using filesystem::Filesystem;

// What one O_DIRECT call did and when.
struct DirectOutcome {
  std::uint64_t bytes = 0;  // 0 at end of file (reads)
  double submitted_s = 0;   // when its last request was submitted
  double lock_wait_s = 0;   // waiting for the inode lock
};

class DirectIo {
 public:
  DirectIo(cpu::Cpu& cpu, Filesystem& fs, block_device::BlockDevice& device, page_cache::PageCache& cache,
           writeback::Writeback& writeback)
      : cpu_(cpu), fs_(fs), device_(device), cache_(cache), writeback_(writeback) {}

  // One pwrite(O_DIRECT) on the calling actor, its CPU work run through
  // `batch` (flushed before the requests are submitted); returns when its
  // requests have completed (their timings are in `waiter.completions()`).
  // It holds the inode lock as the filesystem takes it for this write
  // (FilesystemTraits::direct_write_lock) from entry until it returns.
  DirectOutcome write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                      block_device::IoWaiter& waiter, cpu::CpuBatch& batch);

  // One pread(O_DIRECT): the file's blocks in [offset, offset + length),
  // cut at the end of the file, read from the device into the caller's
  // buffer, with the same CPU work as a write, under the inode lock shared
  // (xfs_file_dio_read, ext4_dio_read_iter). Holes read as zeroes without
  // I/O; a dirty cached range is written back first.
  DirectOutcome read(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, block_device::IoWaiter& waiter,
                     cpu::CpuBatch& batch);

 private:
  // kiocb_write_and_wait, then for a write kiocb_invalidate_pages: the range's
  // dirty cached pages go to the device first, and a write drops its clean
  // cached folios (a mapped file keeps them), which would be stale after it.
  void sync_cached_range(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool invalidate,
                         cpu::CpuBatch& batch);
  // The CPU work (`setup_s` of it the call's setup), the requests of
  // `segments` and the wait shared by both directions.
  std::uint64_t transfer(block_device::Op op, const filesystem::Segments& segments,
                         std::uint64_t length_bytes, double setup_s, block_device::IoWaiter& waiter,
                         cpu::CpuBatch& batch, double& submitted_s);

  cpu::Cpu& cpu_;
  Filesystem& fs_;
  block_device::BlockDevice& device_;
  page_cache::PageCache& cache_;
  writeback::Writeback& writeback_;
};

}  // namespace foliosim::vfs
