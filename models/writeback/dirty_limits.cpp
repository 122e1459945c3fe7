#include "models/writeback/dirty_limits.hpp"

#include <algorithm>

namespace foliosim::writeback {

DirtyLimits dirty_limits(std::uint64_t dirtyable_pages, const WritebackParams& params) {
  DirtyLimits l{};
  l.thresh_pages = static_cast<std::uint64_t>(static_cast<double>(dirtyable_pages) * params.dirty_ratio_percent / 100);
  l.bg_thresh_pages =
      static_cast<std::uint64_t>(static_cast<double>(dirtyable_pages) * params.dirty_background_ratio_percent / 100);
  // domain_dirty_limits: the background threshold stays below the limit.
  if (l.bg_thresh_pages >= l.thresh_pages) l.bg_thresh_pages = l.thresh_pages / 2;
  l.freerun_pages = (l.thresh_pages + l.bg_thresh_pages) / 2;
  l.setpoint_pages = (l.freerun_pages + l.thresh_pages) / 2;
  return l;
}

double position_ratio(const DirtyLimits& l, std::uint64_t nr_dirty_pages) {
  if (nr_dirty_pages >= l.thresh_pages) return 0;
  const double setpoint = static_cast<double>(l.setpoint_pages);
  const double x = (setpoint - static_cast<double>(nr_dirty_pages)) /
                   std::max(1.0, static_cast<double>(l.thresh_pages) - setpoint);
  return std::clamp(1 + x * x * x, 0.0, 2.0);
}

double dirty_pause_s(const DirtyLimits& l, std::uint64_t nr_dirty_pages, std::uint64_t pages_dirtied,
                     double ratelimit_pages_per_s, double max_pause_s) {
  if (nr_dirty_pages <= l.freerun_pages) return 0;
  const double rate = ratelimit_pages_per_s * position_ratio(l, nr_dirty_pages);
  if (rate <= 0) return max_pause_s;
  return std::min(max_pause_s, static_cast<double>(pages_dirtied) / rate);
}

}  // namespace foliosim::writeback
