// Small scenarios built in code, for tests that work their expected values out
// by hand; the model helpers come with them.
#pragma once

#include <string>

#include "sim/input/scenario.hpp"
#include "sim/run_variant.hpp"
#include "tests/models/model_test_support.hpp"

namespace foliosim::test {

// One device "dev0" and an XFS filesystem on it; all CPU costs zero and no
// spread (no interruptions, every request its exact service) so that
// simulated times are the device's alone unless a test sets them.
inline Scenario bare_scenario() {
  Scenario s;
  s.name = "test";
  s.cpu = zero_cpu_costs();
  s.reclaim.free_per_page_s = 0;  // reclaim's CPU too
  s.machine = quiet_machine();
  s.devices.resize(1);
  // Fixed here, not the calibrated defaults, so expected values stay put.
  s.devices[0].name = "dev0";
  s.devices[0].write_bandwidth_Bps = 3e9;
  s.devices[0].read_bandwidth_Bps = 3e9;
  s.devices[0].request_latency_s = 95e-6;
  s.devices[0].request_overhead_s = 0;
  s.devices[0].segment_overhead_s = 0;
  s.devices[0].discontiguous_latency_s = 0;
  s.devices[0].service_sigma = 0;
  s.devices[0].copy_slowdown = 1;  // transfers as fast with writers as without
  s.devices[0].stall_rate_hz = 0;    // no stalls under the device
  s.devices[0].queue_depth = 128;
  s.devices[0].max_request_bytes = 1280 * KiB;
  s.devices[0].read_ahead_bytes = 128 * KiB;  // the kernel's VM_READAHEAD_PAGES
  s.devices[0].capacity_bytes = 64 * GiB;
  s.devices[0].wbt_latency_s = 0;  // blk-wbt off: its own tests turn it on
  s.filesystem.device = "dev0";
  // No log writes at fsync: the tests count file data on the device by hand;
  // the log's own tests turn them on.
  s.filesystem.log_writes = false;
  s.filesystem.fresh_mount = false;  // no metadata reads either
  return s;
}

// The summary of `s` with one buffered job "w" writing `size_bytes` in
// `bs_bytes` calls, then fsync.
inline Json fsynced_writer(Scenario s, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  auto job = buffered_job("w", bs_bytes, size_bytes);
  job.end_fsync = true;
  s.jobs = {job};
  return simulate_isolated(s).summary;
}

inline std::string source_path(const std::string& relative) {
  return std::string(FOLIOSIM_SOURCE_DIR) + "/" + relative;
}

}  // namespace foliosim::test
