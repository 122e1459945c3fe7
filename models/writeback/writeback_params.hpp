// Scenario section "writeback": the vm.dirty_* sysctls and balance_dirty_pages.
#pragma once

#include "models/common/param_fields.hpp"

namespace foliosim::writeback {

// Defaults: the kernel's (mm/page-writeback.c, mm/backing-dev.c).
struct WritebackParams {
  // vm.dirty_ratio: the dirty limit, in percent of dirtyable memory (free
  // plus file pages). balance_dirty_pages paces writers once dirty pages pass
  // the midpoint of it and the background threshold, and stops them at it.
  // Higher: more dirty data absorbed at memory speed, longer fsyncs.
  double dirty_ratio_percent = 20;
  // vm.dirty_background_ratio: percent of dirtyable memory above which the
  // flusher writes back in the background. Lower: writeback starts sooner
  // and overlaps the writes; higher: more is left for fsync.
  double dirty_background_ratio_percent = 10;
  // vm.dirty_writeback_centisecs (500): how often the flusher wakes to write
  // back old data (wb_check_old_data_flush). Shorter: expired data leaves
  // sooner, and the flusher wakes (and the simulator steps) more often. At
  // least 10 ms (the sysctl counts centiseconds).
  double dirty_writeback_interval_s = 5.0;
  // vm.dirty_expire_centisecs (3000): age after which dirty data is written
  // back by those periodic wake-ups even below the background threshold.
  double dirty_expire_s = 30.0;
  // Longest pause balance_dirty_pages imposes on a writer at once (MAX_PAUSE:
  // HZ / 5). Shorter: more frequent, shorter throttling pauses. At least 1 ms
  // (a jiffy).
  double max_pause_s = 0.2;
  template <class F>
  void fields(F& f) {
    f.number("dirty_ratio", dirty_ratio_percent, 0, 100);
    f.number("dirty_background_ratio", dirty_background_ratio_percent, 0, 100);
    f.duration("dirty_writeback_interval", dirty_writeback_interval_s, Bound::at_least(10e-3));
    f.duration("dirty_expire", dirty_expire_s);
    f.duration("max_pause", max_pause_s, Bound::at_least(1e-3));
  }
};

}  // namespace foliosim::writeback
