// The block device under whole runs: direct writes through the machine.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {
// A 1 GB/s device with 100 us of latency and 1 MiB requests: round numbers
// for hand-worked times. An O_DIRECT call's user buffer is one segment per
// 4 KiB page, so max_segments (128) cuts a 1 MiB call into two 512 KiB
// requests of 624.288 us each alone (100 us + 524.288 us).
Scenario gigabyte_device_scenario(std::uint64_t queue_depth) {
  Scenario s = bare_scenario();
  s.devices[0].write_bandwidth_Bps = 1e9;
  s.devices[0].request_latency_s = 100e-6;
  s.devices[0].queue_depth = queue_depth;
  s.devices[0].max_request_bytes = 1 * MiB;
  return s;
}
}  // namespace

TEST_CASE("direct 64 MiB in 1 MiB calls at queue depth 1 pays latency plus transfer per request") {
  Scenario s = gigabyte_device_scenario(1);
  s.jobs.push_back(direct_job("w", 1 * MiB, 64 * MiB));
  constexpr double kCall_s = 2 * (100e-6 + 0.524288e-3);  // two requests, one after the other

  SUBCASE("no CPU cost: 64 x 2 x (100 us + 524.288 us)") {
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * kCall_s).epsilon(1e-12));
    CHECK(r["write_calls"] == 64);
    CHECK(r["device_write_requests"] == 128);
    CHECK(r["device_write_bytes"] == 64 * MiB);
    // Every call takes the same 1248.576 us; the histogram is within 1/2048.
    CHECK(r["write_latency_us"]["max"].get<double>() == doctest::Approx(1248.576).epsilon(1e-9));
    CHECK(r["write_latency_us"]["p50"].get<double>() == doctest::Approx(1248.576).epsilon(1.0 / 2048));
  }
  SUBCASE("CPU costs add to each call") {
    s.cpu.syscall_entry_s = 1e-6;
    s.cpu.dio_setup_s = 2e-6;
    s.cpu.dio_per_page_s = 0.01e-6;  // 256 pages: 2.56 us
    s.cpu.request_submit_s = 1.5e-6;
    s.cpu.request_complete_s = 2e-6;
    // Two requests a call: 1 + 2 + 2.56 + 2 x 1.5 before the device, 2 x 2
    // after: 12.56 us a call.
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (kCall_s + 12.56e-6)).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["writers"].get<double>() == doctest::Approx(64 * 8.56e-6).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["completion"].get<double>() == doctest::Approx(64 * 4e-6).epsilon(1e-12));
  }
  SUBCASE("a slower CPU stretches the CPU part only") {
    s.cpu.syscall_entry_s = 10e-6;
    s.machine.cpu_speed_hz = s.cpu.reference_speed_hz / 2;  // 20 us a call
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (kCall_s + 20e-6)).epsilon(1e-12));
  }
}

TEST_CASE("32 jobs at queue depth 32: the device bandwidth is the bound") {
  Scenario s = gigabyte_device_scenario(32);
  auto job = direct_job("w", 1 * MiB, 8 * MiB);
  job.numjobs = 32;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s).summary;
  // All 32 start at t=0: the first transfer starts after 100 us, then the
  // transfer channel never idles (requests always wait behind it), so the
  // run ends after 100 us + 512 transfers of 524.288 us (each call is two
  // 512 KiB requests, max_segments).
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(100e-6 + 512 * 0.524288e-3).epsilon(1e-12));
  CHECK(r["device_write_bytes"] == 256 * MiB);
  CHECK(r["device_write_requests"] == 512);
  double throughput = 256.0 * MiB / r["sim_time_s"].get<double>();
  CHECK(throughput > 0.999 * 1e9);
}

TEST_CASE("I/O larger than the maximum request size is split, the call waits for every piece") {
  Scenario s = gigabyte_device_scenario(4);
  s.jobs.push_back(direct_job("w", 4 * MiB, 16 * MiB));
  Json r = simulate_isolated(s).summary;
  // 1024 user pages a call: max_segments (128) binds before the 1 MiB
  // max_request_size, so 8 requests of 512 KiB.
  CHECK(r["device_write_requests"] == 32);
  // Per call: 4 pieces dispatched together, the other 4 as they complete; the
  // channel never idles, so the 8th finishes at 100 us + 8 transfers.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(4 * (100e-6 + 8 * 0.524288e-3)).epsilon(1e-12));
}
