#include "models/writeback/bandwidth_estimate.hpp"

#include <algorithm>
#include <cmath>

namespace foliosim::writeback {

namespace {
// Times are sums of doubles; the kernel's are whole jiffies.
constexpr double kTimeEpsilonS = 1e-9;
}  // namespace

void BandwidthEstimate::start(double now_s, bool writeback_in_flight) {
  if (now_s - stamp_s_ > kIdleS && !writeback_in_flight) {
    written_stamp_ = written_;
    dirtied_stamp_ = dirtied_;
    stamp_s_ = now_s;
  }
}

void BandwidthEstimate::add_written(std::uint64_t pages, double now_s) {
  written_ += pages;
  recent_writeout_ = recent_writeout(now_s) + static_cast<double>(pages);
  recent_writeout_s_ = now_s;
}

double BandwidthEstimate::recent_writeout(double now_s) const {
  return recent_writeout_ * std::exp2(-(now_s - recent_writeout_s_) / kWriteoutPeriodS);
}

bool BandwidthEstimate::due(double now_s) const { return now_s - stamp_s_ >= kIntervalS - kTimeEpsilonS; }

void BandwidthEstimate::update(double now_s, const ThrottleState* throttle) {
  const double elapsed_s = std::max(now_s - stamp_s_, 1e-3);  // at least a jiffy
  if (throttle) update_dirty_ratelimit(elapsed_s, *throttle);
  update_write_bandwidth(elapsed_s);
  written_stamp_ = written_;
  dirtied_stamp_ = dirtied_;
  stamp_s_ = now_s;
  updates_.push_back({now_s, write_, avg_, dirty_ratelimit_, balanced_dirty_ratelimit_, throttle != nullptr});
}

void BandwidthEstimate::update_write_bandwidth(double elapsed_s) {
  const auto written = static_cast<double>(written_ - written_stamp_);
  const double old = write_;
  double bw;
  if (elapsed_s > kPeriodS) {
    // Too long since the last update to average: what was seen, for both.
    bw = written / elapsed_s;
    avg_ = bw;
  } else {
    // The interval's rate weighted by its share of the period.
    bw = (written + write_ * (kPeriodS - elapsed_s)) / kPeriodS;
    // avg_write_bandwidth moves an eighth of the way toward the previous
    // estimate, and only when the new one does not contradict the move:
    // a filter against single spikes.
    if (avg_ > old && old >= bw) avg_ -= (avg_ - old) / 8;
    if (avg_ < old && old <= bw) avg_ += (old - avg_) / 8;
  }
  avg_ = std::max(avg_, 1.0);
  write_ = bw;
}

void BandwidthEstimate::update_dirty_ratelimit(double elapsed_s, const ThrottleState& t) {
  const double write_bw = avg_;
  const double dirty_rate = static_cast<double>(dirtied_ - dirtied_stamp_) / elapsed_s;
  // What each dirtier was let run at over the interval.
  const double task_ratelimit = dirty_ratelimit_ * t.pos_ratio + 1;
  // N dirtiers at task_ratelimit dirty N times it: this is write_bw / N.
  const double balanced = std::min(task_ratelimit * write_bw / std::max(dirty_rate, 1.0), write_bw);
  // Follow the balanced rate only where the position error agrees, and by
  // at most the distance to the nearest of the three rates: the estimate
  // jumps about over 200 ms, the dirtiers feel every step.
  double step = 0;
  if (t.dirty < t.setpoint) {
    const double x = std::min({balanced_dirty_ratelimit_, balanced, task_ratelimit});
    if (dirty_ratelimit_ < x) step = x - dirty_ratelimit_;
  } else {
    const double x = std::max({balanced_dirty_ratelimit_, balanced, task_ratelimit});
    if (dirty_ratelimit_ > x) step = dirty_ratelimit_ - x;
  }
  // Slower when close: step >> (rate / (2 step + 1)), then an eighth,
  // rounded up, in whole pages a second as the kernel counts.
  const auto rate = static_cast<std::uint64_t>(dirty_ratelimit_);
  auto whole_step = static_cast<std::uint64_t>(step);
  const std::uint64_t shift = rate / (2 * whole_step + 1);
  whole_step = shift < 64 ? ((whole_step >> shift) + 7) / 8 : 0;
  if (dirty_ratelimit_ < balanced) {
    dirty_ratelimit_ += static_cast<double>(whole_step);
  } else {
    dirty_ratelimit_ -= static_cast<double>(whole_step);
  }
  dirty_ratelimit_ = std::max(dirty_ratelimit_, 1.0);
  balanced_dirty_ratelimit_ = balanced;
}

}  // namespace foliosim::writeback
