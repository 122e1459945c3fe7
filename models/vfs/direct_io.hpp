// O_DIRECT writes (iomap_dio_rw): no page cache; the caller's pages go to the
// device and the call returns when every request has completed.
#pragma once

#include <cstdint>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"

namespace foliosim::vfs {

using filesystem::File;
using filesystem::Filesystem;

class DirectIo {
 public:
  DirectIo(cpu::Cpu& cpu, Filesystem& fs, block_device::BlockDevice& device) : cpu_(cpu), fs_(fs), device_(device) {}

  // One pwrite(O_DIRECT) on the calling actor, its CPU work run through
  // `batch` (flushed before the requests are submitted); returns when its
  // requests have completed (their timings are in `waiter.completions()`)
  // and sets `submitted_s` to when the last was submitted.
  std::uint64_t write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                      block_device::IoWaiter& waiter, cpu::CpuBatch& batch, double& submitted_s);

 private:
  cpu::Cpu& cpu_;
  Filesystem& fs_;
  block_device::BlockDevice& device_;
};

}  // namespace foliosim::vfs
