// Buffered writes (generic_perform_write / iomap_file_buffered_write): make
// room for new folios, copy into the page cache, mark dirty, then let
// balance_dirty_pages throttle the writer.
#pragma once

#include <cstdint>

#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"

namespace foliosim::filesystem {

// Where one write call's time went.
struct WriteTimes {
  double reclaim_s = 0;   // direct reclaim (memory cgroup or min watermark)
  double throttle_s = 0;  // balance_dirty_pages sleeps
};

class BufferedIo {
 public:
  BufferedIo(cpu::Cpu& cpu, Filesystem& fs, page_cache::PageCache& cache, reclaim::Reclaim& reclaim,
             writeback::Writeback& writeback, writeback::DirtyThrottle& throttle, double write_bandwidth_Bps,
             std::function<void()> on_change);

  // The file's page cache, created on first use.
  void attach(File& file);

  // One buffered pwrite on the calling actor, its CPU work added to `batch`.
  WriteTimes write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, writeback::Dirtier& task,
                   cpu::CpuBatch& batch);

  void fsync(File& file) { writeback_.fsync(file); }

 private:
  cpu::Cpu& cpu_;
  Filesystem& fs_;
  page_cache::PageCache& cache_;
  reclaim::Reclaim& reclaim_;
  writeback::Writeback& writeback_;
  writeback::DirtyThrottle& throttle_;
  double write_bandwidth_Bps_;
  std::function<void()> on_change_;
  double per_call_s_;
  double per_block_s_;
};

}  // namespace foliosim::filesystem
