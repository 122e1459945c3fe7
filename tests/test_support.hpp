// Small scenarios built in code, for tests that work their expected values out
// by hand.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include "sim/input/scenario.hpp"

namespace foliosim::test {

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

// One device "dev0" and an XFS filesystem on it; all CPU costs zero so that
// simulated times are the device's alone unless a test sets them.
inline Scenario bare_scenario() {
  Scenario s;
  s.name = "test";
  s.cpu.syscall_entry_s = 0;
  s.cpu.dio_setup_s = 0;
  s.cpu.dio_per_page_s = 0;
  s.cpu.request_submit_s = 0;
  s.cpu.request_complete_s = 0;
  s.cpu.folio_alloc_s = 0;
  s.cpu.folio_lookup_s = 0;
  s.cpu.folio_dirty_s = 0;
  s.cpu.copy_bandwidth_Bps = 1e30;  // copying is free
  s.cpu.xfs_write_per_call_s = 0;
  s.cpu.ext4_write_per_call_s = 0;
  s.cpu.xfs_write_per_block_s = 0;
  s.cpu.ext4_write_per_block_s = 0;
  s.cpu.writeback_per_folio_s = 0;
  s.cpu.xfs_writepages_per_call_s = 0;
  s.cpu.ext4_writepages_per_call_s = 0;
  s.cpu.xfs_writepages_per_block_s = 0;
  s.cpu.ext4_writepages_per_block_s = 0;
  s.cpu.reclaim_scan_per_folio_s = 0;
  s.cpu.reclaim_free_per_folio_s = 0;
  s.devices.resize(1);
  // Fixed here, not the calibrated defaults, so expected values stay put.
  s.devices[0].name = "dev0";
  s.devices[0].write_bandwidth_Bps = 3e9;
  s.devices[0].read_bandwidth_Bps = 3e9;
  s.devices[0].request_latency_s = 95e-6;
  s.devices[0].request_overhead_s = 0;
  s.devices[0].queue_depth = 128;
  s.devices[0].max_request_bytes = 1280 * KiB;
  s.devices[0].capacity_bytes = 64 * GiB;
  s.devices[0].wbt_latency_s = 0;  // blk-wbt off: its own tests turn it on
  s.filesystem.device = "dev0";
  return s;
}

inline workload::JobParams direct_job(const std::string& name, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  workload::JobParams job;
  job.name = name;
  job.mode = workload::IoMode::kDirect;
  job.bs_bytes = bs_bytes;
  job.size_bytes = size_bytes;
  return job;
}

inline workload::JobParams buffered_job(const std::string& name, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  workload::JobParams job = direct_job(name, bs_bytes, size_bytes);
  job.mode = workload::IoMode::kBuffered;
  return job;
}

// A quiet SimGrid engine with one 1 GHz host, for tests that drive a model
// (a block device) directly. Run it inside run_isolated: one engine a process.
inline std::unique_ptr<simgrid::s4u::Engine> bare_engine(simgrid::s4u::Host*& host) {
  xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char program[] = "test";
  char* argv[] = {program, nullptr};
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  auto* zone = simgrid::s4u::create_full_zone("z");
  host = zone->create_host("cpu", 1e9);
  zone->seal();
  return engine;
}

inline std::string source_path(const std::string& relative) { return std::string(FOLIOSIM_SOURCE_DIR) + "/" + relative; }

}  // namespace foliosim::test
