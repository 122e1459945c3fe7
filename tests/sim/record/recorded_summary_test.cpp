// The aggregation of repetitions into summary.json's median/min/max/reps,
// and the runner's nearest-rank percentiles, worked by hand.
#include <doctest/doctest.h>

#include <stdexcept>

#include "sim/record/recorded_summary.hpp"
#include "sim/record/workload_runner.hpp"

using foliosim::Json;
using namespace foliosim::record;

TEST_CASE("record: the spread of repetitions: median of an odd and an even count, min and max") {
  const Spread odd = spread_of({21.2, 16.4, 27.0, 18.0, 19.5});  // sorted 16.4 18.0 19.5 21.2 27.0
  CHECK(odd.median == doctest::Approx(19.5));
  CHECK(odd.min == doctest::Approx(16.4));
  CHECK(odd.max == doctest::Approx(27.0));
  const Spread even = spread_of({4, 1, 3, 2});  // the two middle ones, 2 and 3
  CHECK(even.median == doctest::Approx(2.5));
  CHECK(even.min == 1);
  CHECK(even.max == 4);
  CHECK_THROWS_AS(spread_of({}), std::invalid_argument);
}

TEST_CASE("record: repetitions merge figure by figure, nested groups kept, a missing value null") {
  const Json rep1 = {{"write_phase_s", 0.02}, {"write_calls", 256}, {"device", "loop3"},
                     {"write_latency_us", {{"p50", 60.0}, {"p99", 200.0}}}};
  const Json rep2 = {{"write_phase_s", 0.01}, {"write_calls", 256}, {"device", "loop4"},
                     {"write_latency_us", {{"p50", 80.0}}}};
  const Json rep3 = {{"write_phase_s", 0.03}, {"write_calls", 256}, {"device", "loop5"},
                     {"write_latency_us", {{"p50", 70.0}, {"p99", 100.0}}}};
  const Json merged = aggregate_repetitions({rep1, rep2, rep3});
  CHECK(merged["write_phase_s"]["median"].get<double>() == doctest::Approx(0.02));
  CHECK(merged["write_phase_s"]["min"].get<double>() == doctest::Approx(0.01));
  CHECK(merged["write_phase_s"]["max"].get<double>() == doctest::Approx(0.03));
  CHECK(merged["write_phase_s"]["reps"] == Json::array({0.02, 0.01, 0.03}));
  CHECK(merged["write_calls"]["median"].get<double>() == 256);
  CHECK(merged["device"] == "loop3");  // text: the first repetition's
  CHECK(merged["write_latency_us"]["p50"]["median"].get<double>() == doctest::Approx(70));
  // p99 in two of three: the median of those two, the third null.
  CHECK(merged["write_latency_us"]["p99"]["median"].get<double>() == doctest::Approx(150));
  CHECK(merged["write_latency_us"]["p99"]["reps"] == Json::array({200.0, nullptr, 100.0}));
  CHECK(is_spread(merged["write_phase_s"]));
  CHECK_FALSE(is_spread(merged["write_latency_us"]));
}

TEST_CASE("record: nearest-rank percentiles and the latency figures in microseconds") {
  std::vector<double> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  CHECK(nearest_rank(ten, 50) == 5);    // ceil(5) = 5th
  CHECK(nearest_rank(ten, 90) == 9);    // ceil(9) = 9th
  CHECK(nearest_rank(ten, 99) == 10);   // ceil(9.9) = 10th
  CHECK(nearest_rank(ten, 100) == 10);
  CHECK(nearest_rank({}, 50) == 0);
  const Json figures = latency_figures_us({3e-6, 1e-6, 2e-6});
  CHECK(figures["p50"].get<double>() == doctest::Approx(2));
  CHECK(figures["max"].get<double>() == doctest::Approx(3));
  CHECK(figures["mean"].get<double>() == doctest::Approx(2));
}
