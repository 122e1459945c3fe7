#include "models/common/latency_histogram.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace foliosim {
namespace {

__extension__ typedef unsigned __int128 Uint128;

double ns_to_s(double ns) { return ns / 1e9; }

int floor_log2(std::uint64_t v) { return 63 - __builtin_clzll(v); }  // v > 0

}  // namespace

void LatencyHistogram::locate(std::uint64_t ns, std::size_t& group, std::size_t& sub) {
  if (ns < kSubBuckets) {
    group = 0;
    sub = static_cast<std::size_t>(ns);
    return;
  }
  const int e = floor_log2(ns);  // >= 10
  group = static_cast<std::size_t>(e - (kSubBucketBits - 1));
  sub = static_cast<std::size_t>(ns >> (e - kSubBucketBits)) - kSubBuckets;
}

std::uint64_t LatencyHistogram::lower_ns(std::size_t group, std::size_t sub) {
  if (group == 0) return sub;
  return static_cast<std::uint64_t>(kSubBuckets + sub) << (group - 1);
}

std::uint64_t LatencyHistogram::width_ns(std::size_t group) {
  return group == 0 ? 1 : std::uint64_t{1} << (group - 1);
}

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this == &other) return *this;
  other.settle();
  settle();
  groups_ = other.groups_;
  count_ = other.count_;
  min_ns_ = other.min_ns_;
  max_ns_ = other.max_ns_;
  sum_ns_ = other.sum_ns_;
  return *this;
}

LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&& other) noexcept {
  if (this == &other) return *this;
  settle();
  groups_ = std::move(other.groups_);  // the counters' arrays move, the pending one with them
  pending_ = std::exchange(other.pending_, nullptr);
  count_ = other.count_;
  min_ns_ = other.min_ns_;
  max_ns_ = other.max_ns_;
  sum_ns_ = other.sum_ns_;
  return *this;
}

void LatencyHistogram::record(double seconds) {
  const double ns = seconds * 1e9;
  if (!(ns > 0)) {  // also catches NaN
    record_ns(0);
    return;
  }
  // 2^64 as a double; anything at or above would not fit the cast.
  if (ns >= 18446744073709551616.0) {
    record_ns(std::numeric_limits<std::uint64_t>::max());
    return;
  }
  record_ns(static_cast<std::uint64_t>(std::round(ns)));
}

void LatencyHistogram::record_ns(std::uint64_t ns, std::uint64_t count) {
  if (count == 0) return;
  std::size_t group = 0, sub = 0;
  locate(ns, group, sub);
  if (groups_.size() <= group) groups_.resize(group + 1);
  if (groups_[group].empty()) groups_[group].assign(kSubBuckets, 0);
  std::uint64_t* counter = &groups_[group][sub];
  settle();
  if (count == 1) {
    __builtin_prefetch(counter, 1);
    pending_ = counter;
  } else {
    *counter += count;
  }
  if (count_ == 0) {
    min_ns_ = max_ns_ = ns;
  } else {
    min_ns_ = std::min(min_ns_, ns);
    max_ns_ = std::max(max_ns_, ns);
  }
  count_ += count;
  sum_ns_ += static_cast<Uint128>(ns) * count;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  other.settle();
  if (groups_.size() < other.groups_.size()) groups_.resize(other.groups_.size());
  for (std::size_t g = 0; g < other.groups_.size(); ++g) {
    const std::vector<std::uint64_t>& from = other.groups_[g];
    if (from.empty()) continue;
    std::vector<std::uint64_t>& to = groups_[g];
    if (to.empty()) to.assign(kSubBuckets, 0);
    for (std::size_t s = 0; s < kSubBuckets; ++s) to[s] += from[s];
  }
  if (count_ == 0) {
    min_ns_ = other.min_ns_;
    max_ns_ = other.max_ns_;
  } else {
    min_ns_ = std::min(min_ns_, other.min_ns_);
    max_ns_ = std::max(max_ns_, other.max_ns_);
  }
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
}

double LatencyHistogram::min_s() const { return ns_to_s(static_cast<double>(min_ns_)); }
double LatencyHistogram::max_s() const { return ns_to_s(static_cast<double>(max_ns_)); }

double LatencyHistogram::mean_s() const {
  if (count_ == 0) return 0;
  // Divide in integers first so the long double only rounds once per part.
  const Uint128 whole = sum_ns_ / count_;
  const Uint128 rest = sum_ns_ % count_;
  const long double mean_ns =
      static_cast<long double>(whole) + static_cast<long double>(rest) / static_cast<long double>(count_);
  return static_cast<double>(mean_ns / 1e9L);
}

double LatencyHistogram::percentile_s(double p) const {
  if (count_ == 0) return 0;
  settle();
  if (!(p > 0)) p = 0;  // also NaN
  if (p > 100) p = 100;
  // p is a binary approximation of a decimal such as 99.9; shave a few ulps so
  // that 99.9% of 1000 is rank 999, not 1000.
  const long double exact = static_cast<long double>(p) / 100 * static_cast<long double>(count_);
  long double rank_ld = std::ceil(exact - exact * 1e-15L);
  if (rank_ld < 1) rank_ld = 1;
  const std::uint64_t rank = std::min(static_cast<std::uint64_t>(rank_ld), count_);

  std::uint64_t seen = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const std::vector<std::uint64_t>& counts = groups_[g];
    for (std::size_t s = 0; s < counts.size(); ++s) {
      seen += counts[s];
      if (seen < rank) continue;
      // Midpoint of the whole nanoseconds the bucket covers: strictly less than
      // half a bucket from any of them.
      const double lo = static_cast<double>(lower_ns(g, s));
      double mid = lo + static_cast<double>(width_ns(g) - 1) / 2;
      mid = std::clamp(mid, static_cast<double>(min_ns_), static_cast<double>(max_ns_));
      return ns_to_s(mid);
    }
  }
  return max_s();  // unreachable: the counts sum to count_
}

double LatencyHistogram::stddev_s() const {
  if (count_ < 2) return 0;
  settle();
  // Each bucket's values taken at its midpoint: within the percentiles' error.
  const long double mean_ns = static_cast<long double>(mean_s()) * 1e9L;
  long double sum_sq = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g)
    for (std::size_t s = 0; s < groups_[g].size(); ++s) {
      if (groups_[g][s] == 0) continue;
      const long double mid =
          static_cast<long double>(lower_ns(g, s)) + static_cast<long double>(width_ns(g) - 1) / 2 - mean_ns;
      sum_sq += mid * mid * static_cast<long double>(groups_[g][s]);
    }
  // fio's calc_lat: the sample standard deviation (n - 1).
  return static_cast<double>(std::sqrt(sum_sq / static_cast<long double>(count_ - 1)) / 1e9L);
}

std::vector<std::pair<double, double>> LatencyHistogram::cdf() const {
  settle();
  std::vector<std::pair<double, double>> points;
  std::uint64_t seen = 0;
  for (std::size_t g = 0; g < groups_.size(); ++g) {
    const std::vector<std::uint64_t>& counts = groups_[g];
    for (std::size_t s = 0; s < counts.size(); ++s) {
      if (counts[s] == 0) continue;
      seen += counts[s];
      const std::uint64_t upper = std::min(lower_ns(g, s) + (width_ns(g) - 1), max_ns_);
      points.emplace_back(ns_to_s(static_cast<double>(upper)),
                          static_cast<double>(seen) / static_cast<double>(count_));
    }
  }
  return points;
}

std::size_t LatencyHistogram::allocated_buckets() const {
  std::size_t n = 0;
  for (const std::vector<std::uint64_t>& counts : groups_) n += counts.size();
  return n;
}

}  // namespace foliosim
