#include <doctest/doctest.h>

#include "sim/engine/isolated_run.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("runtime stops a job's calls once that long has passed, bytes left or not") {
  Scenario s = bare_scenario();
  s.devices[0].write_bandwidth_Bps = 1e9;
  s.devices[0].request_latency_s = 0;
  s.devices[0].queue_depth = 1;
  s.devices[0].max_request_bytes = 1 * MiB;
  // 1 MiB O_DIRECT calls of 1.048576 ms each; 10 ms of runtime fits 9 whole
  // calls and starts a 10th before the limit.
  s.jobs.push_back(direct_job("w", 1 * MiB, 1 * GiB));
  s.jobs[0].runtime_s = 10e-3;
  Json r = simulate_isolated(s).summary;
  CHECK(r["write_calls"] == 10);
  CHECK(r["app_write_bytes"] == 10 * MiB);
  SUBCASE("runtime counts from the end of startdelay") {
    s.jobs[0].startdelay_s = 1;
    Json d = simulate_isolated(s).summary;
    CHECK(d["write_calls"] == 10);
  }
}

namespace {

// 6 GiB written through 1.75 GiB of usable memory: reclaim runs all along.
Scenario reclaiming_scenario() {
  Scenario s = bare_scenario();
  s.machine.memory_bytes = 2 * GiB;
  s.page_cache.other_memory_bytes = 256 * MiB;
  s.jobs.push_back(buffered_job("w", 1 * MiB, 6 * GiB));
  return s;
}

// Whoever reclaimed: kswapd threads or writers in direct reclaim.
double reclaimers_busy_s(const Json& r) {
  return r["cpu_busy_s"]["kswapd"].get<double>() + r["cpu_busy_s"]["writers"].get<double>();
}

}  // namespace

TEST_CASE("reclaim: free_per_page charges every freed page, kswapd threads share the work") {
  Scenario s = reclaiming_scenario();
  s.reclaim.free_per_page_s = 1e-6;
  for (std::uint64_t threads : {1, 4}) {
    CAPTURE(threads);
    s.reclaim.kswapd_threads = threads;
    Json r = simulate_isolated(s).summary;
    const double reclaimed_pages = r["reclaimed_bytes"].get<double>() / 4096;
    REQUIRE(reclaimed_pages > 0);
    // Every other CPU cost is zero: what the CPUs did is the reclaim.
    CHECK(reclaimers_busy_s(r) == doctest::Approx(reclaimed_pages * 1e-6).epsilon(1e-9));
    CHECK(r["app_write_bytes"] == 6 * GiB);
  }
}

TEST_CASE("reclaim: serialised_per_page queues reclaimers, so more kswapd threads spin instead of reclaiming faster") {
  Scenario s = reclaiming_scenario();
  s.devices[0].write_bandwidth_Bps = 30e9;  // the device is never the bottleneck
  const double serial_s = 4e-6;            // 1 GB/s of reclaim at most
  s.reclaim.serialised_per_page_s = serial_s;
  double one_thread_phase_s = 0, one_thread_wait_s = 0;
  for (std::uint64_t threads : {1, 4}) {
    CAPTURE(threads);
    s.reclaim.kswapd_threads = threads;
    Json r = simulate_isolated(s).summary;
    const double scanned_pages = r["reclaim_scanned_bytes"].get<double>() / 4096;
    REQUIRE(scanned_pages > 0);
    // Every other CPU cost is zero: reclaimers were busy holding the lock
    // (one serial_s a page scanned) or spinning for it.
    const double wait_s = r["reclaim_lock_wait_s"].get<double>();
    CHECK(reclaimers_busy_s(r) == doctest::Approx(scanned_pages * serial_s + wait_s).epsilon(1e-9));
    // Holds never overlap: the write phase lasts at least the lock's busy time.
    const double phase_s = r["write_phase_s"].get<double>();
    CHECK(phase_s >= scanned_pages * serial_s * 0.999);
    CHECK(r["app_write_bytes"] == 6 * GiB);
    if (threads == 1) {
      one_thread_phase_s = phase_s;
      one_thread_wait_s = wait_s;
    } else {
      CHECK(phase_s == doctest::Approx(one_thread_phase_s).epsilon(0.02));
      CHECK(wait_s > 2 * one_thread_wait_s);
    }
  }
}
