#include "models/writeback/dirty_throttle.hpp"

#include <algorithm>

#include <simgrid/s4u/Actor.hpp>

#include "models/common/sim_clock.hpp"

namespace foliosim::writeback {

DirtyThrottle::DirtyThrottle(const WritebackParams& params, page_cache::PageCache& cache,
                             std::function<DirtyLimits()> limits, std::function<void()> wake_background)
    : params_(params), cache_(cache), limits_(std::move(limits)), wake_background_(std::move(wake_background)) {}

namespace {

// The bdi's share of the pages written lately across all bdis (the writeout
// fraction); 0 before any is written.
double writeout_share(const Writeback& bdi, const std::vector<const Writeback*>& bdis, double now_s) {
  double all = 0;
  for (const auto* b : bdis) all += b->estimate().recent_writeout(now_s);
  return all > 0 ? bdi.estimate().recent_writeout(now_s) / all : 0;
}

}  // namespace

double DirtyThrottle::balance(Dirtier& task, std::uint64_t pages, Writeback& wb,
                              const std::function<void()>& before_sleep) {
  BandwidthEstimate& bdi = wb.estimate();
  bdi.add_dirtied(pages);
  task.pages_since_check += pages;
  DirtyLimits limits = limits_();
  auto nr_dirty = [this] { return cache_.dirty_pages() + cache_.writeback_pages(); };
  if (task.pages_since_check < task.pages_between_checks && nr_dirty() <= limits.thresh_pages) return 0;
  const auto dirtied = static_cast<double>(task.pages_since_check);
  task.pages_since_check = 0;

  double slept_s = 0;
  while (true) {
    if (cache_.dirty_pages() > limits.bg_thresh_pages) wake_background_();
    const double now_s = engine_clock_s();
    const std::uint64_t dirty = nr_dirty();
    if (dirty <= limits.freerun_pages) {
      task.paused_when_s = now_s;
      task.pages_between_checks = dirty_poll_interval(dirty, limits.thresh_pages);
      break;
    }
    const auto wb_thresh = static_cast<std::uint64_t>(static_cast<double>(limits.thresh_pages) *
                                                      writeout_share(wb, bdis_, now_s));
    const std::uint64_t wb_dirty = wb.dirty_and_writeback_pages();
    const double pos_ratio = wb_position_ratio(position_ratio(limits, dirty), limits, dirty, wb_thresh, wb_dirty,
                                               bdi.avg_pages_per_s());
    if (bdi.due(now_s)) {
      const ThrottleState state{dirty, limits.setpoint_pages, pos_ratio};
      bdi.update(now_s, &state);
    }
    const double bandwidth_pages_per_s = bdi.avg_pages_per_s();
    const double dirty_ratelimit = bdi.dirty_ratelimit_pages_per_s();
    const double max_pause = max_pause_s(wb_dirty, bandwidth_pages_per_s, params_.max_pause_s);
    const double task_ratelimit = dirty_ratelimit * pos_ratio;
    const PauseTarget target = pause_target(bandwidth_pages_per_s, dirty_ratelimit, task_ratelimit, max_pause);
    double pause_s = max_pause;
    if (task_ratelimit > 0) {
      // The period the pages were worth at the task's rate, less the time it
      // spent working since its last pause.
      const double period_s = dirtied / task_ratelimit;
      pause_s = period_s - (now_s - task.paused_when_s);
      if (pause_s < target.min_pause_s) {
        // Too short to sleep: carry the debt to a later check.
        task.paused_when_s = pause_s < -1 ? now_s : task.paused_when_s + period_s;
        break;
      }
      pause_s = std::min(pause_s, max_pause);
    }
    if (slept_s == 0) before_sleep();
    simgrid::s4u::this_actor::sleep_for(pause_s);
    slept_s += pause_s;
    task.paused_when_s = engine_clock_s();
    task.pages_between_checks = target.pages;
    // Over the limit the task keeps pausing until writeback brings it under.
    limits = limits_();
    if (nr_dirty() < limits.thresh_pages) break;
  }
  stats_.throttle_time_s += slept_s;
  return slept_s;
}

}  // namespace foliosim::writeback
