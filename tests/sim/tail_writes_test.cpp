#include <doctest/doctest.h>

#include "sim/isolated_run.hpp"
#include "sim/simulation.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("tail writes: those past tail_percentile, at most tail_writes_max") {
  Scenario s = bare_scenario();
  s.jobs.push_back(direct_job("w", 4 * KiB, 4 * MiB));  // 1024 calls
  s.tail_percentile = 90;
  // 10 % of 1024 calls: 102.4, so the slowest 103.
  CHECK(simulate_isolated(s)["tail_writes"].size() == 103);
  s.tail_writes_max = 10;
  Json r = simulate_isolated(s);
  REQUIRE(r["tail_writes"].size() == 10);
  for (std::size_t i = 1; i < 10; ++i)
    CHECK(r["tail_writes"][i]["latency_s"].get<double>() <= r["tail_writes"][i - 1]["latency_s"].get<double>());
}
