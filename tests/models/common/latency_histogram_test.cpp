#include "models/common/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <doctest/doctest.h>

using foliosim::LatencyHistogram;

namespace {

double s(std::uint64_t ns) { return static_cast<double>(ns) / 1e9; }

// Deterministic pseudo-random numbers, so failures reproduce.
struct Lcg {
  std::uint64_t state;
  std::uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 16;
  }
};

// Nearest rank for p = p_hundredths / 100 percent, in integers so the
// reference does not share the histogram's floating-point rounding.
std::uint64_t nearest_rank(std::uint64_t p_hundredths, std::uint64_t n) {
  const std::uint64_t rank = (p_hundredths * n + 9999) / 10000;
  return std::max<std::uint64_t>(rank, 1);
}

// p1..p99 plus the tail percentiles plots use, in hundredths of a percent.
std::vector<std::uint64_t> percentiles_hundredths() {
  std::vector<std::uint64_t> ps;
  for (std::uint64_t p = 1; p <= 99; ++p) ps.push_back(p * 100);
  for (std::uint64_t p : {0, 1, 50, 9950, 9990, 9999, 10000}) ps.push_back(p);
  return ps;
}

void check_within_bound(const LatencyHistogram& h, std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  const std::uint64_t n = values.size();
  for (std::uint64_t ph : percentiles_hundredths()) {
    const double exact = s(values[nearest_rank(ph, n) - 1]);
    const double got = h.percentile_s(static_cast<double>(ph) / 100);
    CAPTURE(ph);
    CAPTURE(exact);
    CAPTURE(got);
    CHECK(std::fabs(got - exact) <= LatencyHistogram::kRelativeErrorBound * exact);
  }
}

void check_same(const LatencyHistogram& a, const LatencyHistogram& b) {
  CHECK(a.count() == b.count());
  CHECK(a.min_s() == b.min_s());
  CHECK(a.max_s() == b.max_s());
  CHECK(a.mean_s() == b.mean_s());
  CHECK(a.allocated_buckets() == b.allocated_buckets());
  for (std::uint64_t ph : percentiles_hundredths()) {
    CAPTURE(ph);
    CHECK(a.percentile_s(static_cast<double>(ph) / 100) == b.percentile_s(static_cast<double>(ph) / 100));
  }
  CHECK(a.cdf() == b.cdf());
}

}  // namespace

TEST_CASE("an empty histogram reports zeros") {
  LatencyHistogram h;
  CHECK(h.count() == 0);
  CHECK(h.min_s() == 0);
  CHECK(h.max_s() == 0);
  CHECK(h.mean_s() == 0);
  CHECK(h.percentile_s(50) == 0);
  CHECK(h.percentile_s(100) == 0);
  CHECK(h.cdf().empty());
  CHECK(h.allocated_buckets() == 0);
}

TEST_CASE("small values are exact") {
  LatencyHistogram h;
  for (std::uint64_t ns = 1; ns <= 1000; ++ns) h.record_ns(ns);
  CHECK(h.count() == 1000);
  CHECK(h.percentile_s(50) == 500e-9);
  CHECK(h.percentile_s(100) == 1000e-9);
  CHECK(h.percentile_s(0) == 1e-9);
  CHECK(h.percentile_s(99.9) == 999e-9);
  CHECK(h.percentile_s(0.1) == 1e-9);
  CHECK(h.percentile_s(0.15) == 2e-9);
  CHECK(h.min_s() == 1e-9);
  CHECK(h.max_s() == 1000e-9);
  CHECK(h.mean_s() == 500.5e-9);

  const auto cdf = h.cdf();
  REQUIRE(cdf.size() == 1000);
  CHECK(cdf.front().first == 1e-9);
  CHECK(cdf.front().second == 0.001);
  CHECK(cdf[499].first == 500e-9);
  CHECK(cdf[499].second == 0.5);
  CHECK(cdf.back().first == 1000e-9);
  CHECK(cdf.back().second == 1.0);

  // Every value below 2048 ns has its own bucket, so every rank is exact.
  LatencyHistogram all;
  for (std::uint64_t ns = 0; ns < 2048; ++ns) all.record_ns(ns, 2);
  for (std::uint64_t ns = 0; ns < 2048; ++ns) {
    CAPTURE(ns);
    // Rank 2*ns + 2 is the second copy of ns: p = (2ns + 2) / 4096 * 100.
    CHECK(all.percentile_s(static_cast<double>(2 * ns + 2) * 100 / 4096) == s(ns));
  }
}

TEST_CASE("record converts seconds to the nearest nanosecond") {
  LatencyHistogram h;
  h.record(20e-6);
  CHECK(h.min_s() == 20e-6);
  h.record(1.4e-9);
  CHECK(h.min_s() == 1e-9);
  h.record(-3.0);  // negative counts as 0
  CHECK(h.min_s() == 0);
  h.record(2.6e-9);
  CHECK(h.count() == 4);
  CHECK(h.percentile_s(75) == 3e-9);
  CHECK(h.max_s() == 20e-6);
  CHECK(h.mean_s() == doctest::Approx((20000.0 + 1 + 0 + 3) / 4 / 1e9).epsilon(1e-15));
}

TEST_CASE("record rounds halves away from zero") {
  // Each of these nanosecond values survives the seconds round trip exactly
  // (ns / 1e9 * 1e9 == ns in a double): halves go up (2.5 to 3, not to the
  // even 2), the values around them to the nearest.
  const struct {
    double ns;
    double expected_ns;
  } cases[] = {{0.5, 1}, {1.5, 2}, {2.5, 3}, {1023.5, 1024}, {2.499, 2}, {2.501, 3}, {1023.499, 1023}};
  for (const auto& c : cases) {
    CAPTURE(c.ns);
    LatencyHistogram h;
    h.record(c.ns / 1e9);
    CHECK(h.min_s() == c.expected_ns / 1e9);
  }
}

TEST_CASE("a permutation of 1..1'000'000 us: exact min, max and mean, bounded percentiles") {
  LatencyHistogram h;
  std::vector<std::uint64_t> values;
  const std::uint64_t n = 1000000;
  values.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    // 7919 is prime and coprime to 10^6, so this visits every k in 1..10^6 once.
    const std::uint64_t us = (i * 7919) % n + 1;
    values.push_back(us * 1000);
    h.record_ns(us * 1000);
  }
  CHECK(h.count() == n);
  CHECK(h.min_s() == 1e-6);
  CHECK(h.max_s() == 1.0);
  CHECK(h.mean_s() == 500000.5e-6);
  check_within_bound(h, values);
  // The nearest rank of p is exactly p * 10^4 us here.
  CHECK(std::fabs(h.percentile_s(50) - 0.5) <= 0.5 * LatencyHistogram::kRelativeErrorBound);
  CHECK(h.percentile_s(100) == 1.0);
}

TEST_CASE("a scattered sample over 1 ns .. 10 s stays within the relative error bound") {
  LatencyHistogram h;
  std::vector<std::uint64_t> values;
  Lcg rng{2024};
  long double sum = 0;
  for (int i = 0; i < 300000; ++i) {
    // Uniform in log scale: a random number of bits, then a random value of that size.
    const std::uint64_t bits = rng.next() % 34;  // 2^33 ns ~ 8.6 s
    const std::uint64_t ns = 1 + rng.next() % (std::uint64_t{1} << bits);
    values.push_back(ns);
    h.record_ns(ns);
    sum += static_cast<long double>(ns);
  }
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  CHECK(h.min_s() == s(*lo));
  CHECK(h.max_s() == s(*hi));
  CHECK(h.mean_s() == doctest::Approx(static_cast<double>(sum / values.size() / 1e9L)).epsilon(1e-15));
  check_within_bound(h, values);

  // The cdf is ascending and ends at (max, 1).
  const auto cdf = h.cdf();
  REQUIRE(!cdf.empty());
  for (std::size_t i = 1; i < cdf.size(); ++i) {
    CHECK(cdf[i - 1].first < cdf[i].first);
    CHECK(cdf[i - 1].second < cdf[i].second);
  }
  CHECK(cdf.back().first == h.max_s());
  CHECK(cdf.back().second == 1.0);
}

TEST_CASE("merge equals recording both") {
  LatencyHistogram fast, slow, both;
  Lcg rng{99};
  for (int i = 0; i < 50000; ++i) {
    const std::uint64_t a = 1 + rng.next() % 1000000;                // up to 1 ms
    const std::uint64_t b = 1000000 + rng.next() % 10000000000ULL;  // 1 ms .. 10 s
    fast.record_ns(a);
    slow.record_ns(b, 3);
    both.record_ns(a);
    both.record_ns(b, 3);
  }
  LatencyHistogram merged = fast;
  merged.merge(slow);
  check_same(merged, both);

  LatencyHistogram into_empty;
  into_empty.merge(both);
  check_same(into_empty, both);

  LatencyHistogram with_empty = both;
  with_empty.merge(LatencyHistogram{});
  check_same(with_empty, both);
}

TEST_CASE("memory stays bounded for ten million values") {
  LatencyHistogram h;
  Lcg rng{5};
  for (int i = 0; i < 10000000; ++i) {
    const std::uint64_t bits = rng.next() % 34;
    h.record_ns(1 + rng.next() % (std::uint64_t{1} << bits));
  }
  h.record_ns(10000000000ULL);  // 10 s
  CHECK(h.count() == 10000001);
  // 10 s < 2^34 ns: the groups for 0..1023 ns, 1024..2047 ns and one per power
  // of two from 2^11 to 2^33, 1024 counters each, whatever the sample count.
  CHECK(h.allocated_buckets() <= 25 * 1024);

  // A narrow histogram allocates a single power of two.
  LatencyHistogram narrow;
  for (std::uint64_t ns = 1100000; ns < 1200000; ++ns) narrow.record_ns(ns);
  CHECK(narrow.allocated_buckets() == 1024);
}

TEST_CASE("the last sample counts at once in copies, moves and reads, and only where recorded") {
  // Values under 2048 ns have buckets of their own: percentiles are exact.
  LatencyHistogram h;
  h.record_ns(100);
  h.record_ns(700);  // its counter's increment is the one still pending
  LatencyHistogram copy = h;
  CHECK(copy.percentile_s(100) == s(700));
  CHECK(copy.percentile_s(50) == s(100));
  // More samples in the copy leave the original as it was.
  copy.record_ns(900);
  copy.record_ns(900);
  CHECK(copy.percentile_s(60) == s(900));
  CHECK(h.count() == 2);
  CHECK(h.percentile_s(100) == s(700));
  CHECK(h.cdf().back().second == 1.0);
  CHECK(h.cdf().size() == 2);

  LatencyHistogram assigned;
  assigned.record_ns(5);
  assigned = copy;  // its own pending sample is dropped with its counters
  CHECK(assigned.count() == 4);
  CHECK(assigned.percentile_s(25) == s(100));
  CHECK(assigned.percentile_s(100) == s(900));

  LatencyHistogram moved = std::move(copy);
  moved.record_ns(1000);
  CHECK(moved.count() == 5);
  CHECK(moved.percentile_s(80) == s(900));
  CHECK(moved.percentile_s(100) == s(1000));

  LatencyHistogram merged;
  merged.merge(moved);
  CHECK(merged.percentile_s(100) == s(1000));
  CHECK(merged.percentile_s(20) == s(100));
  CHECK(merged.percentile_s(40) == s(700));
}
