// A bdi's rate estimates (mm/page-writeback.c, __wb_update_bandwidth): its
// write bandwidth (wb_update_write_bandwidth), which sizes the flusher's
// chunks (writeback_chunk_size) and the dirtiers' pauses, and its dirty
// ratelimit (wb_update_dirty_ratelimit), the rate balance_dirty_pages lets
// each dirtier run at. A new bdi starts both at INIT_BW. The write bandwidth
// follows the pages whose writeback ended, averaged over a period of
// roundup_pow_of_two(3 * HZ) jiffies and smoothed once more; the ratelimit
// moves toward write bandwidth over the dirtiers' count, at most an eighth
// of the gap an update. Both update at most every BANDWIDTH_INTERVAL, from
// writepages and from throttled dirtiers: they take seconds to settle.
#pragma once

#include <cstdint>
#include <vector>

namespace foliosim::writeback {

// What balance_dirty_pages knows when it updates the ratelimit, in pages.
struct ThrottleState {
  std::uint64_t dirty;     // dirty and under writeback
  std::uint64_t setpoint;  // (freerun + limit) / 2
  double pos_ratio;        // the control line's position ratio
};

// The estimates after one update, as the kernel's bdi_dirty_ratelimit and
// writeback bandwidth tracepoints would show them.
struct EstimateUpdate {
  double time_s;
  double write_pages_per_s, avg_pages_per_s;
  double dirty_ratelimit_pages_per_s, balanced_dirty_ratelimit_pages_per_s;
  bool by_dirtier;  // a throttled dirtier's update (the ratelimit moved too)

  // A row of bdi_estimates.csv: the kernel's bdi_dirty_ratelimit tracepoint.
  template <class F>
  void stats(F& f) const {
    f.rate("write_bandwidth_Bps", write_pages_per_s, "write bandwidth, as measured over the last period");
    f.rate("avg_write_bandwidth_Bps", avg_pages_per_s, "its smoothed value, which sizes the flusher's chunks");
    f.rate("dirty_ratelimit_Bps", dirty_ratelimit_pages_per_s, "the rate a dirtier past freerun may dirty at");
    f.rate("balanced_dirty_ratelimit_Bps", balanced_dirty_ratelimit_pages_per_s, "the rate it moves towards");
    f.text("updated_by", by_dirtier ? "dirtier" : "writepages", "writepages, or a throttled dirtier");
  }
};

class BandwidthEstimate {
 public:
  static constexpr double kIntervalS = 0.2;  // BANDWIDTH_INTERVAL: HZ / 5
  static constexpr double kPeriodS = 4.096;  // 4096 jiffies at HZ 1000, 1024 at HZ 250
  static constexpr double kIdleS = 1.0;      // WB_BANDWIDTH_IDLE_JIF: HZ
  // VM_COMPLETIONS_PERIOD_LEN: the writeout proportions halve every period.
  static constexpr double kWriteoutPeriodS = 3.0;

  BandwidthEstimate(double write_pages_per_s, double dirty_ratelimit_pages_per_s)
      : write_(write_pages_per_s),
        avg_(write_pages_per_s),
        dirty_ratelimit_(dirty_ratelimit_pages_per_s),
        balanced_dirty_ratelimit_(dirty_ratelimit_pages_per_s) {}

  // Folios' writeback ended (WB_WRITTEN, and the writeout proportions'
  // event count); pages dirtied (WB_DIRTIED).
  void add_written(std::uint64_t pages, double now_s);
  void add_dirtied(std::uint64_t pages) { dirtied_ += pages; }
  // wb_bandwidth_estimate_start, as writepages begins: after a second without
  // an update and with nothing under writeback, the interval restarts now,
  // so idle time does not count as slow writing.
  void start(double now_s, bool writeback_in_flight);
  // An update is due once an interval has passed since the last.
  bool due(double now_s) const;
  // As writepages ends: the write bandwidth, when due.
  void update_if_due(double now_s) {
    if (due(now_s)) update(now_s, nullptr);
  }
  // A throttled dirtier's update (update_ratelimit): the dirty ratelimit
  // first, from the write bandwidth as it stood, then the write bandwidth.
  void update(double now_s, const ThrottleState* throttle);

  double write_pages_per_s() const { return write_; }
  double avg_pages_per_s() const { return avg_; }
  double dirty_ratelimit_pages_per_s() const { return dirty_ratelimit_; }

  // The estimates as they stand (at the end of a run).
  template <class F>
  void stats(F& f) const {
    f.rate("writeback_bandwidth_estimate_Bps", avg_, "the bdi's smoothed write bandwidth estimate");
    f.rate("dirty_ratelimit_Bps", dirty_ratelimit_, "the bdi's dirty ratelimit");
  }

  // Pages written recently, each weighing half as much a period later: the
  // bdi's share of the machine's is its share of the dirty threshold
  // (__wb_calc_thresh's writeout fraction, fprop).
  double recent_writeout(double now_s) const;
  // Every update so far, in time order.
  const std::vector<EstimateUpdate>& updates() const { return updates_; }

 private:
  void update_write_bandwidth(double elapsed_s);
  void update_dirty_ratelimit(double elapsed_s, const ThrottleState& throttle);

  double write_;  // write_bandwidth
  double avg_;    // avg_write_bandwidth
  double dirty_ratelimit_;
  double balanced_dirty_ratelimit_;
  double stamp_s_ = 0;  // bw_time_stamp
  std::uint64_t written_ = 0, written_stamp_ = 0;
  std::uint64_t dirtied_ = 0, dirtied_stamp_ = 0;
  double recent_writeout_ = 0, recent_writeout_s_ = 0;
  std::vector<EstimateUpdate> updates_;  // one per BANDWIDTH_INTERVAL at most
};

}  // namespace foliosim::writeback
