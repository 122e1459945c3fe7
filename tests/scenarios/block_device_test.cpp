// The block device under whole runs: direct writes through the machine.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {
// A 1 GB/s device with 100 us of latency and 1 MiB requests: round numbers
// for hand-worked times.
Scenario gigabyte_device_scenario(std::uint64_t queue_depth) {
  Scenario s = bare_scenario();
  s.devices[0].write_bandwidth_Bps = 1e9;
  s.devices[0].request_latency_s = 100e-6;
  s.devices[0].queue_depth = queue_depth;
  s.devices[0].max_request_bytes = 1 * MiB;
  return s;
}
}  // namespace

TEST_CASE("direct 64 MiB in 1 MiB requests at queue depth 1 pays latency plus transfer per request") {
  Scenario s = gigabyte_device_scenario(1);
  s.jobs.push_back(direct_job("w", 1 * MiB, 64 * MiB));

  SUBCASE("no CPU cost: 64 x (100 us + 1.048576 ms)") {
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3)).epsilon(1e-12));
    CHECK(r["write_calls"] == 64);
    CHECK(r["device_write_requests"] == 64);
    CHECK(r["device_write_bytes"] == 64 * MiB);
    // Every call takes the same 1148.576 us; the histogram is within 1/2048.
    CHECK(r["write_latency_us"]["max"].get<double>() == doctest::Approx(1148.576).epsilon(1e-9));
    CHECK(r["write_latency_us"]["p50"].get<double>() == doctest::Approx(1148.576).epsilon(1.0 / 2048));
  }
  SUBCASE("CPU costs add to each call") {
    s.cpu.syscall_entry_s = 1e-6;
    s.cpu.dio_setup_s = 2e-6;
    s.cpu.dio_per_page_s = 0.01e-6;  // 256 pages: 2.56 us
    s.cpu.request_submit_s = 1.5e-6;
    s.cpu.request_complete_s = 2e-6;
    // 1 + 2 + 2.56 + 1.5 before the device, 2 after: 9.06 us a call.
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3 + 9.06e-6)).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["writers"].get<double>() == doctest::Approx(64 * 7.06e-6).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["completion"].get<double>() == doctest::Approx(64 * 2e-6).epsilon(1e-12));
  }
  SUBCASE("a slower CPU stretches the CPU part only") {
    s.cpu.syscall_entry_s = 10e-6;
    s.machine.cpu_speed_hz = s.cpu.reference_speed_hz / 2;  // 20 us a call
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3 + 20e-6)).epsilon(1e-12));
  }
}

TEST_CASE("32 jobs at queue depth 32: the device bandwidth is the bound") {
  Scenario s = gigabyte_device_scenario(32);
  auto job = direct_job("w", 1 * MiB, 8 * MiB);
  job.numjobs = 32;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s).summary;
  // All 32 start at t=0: the first transfer starts after 100 us, then the
  // transfer channel never idles (31 requests always wait behind it), so the
  // run ends after 100 us + 256 transfers of 1.048576 ms.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(100e-6 + 256 * 1.048576e-3).epsilon(1e-12));
  CHECK(r["device_write_bytes"] == 256 * MiB);
  CHECK(r["device_write_requests"] == 256);
  double throughput = 256.0 * MiB / r["sim_time_s"].get<double>();
  CHECK(throughput > 0.999 * 1e9);
}

TEST_CASE("I/O larger than the maximum request size is split, the call waits for every piece") {
  Scenario s = gigabyte_device_scenario(4);
  s.jobs.push_back(direct_job("w", 4 * MiB, 16 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_write_requests"] == 16);
  // Per call: 4 pieces dispatched together; the 4th finishes at 100 us + 4 transfers.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(4 * (100e-6 + 4 * 1.048576e-3)).epsilon(1e-12));
}
