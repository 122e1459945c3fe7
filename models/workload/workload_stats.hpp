// What the application saw: its calls, bytes and per-write latency.
#pragma once

#include <cstdint>

#include "sim/latency_histogram.hpp"

namespace foliosim::workload {

struct WorkloadStats {
  std::uint64_t write_calls = 0;
  std::uint64_t app_write_bytes = 0;
  std::uint64_t fsync_calls = 0;
  LatencyHistogram write_latency;
  LatencyHistogram fsync_latency;
  double throttle_time_s = 0;  // in balance_dirty_pages
  double reclaim_time_s = 0;   // in direct reclaim
  double last_write_end_s = 0;  // end of the write phase (before fsync)
  double last_job_end_s = 0;
};

}  // namespace foliosim::workload
