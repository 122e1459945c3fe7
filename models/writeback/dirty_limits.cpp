#include "models/writeback/dirty_limits.hpp"

#include <algorithm>
#include <cmath>

namespace foliosim::writeback {

std::uint64_t global_dirtyable_pages(std::uint64_t free_pages, std::uint64_t file_pages, std::uint64_t reserve_pages) {
  const std::uint64_t dirtyable = free_pages + file_pages;
  return dirtyable > reserve_pages ? dirtyable - reserve_pages : 0;
}

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

std::uint64_t memcg_dirtyable_pages(std::uint64_t file_pages, std::uint64_t dirty_pages, std::uint64_t headroom_pages,
                                    std::uint64_t global_dirtyable_pages, std::uint64_t global_dirty_pages) {
  const auto less = [](std::uint64_t a, std::uint64_t b) { return a - std::min(a, b); };
  const std::uint64_t clean = less(file_pages, dirty_pages);
  const std::uint64_t global_clean = less(global_dirtyable_pages, global_dirty_pages);
  return file_pages + std::min(headroom_pages, less(global_clean, clean));
}

double position_ratio(const DirtyLimits& l, std::uint64_t nr_dirty_pages) {
  if (nr_dirty_pages >= l.thresh_pages) return 0;
  const double setpoint = static_cast<double>(l.setpoint_pages);
  const double x = (setpoint - static_cast<double>(nr_dirty_pages)) /
                   std::max(1.0, static_cast<double>(l.thresh_pages) - setpoint);
  return std::clamp(1 + x * x * x, 0.0, 2.0);
}

double wb_position_ratio(double global_pos_ratio, const DirtyLimits& l, std::uint64_t nr_dirty_pages,
                         std::uint64_t wb_thresh_pages, std::uint64_t wb_dirty_pages, double write_bw_pages_per_s) {
  const auto thresh = static_cast<double>(l.thresh_pages);
  const auto dirty = static_cast<double>(nr_dirty_pages);
  const auto wb_dirty = static_cast<double>(wb_dirty_pages);
  // A bdi idle for long has a share near 0 without being slow: at least an
  // eighth of what is left below the limit.
  double wb_thresh = std::min(static_cast<double>(wb_thresh_pages), thresh);
  wb_thresh = std::max(wb_thresh, std::max(0.0, thresh - dirty) / 8);
  const double share = wb_thresh / std::max(1.0, thresh);
  const double wb_setpoint = static_cast<double>(l.setpoint_pages) * share;
  const double span = (thresh - wb_thresh + 8 * write_bw_pages_per_s) * share;
  const double x_intercept = wb_setpoint + span;
  double pos_ratio = global_pos_ratio;
  if (wb_dirty < x_intercept - span / 4) {
    pos_ratio *= (x_intercept - wb_dirty) / std::max(1.0, x_intercept - wb_setpoint);
  } else {
    pos_ratio /= 4;
  }
  // The bdi's reserve: below half its share, throttle less (up to 8 times).
  const double reserve = wb_thresh / 2;
  if (wb_dirty < reserve) pos_ratio *= wb_dirty > reserve / 8 ? reserve / wb_dirty : 8;
  return pos_ratio;
}

std::uint64_t dirty_poll_interval(std::uint64_t nr_dirty_pages, std::uint64_t thresh_pages) {
  if (thresh_pages <= nr_dirty_pages) return 1;
  // 1 << (ilog2(thresh - dirty) >> 1)
  const int log2 = 63 - __builtin_clzll(thresh_pages - nr_dirty_pages);
  return std::uint64_t{1} << (log2 >> 1);
}

double max_pause_s(std::uint64_t nr_dirty_pages, double bandwidth_pages_per_s, double max_pause_param_s) {
  if (bandwidth_pages_per_s <= 0) return max_pause_param_s;
  // 1 ms: the kernel's t++ of one jiffy (HZ=1000).
  return std::min(max_pause_param_s, static_cast<double>(nr_dirty_pages) / bandwidth_pages_per_s / 8 + 1e-3);
}

PauseTarget pause_target(double bandwidth_pages_per_s, double dirty_ratelimit_pages_per_s,
                         double task_ratelimit_pages_per_s, double max_pause_s) {
  const auto ilog2 = [](double x) { return x >= 1 ? std::floor(std::log2(x)) : 0.0; };
  // A 10 ms target for one dirtier, 10 ms more per doubling of dirtiers
  // (bandwidth over the per-task ratelimit), at most half max_pause.
  double t = 10e-3;
  const double hi = ilog2(bandwidth_pages_per_s), lo = ilog2(dirty_ratelimit_pages_per_s);
  if (hi > lo) t += (hi - lo) * 10e-3 * 1000 / 1024;
  t = std::min(t, max_pause_s / 2);
  double pages = dirty_ratelimit_pages_per_s * t;
  // Too few pages between pauses hurts I/O: pause longer instead.
  const auto poll = static_cast<double>(kDirtyPollPages);
  if (pages < poll) {
    t = max_pause_s;
    pages = dirty_ratelimit_pages_per_s * t;
    if (pages > poll) {
      pages = poll;
      t = poll / dirty_ratelimit_pages_per_s;
    }
  }
  // The next pause would pass max_pause at the task's own rate: fewer pages.
  if (pages / (task_ratelimit_pages_per_s + 1) > max_pause_s) {
    t = max_pause_s;
    pages = task_ratelimit_pages_per_s * t;
  }
  const auto whole = static_cast<std::uint64_t>(std::max(1.0, pages));
  return {whole >= kDirtyPollPages ? t / 2 : t, whole};
}

}  // namespace foliosim::writeback
