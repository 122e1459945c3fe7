// blk-wbt (block/blk-wbt.c) under a whole run: a dontcache writer's kicks.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("blk-wbt holds a dontcache writer's inline kicks: writeback in flight stays near wb_normal") {
  Scenario s = bare_scenario();
  s.devices[0].wbt_latency_s = 75e-3;
  s.devices[0].write_cache = true;
  auto job = buffered_job("w", 1 * MiB, 64 * MiB);
  job.mode = workload::IoMode::kDontcache;
  job.end_fsync = true;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s).summary;
  // Copies are free: the writer kicks 8 requests at once, then its 9th kick
  // waits with its folio under writeback until the device drains.
  CHECK(r["writeback_peak_bytes"] == 9 * MiB);
  CHECK(r["page_cache_peak_bytes"] == 9 * MiB);
  CHECK(r["device_write_requests"] == 64);
  CHECK(r["page_cache_end_bytes"] == 0);
  // 8 cycles of 95 us + 8 transfers of 1 MiB at 3 GB/s; the last 8 are the
  // writer's last kicks, so the write phase ends when the 57th is granted.
  const double cycle = 95e-6 + 8 * (1.0 * MiB / 3e9);
  CHECK(r["write_phase_s"].get<double>() == doctest::Approx(7 * cycle).epsilon(1e-9));
  // Between calls: after call 8k + j, requests 8k + 1 to 8k + j are in flight.
  CHECK(r["peak_between_writes"]["writeback_bytes"] == 8 * MiB);

  SUBCASE("a device slowed by the writer's calls (copy_slowdown) stretches each cycle's transfers, not its latency") {
    // The writer is inside a call, copying or waiting in blk-wbt, whenever a
    // request starts its transfer: every one is 1.5 times as long.
    s.devices[0].copy_slowdown = 1.5;
    Json slowed = simulate_isolated(s).summary;
    const double slowed_cycle = 95e-6 + 8 * 1.5 * (1.0 * MiB / 3e9);
    CHECK(slowed["write_phase_s"].get<double>() == doctest::Approx(7 * slowed_cycle).epsilon(1e-9));
    CHECK(slowed["writeback_peak_bytes"] == 9 * MiB);
    // fsync waits for the last 8, dispatched within the last call: also slowed.
    CHECK(slowed["fsync_latency_us"]["max"].get<double>() ==
          doctest::Approx(1e6 * (95e-6 + 8 * 1.5 * (1.0 * MiB / 3e9))).epsilon(1e-6));
  }

  SUBCASE("a device blk-wbt scaled up before the run (step -1: wb_normal 16) lets 16 kicks run ahead") {
    s.devices[0].initial_wbt_scale_step = -1;
    Json scaled = simulate_isolated(s).summary;
    CHECK(scaled["writeback_peak_bytes"] == 17 * MiB);
    CHECK(scaled["peak_between_writes"]["writeback_bytes"] == 16 * MiB);
    CHECK(scaled["device_write_requests"] == 64);
  }

  SUBCASE("sampled every 9 calls: after call 9j, j requests are in flight") {
    s.jobs[0].size_bytes = 63 * MiB;
    s.jobs[0].cachestat_every = 9;
    Json sampled = simulate_isolated(s).summary;
    CHECK(sampled["writeback_peak_bytes"] == 9 * MiB);
    CHECK(sampled["peak_between_writes"]["writeback_bytes"] == 7 * MiB);
    CHECK(sampled["peak_between_writes"]["cached_bytes"] == 7 * MiB);
    CHECK(sampled["peak_between_writes"]["dirty_bytes"] == 0);
  }
}
