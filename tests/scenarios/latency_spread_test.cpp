// Latency spread through the whole engine: per-call factors, interruptions
// and the device's service spread shape the percentiles as worked out from
// their distributions; a seed gives the same results every time; with the
// spread off, every call costs exactly its work.
#include <doctest/doctest.h>

#include <cmath>

#include "sim/input/scenario.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// 20480 buffered 4 KiB writes of 10 us of XFS per-call work each, nothing
// else charged; no spread unless a test sets one.
Scenario ten_microsecond_calls() {
  Scenario s = bare_scenario();
  s.cpu.xfs_write_per_call_s = 10e-6;
  s.jobs.push_back(buffered_job("w", 4 * KiB, 80 * MiB));
  return s;
}

double latency_us(const Json& summary, const char* which) {
  return summary["write_latency_us"][which].get<double>();
}

}  // namespace

TEST_CASE("latency spread off: every call costs exactly its work") {
  const Json r = simulate_isolated(ten_microsecond_calls()).summary;
  CHECK(latency_us(r, "p50") == doctest::Approx(10.0).epsilon(0.001));
  CHECK(latency_us(r, "max") == doctest::Approx(10.0).epsilon(0.001));
}

TEST_CASE("latency spread off in the calibrated defaults: a 1 MiB XFS write costs its sum of costs") {
  const std::string text = R"({"name": "c1", "machine": {"interrupt_rate": "0Hz"},
      "cpu": {"call_sigma": 0, "copy_sigma": 0, "dio_setup_sigma": 0},
      "devices": [{"name": "d", "service_sigma": 0, "stall_rate": "0Hz"}], "filesystem": {"device": "d"},
      "workload": {"jobs": [{"name": "w", "bs": "1MiB", "size": "64MiB"}]}})";
  const Json r = simulate_isolated(resolve_variants(parse_scenario_text(text, "c1.json")).at(0).scenario).summary;
  // syscall_entry + xfs_write_per_call + folio_alloc + folio_dirty + the copy
  // of 1 MiB, every call.
  const cpu::CpuCostParams c;
  const double call_us = 1e6 * (c.syscall_entry_s + c.xfs_write_per_call_s + c.folio_alloc_s + c.folio_dirty_s +
                                static_cast<double>(MiB) / c.copy_bandwidth_Bps);
  CHECK(latency_us(r, "p50") == doctest::Approx(call_us).epsilon(0.001));
  CHECK(latency_us(r, "max") == doctest::Approx(call_us).epsilon(0.001));
}

TEST_CASE("latency spread: per-call lognormal factors give p90 / p50 = exp(1.2816 sigma)") {
  Scenario s = ten_microsecond_calls();
  s.cpu.call_sigma = 0.3;
  const Json r = simulate_isolated(s).summary;
  // Median 1: p50 stays 10 us; p90 10 * exp(0.3845) = 14.69 us, p99 10 *
  // exp(0.6979) = 20.10 us (sampling error of 20480 calls: about 1 %).
  CHECK(latency_us(r, "p50") == doctest::Approx(10.0).epsilon(0.02));
  CHECK(latency_us(r, "p90") == doctest::Approx(14.69).epsilon(0.03));
  CHECK(latency_us(r, "p99") == doctest::Approx(20.10).epsilon(0.05));
  // The mean grows by exp(sigma^2 / 2) = 1.046.
  CHECK(latency_us(r, "mean") == doctest::Approx(10.46).epsilon(0.02));
}

TEST_CASE("latency spread: interruptions hit 1 - exp(-rate t) of the calls") {
  Scenario s = ten_microsecond_calls();
  s.machine.interrupt_rate_hz = 2000;
  s.machine.interrupt_stall_s = 50e-6;
  const Json r = simulate_isolated(s).summary;
  // A 10 us call is hit with probability 1 - exp(-0.02) = 1.98 %: p90 is an
  // unhit call; of the calls, 1.98 % * exp(-x / 50 us) take more than 10 + x
  // us, so p99 is 10 + 50 ln(1.98) = 44.2 us; the mean is 10 + 0.02 * 50 = 11 us.
  CHECK(latency_us(r, "p50") == doctest::Approx(10.0).epsilon(0.001));
  CHECK(latency_us(r, "p90") == doctest::Approx(10.0).epsilon(0.001));
  CHECK(latency_us(r, "p99") == doctest::Approx(44.2).epsilon(0.2));
  CHECK(latency_us(r, "mean") == doctest::Approx(11.0).epsilon(0.02));
}

TEST_CASE("latency spread: a request's service spreads by the device's sigma") {
  Scenario s = bare_scenario();
  s.devices[0].service_sigma = 0.5;
  s.jobs.push_back(direct_job("w", 512 * KiB, 2 * GiB));
  const Json r = simulate_isolated(s).summary;
  // One request a call (128 user pages), one at a time: 95 us of latency,
  // then 512 KiB at 3 GB/s (174.76 us) times the factor: p50 269.8 us, p90
  // 95 + 174.76 exp(0.6408) = 426.9 us.
  CHECK(latency_us(r, "p50") == doctest::Approx(269.8).epsilon(0.03));
  CHECK(latency_us(r, "p90") == doctest::Approx(426.9).epsilon(0.04));
}

TEST_CASE("latency spread: the device's stalls hold the calls they meet, the body stays") {
  // 20480 O_DIRECT calls of 4 KiB, one at a time: 95 us of latency, then
  // 4096 B at 3 GB/s (1.37 us), 96.4 us a call, 1.97 s in all.
  Scenario s = bare_scenario();
  s.jobs.push_back(direct_job("w", 4 * KiB, 80 * MiB));
  const Json quiet = simulate_isolated(s).summary;
  CHECK(latency_us(quiet, "max") == doctest::Approx(96.4).epsilon(0.002));

  // 50 Hz of 1 ms stalls: about 98 in 1.97 s. The device holds a call's
  // request all the time (its latency, then its transfer), so each stall
  // holds the call it meets by its length, or what is left of it (1 ms on
  // average either way): about 98 calls of 20480 (0.48 %). p50 and p99 stay
  // the body; p99.9, the 20th longest, is the 20th longest of 98 exponential
  // lengths, about 1 ms x ln(98 / 20) = 1.59 ms above it; the mean grows by
  // 98 x 1 ms / 20480 = 4.8 us.
  s.devices[0].stall_rate_hz = 50;
  s.devices[0].stall_mean_s = 1e-3;
  const Json stalled = simulate_isolated(s).summary;
  CHECK(latency_us(stalled, "p50") == doctest::Approx(96.4).epsilon(0.002));
  CHECK(latency_us(stalled, "p99") == doctest::Approx(96.4).epsilon(0.002));
  CHECK(latency_us(stalled, "p999") - 96.4 == doctest::Approx(1590).epsilon(0.4));
  CHECK(latency_us(stalled, "mean") - latency_us(quiet, "mean") == doctest::Approx(4.8).epsilon(0.4));
}

TEST_CASE("latency spread: the same seed gives identical results, another seed others") {
  Scenario s = ten_microsecond_calls();
  s.cpu.call_sigma = 0.3;
  s.machine.interrupt_rate_hz = 2000;
  s.seed = 3;
  const Json a = simulate_isolated(s).summary;
  const Json b = simulate_isolated(s).summary;
  s.seed = 4;
  const Json c = simulate_isolated(s).summary;
  CHECK(a == b);
  CHECK(latency_us(a, "p90") != latency_us(c, "p90"));
}
