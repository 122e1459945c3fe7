#include <doctest/doctest.h>

#include "sim/engine/isolated_run.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// The bare scenario with the write path's CPU costs, on 8 CPUs: `writers`
// clones of a `mode` job writing `bytes` each in 64 KiB calls.
Scenario costed(workload::IoMode mode, std::uint64_t writers, std::uint64_t bytes) {
  Scenario s = bare_scenario();
  s.cpu.copy_bandwidth_Bps = 10e9;
  s.cpu.syscall_entry_s = 0.4e-6;
  s.cpu.folio_alloc_s = 0.9e-6;
  s.cpu.writeback_per_folio_s = 0.3e-6;
  s.cpu.request_submit_s = 1.5e-6;
  s.cpu.request_complete_s = 2e-6;
  s.cpu.reclaim_scan_per_folio_s = 0.1e-6;
  s.cpu.reclaim_free_per_folio_s = 0.4e-6;
  s.machine.cpus = 8;
  s.jobs.push_back(buffered_job("w", 64 * KiB, bytes));
  s.jobs[0].mode = mode;
  s.jobs[0].numjobs = writers;
  return s;
}

}  // namespace

// Interleaved writers leave one run per folio on the LRU in exact order; a
// merge window joins them. The simulated results must not move by more than
// the latency histogram's error (1/2048), with or without reclaim.
TEST_CASE("lru_merge_window_runs: fewer runs, the same results within 1/2048") {
  Scenario s = costed(workload::IoMode::kBuffered, 8, 128 * MiB);
  s.jobs[0].end_fsync = true;
  for (bool reclaims : {false, true}) {
    CAPTURE(reclaims);
    s.machine.memory_bytes = reclaims ? 1 * GiB : 16 * GiB;
    s.page_cache.other_memory_bytes = reclaims ? 512 * MiB : 1 * GiB;
    s.page_cache.lru_merge_window_runs = 0;
    Json exact = simulate_isolated(s).summary;
    s.page_cache.lru_merge_window_runs = 64;
    Json merged = simulate_isolated(s).summary;
    if (reclaims) REQUIRE(exact["reclaimed_bytes"].get<double>() > 0);
    CHECK(merged["page_cache_runs"].get<double>() < exact["page_cache_runs"].get<double>() / 8);
    CHECK(merged["app_write_bytes"] == exact["app_write_bytes"]);
    CHECK(merged["device_write_bytes"] == exact["device_write_bytes"]);
    CHECK(merged["sim_time_s"].get<double>() == doctest::Approx(exact["sim_time_s"].get<double>()).epsilon(1.0 / 2048));
    for (const char* p : {"p50", "p99", "p999", "mean"})
      CHECK(merged["write_latency_us"][p].get<double>() ==
            doctest::Approx(exact["write_latency_us"][p].get<double>()).epsilon(1.0 / 2048));
    CHECK(merged["reclaimed_bytes"].get<double>() ==
          doctest::Approx(exact["reclaimed_bytes"].get<double>()).epsilon(1.0 / 2048));
  }
}

// The write path's CPU is batched (cpu.batch_window); with the window at 0
// every piece runs on its own. The inline kick's writepages joins the
// writer's pending work (one stretch of CPU for the copy and the kick), so
// its folios go under writeback when the call starts that stretch: the
// results must not move by more than the histogram's error.
TEST_CASE("inline dontcache kick: batched submission gives the unbatched results within 1/2048") {
  Scenario s = costed(workload::IoMode::kDontcache, 4, 64 * MiB);
  s.jobs[0].end_fsync = true;  // everything reaches the device, whatever the timing
  s.cpu.batch_window_s = 0;
  Json unbatched = simulate_isolated(s).summary;
  s.cpu.batch_window_s = 20e-6;
  Json batched = simulate_isolated(s).summary;
  CHECK(batched["device_write_bytes"] == 256 * MiB);
  CHECK(unbatched["device_write_bytes"] == 256 * MiB);
  CHECK(batched["dropbehind_dropped_bytes"] == unbatched["dropbehind_dropped_bytes"]);
  CHECK(batched["device_write_requests"].get<double>() ==
        doctest::Approx(unbatched["device_write_requests"].get<double>()).epsilon(0.02));
  CHECK(batched["sim_time_s"].get<double>() ==
        doctest::Approx(unbatched["sim_time_s"].get<double>()).epsilon(1.0 / 2048));
  for (const char* p : {"p50", "p99", "p999", "mean"})
    CHECK(batched["write_latency_us"][p].get<double>() ==
          doctest::Approx(unbatched["write_latency_us"][p].get<double>()).epsilon(1.0 / 2048));
  CHECK(batched["cpu_busy_s"]["writers"].get<double>() ==
        doctest::Approx(unbatched["cpu_busy_s"]["writers"].get<double>()).epsilon(1e-9));
}

// With no more actors running kernel work than cores, CPU work is a sleep
// instead of a SimGrid execution: the times must be the same.
TEST_CASE("uncontended CPUs: sleeping for the work gives the executions' results") {
  Scenario s = costed(workload::IoMode::kBuffered, 1, 256 * MiB);
  s.jobs[0].end_fsync = true;
  s.machine.cpus = 2;  // writer, flusher and kswapd: 3 runners, executions
  Json executed = simulate_isolated(s).summary;
  s.machine.cpus = 3;  // as many cores as runners: sleeps
  Json slept = simulate_isolated(s).summary;
  CHECK(slept["sim_time_s"].get<double>() == doctest::Approx(executed["sim_time_s"].get<double>()).epsilon(1e-9));
  for (const char* p : {"p50", "p99", "max", "mean"})
    CHECK(slept["write_latency_us"][p].get<double>() ==
          doctest::Approx(executed["write_latency_us"][p].get<double>()).epsilon(1e-9));
  CHECK(slept["fsync_latency_us"]["max"].get<double>() ==
        doctest::Approx(executed["fsync_latency_us"]["max"].get<double>()).epsilon(1e-9));
  CHECK(slept["cpu_busy_s"]["flusher"].get<double>() ==
        doctest::Approx(executed["cpu_busy_s"]["flusher"].get<double>()).epsilon(1e-9));
}
