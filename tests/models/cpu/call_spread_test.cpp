// How a task's calls vary (cpu::CallSpread): lognormal factors of median 1
// whose quantiles follow exp(z * sigma), interruptions as a Poisson process
// over busy time, and nothing drawn at all when the spread is off.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "models/common/random_streams.hpp"
#include "models/cpu/call_spread.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
using cpu::Work;

namespace {

cpu::CallSpread spread(double copy_sigma, double rate_hz, double stall_s, std::uint64_t seed = 1) {
  cpu::CpuCostParams costs = zero_cpu_costs();
  costs.copy_sigma = copy_sigma;
  cpu::MachineParams machine = quiet_machine();
  machine.interrupt_rate_hz = rate_hz;
  machine.interrupt_stall_s = stall_s;
  return cpu::CallSpread(costs, machine, random_stream(seed, "spread"));
}

// The nearest-rank `q` quantile of `values` (sorted here).
double quantile(std::vector<double> values, double q) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(std::ceil(q * static_cast<double>(values.size()))) - 1];
}

}  // namespace

TEST_CASE("call spread off: every factor 1, no interruption") {
  auto s = spread(0, 0, 15e-6);
  for (int i = 0; i < 1000; ++i) {
    s.begin_call();
    CHECK(s.factor(Work::kCode) == 1.0);
    CHECK(s.factor(Work::kCopy) == 1.0);
    CHECK(s.factor(Work::kDioSetup) == 1.0);
    CHECK(s.interruptions(1.0) == 0.0);
  }
}

TEST_CASE("call spread: a kind's factors are lognormal of median 1, the other kinds stay 1") {
  // sigma 0.4: p50 1, p90 exp(1.2816 * 0.4) = 1.670, p99 exp(2.3263 * 0.4) = 2.536.
  auto s = spread(0.4, 0, 15e-6);
  std::vector<double> factors;
  for (int i = 0; i < 40000; ++i) {
    s.begin_call();
    CHECK(s.factor(Work::kCode) == 1.0);
    factors.push_back(s.factor(Work::kCopy));
  }
  // Sampling error of a quantile of 40000 draws: below 1 % here.
  CHECK(quantile(factors, 0.5) == doctest::Approx(1.0).epsilon(0.02));
  CHECK(quantile(factors, 0.9) == doctest::Approx(1.670).epsilon(0.02));
  CHECK(quantile(factors, 0.99) == doctest::Approx(2.536).epsilon(0.04));
}

TEST_CASE("call spread: interruptions are a Poisson process over busy time") {
  // 3500 per CPU-second, 50 us windows: a window is hit with probability
  // 1 - exp(-0.175) = 0.1605; the stall is 15 us on average, so a busy second
  // stalls 3500 * 15 us = 52.5 ms.
  auto s = spread(0, 3500, 15e-6);
  const int windows = 40000;
  int hit = 0;
  double stall_s = 0;
  for (int i = 0; i < windows; ++i) {
    const double w = s.interruptions(50e-6);
    hit += w > 0;
    stall_s += w;
  }
  CHECK(static_cast<double>(hit) / windows == doctest::Approx(0.1605).epsilon(0.03));
  CHECK(stall_s / (windows * 50e-6) == doctest::Approx(0.0525).epsilon(0.04));
}

TEST_CASE("call spread: the same seed draws the same calls, another seed others") {
  auto a = spread(0.4, 3500, 15e-6, 7);
  auto b = spread(0.4, 3500, 15e-6, 7);
  auto c = spread(0.4, 3500, 15e-6, 8);
  int differ = 0;
  for (int i = 0; i < 100; ++i) {
    a.begin_call();
    b.begin_call();
    c.begin_call();
    CHECK(a.factor(Work::kCopy) == b.factor(Work::kCopy));
    CHECK(a.interruptions(100e-6) == b.interruptions(100e-6));
    differ += a.factor(Work::kCopy) != c.factor(Work::kCopy);
    c.interruptions(100e-6);
  }
  CHECK(differ == 100);
}
