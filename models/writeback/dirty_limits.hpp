// Dirty thresholds and the balance_dirty_pages pause (mm/page-writeback.c),
// as pure functions.
#pragma once

#include <cstdint>

#include "models/writeback/writeback_params.hpp"

namespace foliosim::writeback {

struct DirtyLimits {
  std::uint64_t thresh_pages;     // dirty_ratio of dirtyable memory
  std::uint64_t bg_thresh_pages;  // dirty_background_ratio of it
  std::uint64_t freerun_pages;    // (thresh + bg_thresh) / 2: no throttling below
  std::uint64_t setpoint_pages;   // (freerun + thresh) / 2
};

// global_dirtyable_memory: free pages and file LRU pages, less the reserve
// the allocator keeps (totalreserve_pages, about the high watermarks); 0 when
// the reserve exceeds them.
std::uint64_t global_dirtyable_pages(std::uint64_t free_pages, std::uint64_t file_pages, std::uint64_t reserve_pages);

// domain_dirty_limits for the global domain: the thresholds as ratios of the
// dirtyable pages.
DirtyLimits dirty_limits(std::uint64_t dirtyable_pages, const WritebackParams& params);

// mdtc_calc_avail: what a memory cgroup with its own writeback domain
// (cgroup v2) may dirty: its file pages and, of its headroom below its limit,
// at most the clean memory outside it (the global dirtyable pages that are
// neither dirty nor its own clean pages). The domain's thresholds are then
// dirty_limits() of it (domain_dirty_limits).
std::uint64_t memcg_dirtyable_pages(std::uint64_t file_pages, std::uint64_t dirty_pages, std::uint64_t headroom_pages,
                                    std::uint64_t global_dirtyable_pages, std::uint64_t global_dirty_pages);

// The position ratio of the global control line (wb_position_ratio):
// 1 at the setpoint, 1 + ((setpoint - dirty) / (limit - setpoint))^3 around
// it, 2 at freerun, 0 at the limit and above.
double position_ratio(const DirtyLimits& limits, std::uint64_t nr_dirty_pages);

// The position ratio scaled by one bdi's own control line (the rest of
// wb_position_ratio, without strictlimit): 1 at the bdi's share of the
// setpoint, falling to 0 a span of 8 seconds of its write bandwidth above it
// (a quarter of the global ratio beyond three quarters of the span), and
// raised while the bdi holds less than half its share of the threshold, so
// its device does not run dry. `wb_thresh_pages` is its share of the
// threshold (by its share of recent writeout); `wb_dirty_pages` its dirty
// and under-writeback pages.
double wb_position_ratio(double global_pos_ratio, const DirtyLimits& limits, std::uint64_t nr_dirty_pages,
                         std::uint64_t wb_thresh_pages, std::uint64_t wb_dirty_pages, double write_bw_pages_per_s);

// DIRTY_POLL_THRESH: 128 KiB of pages.
constexpr std::uint64_t kDirtyPollPages = 32;

// dirty_poll_interval: below freerun, pages a task dirties before its next
// check, about the square root of the distance to the threshold.
std::uint64_t dirty_poll_interval(std::uint64_t nr_dirty_pages, std::uint64_t thresh_pages);

// wb_max_pause: pauses are also bounded by an eighth of the time the device
// takes to write the dirty pages out, so the pool cannot run dry.
double max_pause_s(std::uint64_t nr_dirty_pages, double bandwidth_pages_per_s, double max_pause_param_s);

// wb_min_pause: a throttled task sleeps only once it owes at least
// `min_pause_s` (about 10 ms, more with many dirtiers), and its next check
// comes after `pages` more pages.
struct PauseTarget {
  double min_pause_s;
  std::uint64_t pages;
};
PauseTarget pause_target(double bandwidth_pages_per_s, double dirty_ratelimit_pages_per_s,
                         double task_ratelimit_pages_per_s, double max_pause_s);

}  // namespace foliosim::writeback
