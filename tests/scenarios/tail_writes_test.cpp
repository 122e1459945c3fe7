#include <doctest/doctest.h>

#include "sim/engine/isolated_run.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("tail writes: those past tail_percentile, at most tail_writes_max") {
  Scenario s = bare_scenario();
  s.jobs.push_back(direct_job("w", 4 * KiB, 4 * MiB));  // 1024 calls
  s.tail_percentile = 90;
  // 10 % of 1024 calls: 102.4, so the slowest 103.
  CHECK(simulate_isolated(s).tail_writes.size() == 103);
  s.tail_writes_max = 10;
  const VariantOutput r = simulate_isolated(s);
  REQUIRE(r.tail_writes.size() == 10);

  SUBCASE("the slowest ones, slowest first") {
    // 20 clones each make one 4 KiB O_DIRECT call at t = 0, in requests of
    // at most 4 KiB (adjacent files' writes do not merge): the device's
    // transfers are serialised, so the k-th finishes after 95 us and k
    // transfers of 4096 B at 3 GB/s, every latency different. All 20 are
    // past the 0th percentile; the 10 kept are the 20th down to the 11th.
    s.devices[0].max_request_bytes = 4 * KiB;
    s.jobs[0] = direct_job("w", 4 * KiB, 4 * KiB);
    s.jobs[0].numjobs = 20;
    s.tail_percentile = 0;
    const Json kept = simulate_isolated(s).tail_writes;
    REQUIRE(kept.size() == 10);
    for (std::size_t i = 0; i < 10; ++i) {
      CAPTURE(i);
      CHECK(kept[i]["latency_s"].get<double>() ==
            doctest::Approx(95e-6 + static_cast<double>(20 - i) * 4096 / 3e9).epsilon(1e-9));
    }
  }
}
