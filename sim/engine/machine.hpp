// The simulated machine of one scenario: every model, wired together, and
// what they measured. Built and run inside one SimGrid engine (simulation.cpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include <simgrid/s4u/NetZone.hpp>

#include "models/block_device/block_device.hpp"
#include "models/cpu/cpu.hpp"
#include "models/vfs/buffered_io.hpp"
#include "models/vfs/direct_io.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/workload/workload_stats.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {

// Page cache state at one instant, in pages.
struct MemorySample {
  double time_s = 0;
  std::uint64_t cached_pages = 0;
  std::uint64_t dirty_pages = 0;
  std::uint64_t writeback_pages = 0;
  std::uint64_t free_pages = 0;
  std::uint64_t dropbehind_pages = 0;
  std::uint64_t zeroed_pages = 0;
  std::uint64_t dirty_thresh_pages = 0;
  std::uint64_t dirty_bg_thresh_pages = 0;
  std::uint64_t device_write_bytes = 0;
  std::uint64_t app_write_bytes = 0;
  std::uint64_t device_queued_requests = 0;  // waiting + in service, all devices
  double cpu_busy_s[static_cast<int>(cpu::Component::kCount)] = {};  // cumulative
};

class Machine {
 public:
  // Builds every model on `zone`; the engine must exist.
  Machine(const Scenario& scenario, simgrid::s4u::NetZone* zone);
  // Starts the daemons and the jobs.
  void start();
  // After the engine has run: the variant's results.
  Json results() const;
  // The time series, as CSV text.
  std::string time_series_csv() const;
  // Every update of each device's writeback estimates (write bandwidth,
  // dirty ratelimit), as CSV, in time order.
  std::string bdi_estimates_csv() const;
  // The write latency CDF from the histogram, as CSV text.
  std::string latency_cdf_csv() const;

 private:
  // The models of one filesystem (one per device that holds job files).
  struct Mount {
    std::unique_ptr<filesystem::Filesystem> fs;
    std::unique_ptr<vfs::DirectIo> direct_io;
    std::unique_ptr<writeback::Writeback> writeback;
    std::unique_ptr<vfs::BufferedIo> buffered_io;
  };

  writeback::DirtyLimits dirty_limits() const;
  MemorySample sample() const;
  // Called after every change of the page cache: keeps the peaks exact.
  void observe();
  void sampler();

  Scenario scenario_;
  std::unique_ptr<cpu::Cpu> cpu_;
  std::vector<std::unique_ptr<block_device::BlockDevice>> devices_;
  std::unique_ptr<page_cache::PageCache> cache_;
  std::unique_ptr<writeback::WritebackWaitQueue> writeback_done_;
  std::unique_ptr<reclaim::Reclaim> reclaim_;
  std::unique_ptr<writeback::DirtyThrottle> throttle_;
  std::map<std::size_t, Mount> mounts_;  // by device index
  workload::WorkloadStats workload_;

  // The whole state at the moment each count peaked.
  MemorySample cached_peak_;
  MemorySample dirty_peak_;
  MemorySample writeback_peak_;
  MemorySample after_writes_;  // when the last job finished writing
  std::vector<MemorySample> series_;
  int jobs_writing_ = 0;
};

}  // namespace foliosim
