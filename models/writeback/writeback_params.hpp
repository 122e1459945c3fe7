// Scenario section "writeback": the vm.dirty_* sysctls and balance_dirty_pages.
#pragma once

#include "models/common/param_fields.hpp"

namespace foliosim::writeback {

struct WritebackParams {
  // Percent of dirtyable memory (mm/page-writeback.c defaults).
  double dirty_ratio_percent = 20;
  double dirty_background_ratio_percent = 10;
  // At least 10 ms (the sysctl counts centiseconds): the flusher wakes at
  // every interval.
  double dirty_writeback_interval_s = 5.0;  // dirty_writeback_centisecs 500
  double dirty_expire_s = 30.0;             // dirty_expire_centisecs 3000
  double max_pause_s = 0.2;                 // MAX_PAUSE: HZ / 5; at least 1 ms (a jiffy)
  // Where a new bdi's write bandwidth and dirty ratelimit start (INIT_BW:
  // 100 MiB/s): they size the flusher's first chunks and the first
  // throttled dirtiers' rate, then follow the device (bandwidth_estimate.hpp).
  double initial_write_bandwidth_Bps = 100.0 * 1024 * 1024;

  template <class F>
  void fields(F& f) {
    f.number("dirty_ratio", dirty_ratio_percent, 0, 100);
    f.number("dirty_background_ratio", dirty_background_ratio_percent, 0, 100);
    f.duration("dirty_writeback_interval", dirty_writeback_interval_s, Bound::at_least(10e-3));
    f.duration("dirty_expire", dirty_expire_s);
    f.duration("max_pause", max_pause_s, Bound::at_least(1e-3));
    f.rate("initial_write_bandwidth", initial_write_bandwidth_Bps);
  }
};

}  // namespace foliosim::writeback
