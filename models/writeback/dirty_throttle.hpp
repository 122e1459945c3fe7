// balance_dirty_pages_ratelimited: after dirtying pages, a writer checks the
// global dirty state every nr_dirtied_pause pages, starts background
// writeback above the background threshold and, past the freerun ceiling,
// sleeps off what it dirtied faster than its ratelimit, in pauses of at least
// about 10 ms (wb_min_pause) and at most max_pause.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "models/page_cache/page_cache.hpp"
#include "models/writeback/dirty_limits.hpp"
#include "models/writeback/writeback.hpp"
#include "models/writeback/writeback_params.hpp"

namespace foliosim::writeback {

// Per task: current->nr_dirtied, nr_dirtied_pause, dirty_paused_when.
struct Dirtier {
  std::uint64_t pages_since_check = 0;
  std::uint64_t pages_between_checks = kDirtyPollPages;
  double paused_when_s = 0;  // end of its last pause (or freerun check)
};

struct ThrottleStats {
  double throttle_time_s = 0;

  template <class F>
  void stats(F& f) const {
    f.seconds("throttle_time_s", throttle_time_s, "dirtiers' time paused in balance_dirty_pages, summed");
  }
};

class DirtyThrottle {
 public:
  DirtyThrottle(const WritebackParams& params, page_cache::PageCache& cache, std::function<DirtyLimits()> limits,
                std::function<void()> wake_background);

  // Every bdi whose dirtiers it throttles: their shares of recent writeout
  // divide the dirty threshold between them.
  void add_bdi(const Writeback& bdi) { bdis_.push_back(&bdi); }

  // Called by a task after dirtying `pages` of a file whose writeback is
  // `wb`; sleeps as balance_dirty_pages does, at the bdi's dirty ratelimit
  // scaled by the global and the bdi's position ratios, and updates the
  // bdi's estimates when due. Returns the seconds it slept. `before_sleep`
  // runs before the first pause.
  double balance(Dirtier& task, std::uint64_t pages, Writeback& wb, const std::function<void()>& before_sleep);

  const ThrottleStats& stats() const { return stats_; }

 private:
  WritebackParams params_;
  page_cache::PageCache& cache_;
  std::function<DirtyLimits()> limits_;
  std::function<void()> wake_background_;
  std::vector<const Writeback*> bdis_;
  ThrottleStats stats_;
};

}  // namespace foliosim::writeback
