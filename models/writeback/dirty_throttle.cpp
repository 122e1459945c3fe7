#include "models/writeback/dirty_throttle.hpp"

#include <algorithm>

#include <simgrid/s4u/Actor.hpp>

namespace foliosim::writeback {

DirtyThrottle::DirtyThrottle(const WritebackParams& params, page_cache::PageCache& cache,
                             std::function<DirtyLimits()> limits, std::function<void()> wake_background)
    : params_(params), cache_(cache), limits_(std::move(limits)), wake_background_(std::move(wake_background)) {}

double DirtyThrottle::balance(Dirtier& task, std::uint64_t pages, double write_bandwidth_Bps,
                              const std::function<void()>& before_sleep) {
  task.pages_since_check += pages;
  DirtyLimits limits = limits_();
  auto nr_dirty = [this] { return cache_.dirty_pages() + cache_.writeback_pages(); };
  if (task.pages_since_check < kRatelimitPages && nr_dirty() <= limits.thresh_pages) return 0;
  const std::uint64_t dirtied = task.pages_since_check;
  task.pages_since_check = 0;

  const double ratelimit_pages_per_s =
      write_bandwidth_Bps / static_cast<double>(page_cache::kPageBytes) / std::max(1, dirtiers_);
  double slept_s = 0;
  while (true) {
    if (cache_.dirty_pages() > limits.bg_thresh_pages) wake_background_();
    const double pause_s = dirty_pause_s(limits, nr_dirty(), dirtied, ratelimit_pages_per_s, params_.max_pause_s);
    if (pause_s <= 0) break;
    if (slept_s == 0) before_sleep();
    simgrid::s4u::this_actor::sleep_for(pause_s);
    slept_s += pause_s;
    // Over the limit the task keeps pausing until writeback brings it under.
    limits = limits_();
    if (nr_dirty() < limits.thresh_pages) break;
  }
  throttle_time_s_ += slept_s;
  return slept_s;
}

}  // namespace foliosim::writeback
