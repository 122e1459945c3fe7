// The flusher's estimate of its device's write bandwidth
// (mm/page-writeback.c: wb_update_write_bandwidth, avg_write_bandwidth),
// which sizes its chunks (writeback_chunk_size). A new bdi starts at INIT_BW
// and follows the pages whose writeback ended, updated at most every
// BANDWIDTH_INTERVAL and averaged over a period of roundup_pow_of_two(3 * HZ)
// jiffies, then smoothed once more: it takes seconds to approach what the
// device does.
#pragma once

#include <cstdint>

namespace foliosim::writeback {

class BandwidthEstimate {
 public:
  static constexpr double kIntervalS = 0.2;  // BANDWIDTH_INTERVAL: HZ / 5
  static constexpr double kPeriodS = 4.096;  // 4096 jiffies at HZ 1000, 1024 at HZ 250
  static constexpr double kIdleS = 1.0;      // WB_BANDWIDTH_IDLE_JIF: HZ

  explicit BandwidthEstimate(double initial_pages_per_s) : write_(initial_pages_per_s), avg_(initial_pages_per_s) {}

  // Folios' writeback ended (WB_WRITTEN).
  void add_written(std::uint64_t pages) { written_ += pages; }
  // wb_bandwidth_estimate_start, as writepages begins: after a second without
  // an update and with nothing under writeback, the interval restarts now,
  // so idle time does not count as slow writing.
  void start(double now_s, bool writeback_in_flight);
  // As writepages ends: an update once an interval has passed.
  void update_if_due(double now_s);

  double write_pages_per_s() const { return write_; }
  double avg_pages_per_s() const { return avg_; }

 private:
  void update(double now_s);

  double write_;  // write_bandwidth
  double avg_;    // avg_write_bandwidth
  double stamp_s_ = 0;  // bw_time_stamp
  std::uint64_t written_ = 0, written_stamp_ = 0;
};

}  // namespace foliosim::writeback
