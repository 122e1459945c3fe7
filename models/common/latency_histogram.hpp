// Latency distribution with bounded relative error and flat memory, so runs of
// millions of requests can report percentiles without keeping every sample.
//
// Log-linear buckets in the manner of HdrHistogram, over whole nanoseconds:
//   - values below 2048 ns each get their own bucket (exact);
//   - from 2048 ns up, each power of two [2^e, 2^(e+1)) is split into 1024
//     equal buckets of width 2^(e-10), at most 1/1024 of any value in them.
// A percentile reports its bucket's midpoint, clamped to the [min, max] seen,
// so it is off by less than half a bucket: relative error below 1/2048.
// Counters for a power of two are allocated when it first gets a value, so the
// size follows the range of values seen (at most 55 x 1024 counters), never
// their number.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace foliosim {

class LatencyHistogram {
 public:
  // Bound on |reported - exact| / exact for every percentile (about 0.05 %).
  static constexpr double kRelativeErrorBound = 1.0 / 2048;

  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram& other) { *this = other; }
  LatencyHistogram(LatencyHistogram&& other) noexcept { *this = std::move(other); }
  LatencyHistogram& operator=(const LatencyHistogram& other);
  LatencyHistogram& operator=(LatencyHistogram&& other) noexcept;
  ~LatencyHistogram() = default;

  // Rounded to the nearest nanosecond; negative or NaN counts as 0, values
  // beyond 2^64 ns (~585 years) saturate.
  void record(double seconds);
  void record_ns(std::uint64_t ns, std::uint64_t count = 1);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  // Exact (to the nanosecond); 0 when empty.
  double min_s() const;
  double max_s() const;
  double mean_s() const;
  // Sample standard deviation (n - 1, as fio's calc_lat), from the buckets'
  // midpoints: exact for values below 2048 ns, else within the buckets' width.
  double stddev_s() const;
  // p in [0, 100] (clamped): nearest rank, the smallest bucket whose cumulative
  // count reaches ceil(p/100 * N), at least 1. 0 when empty.
  double percentile_s(double p) const;
  // For plots: (bucket's upper value in seconds, cumulative fraction) at each
  // non-empty bucket, ascending; the last point is (max, 1).
  std::vector<std::pair<double, double>> cdf() const;

  // Counters currently allocated, to check memory stays bounded.
  std::size_t allocated_buckets() const;

 private:
  // Group 0 holds 0..1023 ns, group 1 1024..2047 ns (both width 1); group g >= 2
  // holds [2^(g+9), 2^(g+10)) in buckets of width 2^(g-1).
  static constexpr int kSubBucketBits = 10;
  static constexpr std::size_t kSubBuckets = std::size_t{1} << kSubBucketBits;

  static void locate(std::uint64_t ns, std::size_t& group, std::size_t& sub);
  static std::uint64_t lower_ns(std::size_t group, std::size_t sub);
  static std::uint64_t width_ns(std::size_t group);

  // Adds the pending sample to its counter.
  void settle() const {
    if (pending_) ++*pending_;
    pending_ = nullptr;
  }

  std::vector<std::vector<std::uint64_t>> groups_;  // empty vector = not allocated
  // The counter of the last single sample, not yet incremented: fetched
  // ahead and added at the next sample or read (a write loop records a
  // sample a call; its counter is seldom cached by then, and a call later it
  // is). Counters are heap arrays that stay put while groups_ grows.
  mutable std::uint64_t* pending_ = nullptr;
  std::uint64_t count_ = 0;
  std::uint64_t min_ns_ = 0;
  std::uint64_t max_ns_ = 0;
  // Sum of all recorded ns, exact: 2^64 ns times 2^64 samples cannot overflow
  // 128 bits.
  __extension__ unsigned __int128 sum_ns_ = 0;
};

}  // namespace foliosim
