#include "models/writeback/bandwidth_estimate.hpp"

#include <algorithm>

namespace foliosim::writeback {

namespace {
// Times are sums of doubles; the kernel's are whole jiffies.
constexpr double kTimeEpsilonS = 1e-9;
}  // namespace

void BandwidthEstimate::start(double now_s, bool writeback_in_flight) {
  if (now_s - stamp_s_ > kIdleS && !writeback_in_flight) {
    written_stamp_ = written_;
    stamp_s_ = now_s;
  }
}

void BandwidthEstimate::update_if_due(double now_s) {
  if (now_s - stamp_s_ >= kIntervalS - kTimeEpsilonS) update(now_s);
}

void BandwidthEstimate::update(double now_s) {
  const double elapsed_s = now_s - stamp_s_;
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
  written_stamp_ = written_;
  stamp_s_ = now_s;
}

}  // namespace foliosim::writeback
