// The dirty thresholds and balance_dirty_pages' arithmetic (mm/page-writeback.c)
// as dirty_limits.cpp implements it, each value worked out by hand beside it.
#include <doctest/doctest.h>

#include <cstdint>

#include "models/writeback/dirty_limits.hpp"

using namespace foliosim::writeback;

namespace {

// dirty_ratio 20 % and dirty_background_ratio 10 % (the kernel's defaults)
// of 10000 dirtyable pages: thresh 2000, bg_thresh 1000, freerun
// (2000 + 1000) / 2 = 1500, setpoint (1500 + 2000) / 2 = 1750.
constexpr DirtyLimits kLimits{2000, 1000, 1500, 1750};

}  // namespace

TEST_CASE("dirty limits: dirtyable memory is free and file pages less the reserve, never below 0") {
  CHECK(global_dirtyable_pages(1000, 500, 300) == 1200);  // 1000 + 500 - 300
  CHECK(global_dirtyable_pages(100, 50, 150) == 0);       // the reserve takes it all
  CHECK(global_dirtyable_pages(100, 50, 200) == 0);       // more than all
}

TEST_CASE("dirty limits: thresholds, freerun and setpoint from the ratios") {
  SUBCASE("defaults over 10000 pages") {
    const DirtyLimits l = dirty_limits(10000, WritebackParams{});
    CHECK(l.thresh_pages == kLimits.thresh_pages);
    CHECK(l.bg_thresh_pages == kLimits.bg_thresh_pages);
    CHECK(l.freerun_pages == kLimits.freerun_pages);
    CHECK(l.setpoint_pages == kLimits.setpoint_pages);
  }
  SUBCASE("fractions of a page are dropped") {
    // 999 x 20 % = 199.8 -> 199; 999 x 10 % = 99.9 -> 99; freerun
    // (199 + 99) / 2 = 149; setpoint (149 + 199) / 2 = 174.
    const DirtyLimits l = dirty_limits(999, WritebackParams{});
    CHECK(l.thresh_pages == 199);
    CHECK(l.bg_thresh_pages == 99);
    CHECK(l.freerun_pages == 149);
    CHECK(l.setpoint_pages == 174);
  }
  SUBCASE("a background ratio at or above the ratio is halved below the threshold") {
    // 10 % and 20 % of 10000: thresh 1000, bg 2000 >= 1000 -> 1000 / 2 = 500;
    // freerun 750, setpoint 875.
    WritebackParams p;
    p.dirty_ratio_percent = 10;
    p.dirty_background_ratio_percent = 20;
    const DirtyLimits l = dirty_limits(10000, p);
    CHECK(l.thresh_pages == 1000);
    CHECK(l.bg_thresh_pages == 500);
    CHECK(l.freerun_pages == 750);
    CHECK(l.setpoint_pages == 875);
  }
}

TEST_CASE("position ratio: 2 at freerun, 1 at the setpoint, 0 at the limit, a cubic between") {
  // 1 + ((setpoint - dirty) / (limit - setpoint))^3, limit - setpoint = 250.
  CHECK(position_ratio(kLimits, 1750) == 1);
  CHECK(position_ratio(kLimits, 1500) == 2);  // x = 250 / 250 = 1
  CHECK(position_ratio(kLimits, 2000) == 0);
  CHECK(position_ratio(kLimits, 2500) == 0);  // beyond the limit too
  // x = (1750 - 1875) / 250 = -0.5: 1 - 0.125.
  CHECK(position_ratio(kLimits, 1875) == doctest::Approx(0.875).epsilon(1e-12));
  // x = 150 / 250 = 0.6: 1 + 0.216.
  CHECK(position_ratio(kLimits, 1600) == doctest::Approx(1.216).epsilon(1e-12));
  // x = 750 / 250 = 3: 1 + 27, clamped to 2.
  CHECK(position_ratio(kLimits, 1000) == 2);
}

TEST_CASE("wb position ratio: the bdi's own control line scales the global ratio") {
  // A bdi writing at 100 pages/s.
  constexpr double kBw = 100;
  SUBCASE("the only bdi: its share is the whole threshold") {
    // wb_thresh 2000 (share 1): wb_setpoint 1750; span = (2000 - 2000 +
    // 8 x 100) x 1 = 800; x_intercept 2550. Below 2550 - 800 / 4 = 2350 the
    // factor is (2550 - wb_dirty) / (2550 - 1750).
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 2000, 1750, kBw) == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 2000, 2150, kBw) == doctest::Approx(0.5).epsilon(1e-12));
    // It multiplies the global ratio: 0.875 x 0.5.
    CHECK(wb_position_ratio(0.875, kLimits, 1750, 2000, 2150, kBw) == doctest::Approx(0.4375).epsilon(1e-12));
    // At and past 2350 the factor is a flat quarter.
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 2000, 2400, kBw) == doctest::Approx(0.25).epsilon(1e-12));
  }
  SUBCASE("below half its share the bdi is throttled less, up to 8 times") {
    // Reserve 2000 / 2 = 1000. wb_dirty 500: (2550 - 500) / 800 = 2.5625,
    // times 1000 / 500 = 2: 5.125. wb_dirty 100 <= 1000 / 8: (2550 - 100) /
    // 800 = 3.0625, times 8: 24.5.
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 2000, 500, kBw) == doctest::Approx(5.125).epsilon(1e-12));
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 2000, 100, kBw) == doctest::Approx(24.5).epsilon(1e-12));
  }
  SUBCASE("half the threshold: half the setpoint, a narrower span") {
    // wb_thresh 1000, share 0.5: wb_setpoint 875; span = (2000 - 1000 + 800)
    // x 0.5 = 900; x_intercept 1775. wb_dirty 875 gives 1; 1325 gives
    // (1775 - 1325) / 900 = 0.5.
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 1000, 875, kBw) == doctest::Approx(1.0).epsilon(1e-12));
    CHECK(wb_position_ratio(1.0, kLimits, 1750, 1000, 1325, kBw) == doctest::Approx(0.5).epsilon(1e-12));
  }
  SUBCASE("an idle bdi with no share gets an eighth of what is left below the limit") {
    // 1200 dirty: wb_thresh = (2000 - 1200) / 8 = 100, share 0.05;
    // wb_setpoint 87.5; span = (2000 - 100 + 800) x 0.05 = 135; x_intercept
    // 222.5. wb_dirty 0: 222.5 / 135, times 8 (nothing of its reserve of 50).
    CHECK(wb_position_ratio(1.0, kLimits, 1200, 0, 0, kBw) == doctest::Approx(222.5 / 135 * 8).epsilon(1e-12));
  }
}

TEST_CASE("dirty poll interval: 2^(ilog2(thresh - dirty) / 2) pages, 1 at or over the threshold") {
  CHECK(dirty_poll_interval(1000, 2000) == 16);   // ilog2(1000) = 9, 9 / 2 = 4
  CHECK(dirty_poll_interval(976, 2000) == 32);    // ilog2(1024) = 10
  CHECK(dirty_poll_interval(0, 65536) == 256);    // ilog2(65536) = 16
  CHECK(dirty_poll_interval(1997, 2000) == 1);    // ilog2(3) = 1, 1 / 2 = 0
  CHECK(dirty_poll_interval(2000, 2000) == 1);
  CHECK(dirty_poll_interval(3000, 2000) == 1);
}

TEST_CASE("max pause: an eighth of the time to write the bdi's dirty pages, plus a jiffy, at most max_pause") {
  // 8000 pages at 100000 pages/s: 80 ms / 8 = 10 ms, + 1 ms.
  CHECK(max_pause_s(8000, 100000, 0.2) == doctest::Approx(0.011).epsilon(1e-12));
  // 1e6 pages at 1000 pages/s: 125 s, bounded by max_pause.
  CHECK(max_pause_s(1000000, 1000, 0.2) == 0.2);
  // No bandwidth estimate: max_pause.
  CHECK(max_pause_s(8000, 0, 0.2) == 0.2);
}

TEST_CASE("pause target: about 10 ms of the ratelimit's pages, the minimum pause half of it") {
  SUBCASE("one dirtier at the bdi's bandwidth") {
    // ilog2(25600) = 14 both: t = 10 ms; pages = 25600 x 10 ms = 256 >= 32:
    // min pause t / 2 = 5 ms.
    const PauseTarget p = pause_target(25600, 25600, 25600, 0.2);
    CHECK(p.pages == 256);
    CHECK(p.min_pause_s == doctest::Approx(5e-3).epsilon(1e-12));
  }
  SUBCASE("four dirtiers: 10 ms more per doubling") {
    // ratelimit 6400: ilog2 14 - 12 = 2, t = 10 ms + 2 x 10 ms x 1000 / 1024
    // = 29.53125 ms; pages = 6400 x t = 189; min pause t / 2.
    const PauseTarget p = pause_target(25600, 6400, 6400, 0.2);
    CHECK(p.pages == 189);
    CHECK(p.min_pause_s == doctest::Approx(29.53125e-3 / 2).epsilon(1e-12));
  }
  SUBCASE("at most half max_pause") {
    // max_pause 11 ms: t = 5.5 ms; pages = 25600 x 5.5 ms = 140.8 -> 140.
    const PauseTarget p = pause_target(25600, 25600, 25600, 0.011);
    CHECK(p.pages == 140);
    CHECK(p.min_pause_s == doctest::Approx(2.75e-3).epsilon(1e-12));
  }
  SUBCASE("fewer than 32 pages in 10 ms: pause longer, for 32 pages") {
    // 1000 pages/s: 10 pages in 10 ms < 32; at max_pause 200 pages > 32, so
    // 32 pages in 32 ms; min pause 16 ms.
    const PauseTarget p = pause_target(1000, 1000, 1000, 0.2);
    CHECK(p.pages == 32);
    CHECK(p.min_pause_s == doctest::Approx(16e-3).epsilon(1e-12));
  }
  SUBCASE("fewer than 32 pages even in max_pause: max_pause, whole") {
    // 100 pages/s: 1 page in 10 ms, 20 in 200 ms <= 32: 20 pages, and under
    // 32 pages the minimum pause is all of t, 200 ms.
    const PauseTarget p = pause_target(100, 100, 100, 0.2);
    CHECK(p.pages == 20);
    CHECK(p.min_pause_s == doctest::Approx(0.2).epsilon(1e-12));
  }
  SUBCASE("a task held far below the ratelimit: fewer pages, so its pause stays within max_pause") {
    // 256 pages at the task's 1000 pages/s would take 256 ms > 200 ms:
    // t = 200 ms, pages = 1000 x 0.2 = 200, min pause 100 ms.
    const PauseTarget p = pause_target(25600, 25600, 1000, 0.2);
    CHECK(p.pages == 200);
    CHECK(p.min_pause_s == doctest::Approx(0.1).epsilon(1e-12));
  }
}

TEST_CASE("dirty limits: a memory cgroup's own domain may dirty its file pages and its headroom, within clean memory") {
  // 1000 file pages, 300 of them dirty or under writeback, 5000 pages below
  // the limit, 100000 dirtyable pages machine-wide: clean 700, clean
  // machine-wide 99700, outside the cgroup 99000; 1000 + min(5000, 99000).
  CHECK(memcg_dirtyable_pages(1000, 300, 5000, 100000, 300) == 6000);
  // At its limit: its file pages alone.
  CHECK(memcg_dirtyable_pages(1000, 300, 0, 100000, 300) == 1000);
  // Little clean memory outside it: 1000 + (1500 - 300 - 700) = 1500.
  CHECK(memcg_dirtyable_pages(1000, 300, 5000, 1500, 300) == 1500);
  // None at all (its own clean pages are all there is): file pages only.
  CHECK(memcg_dirtyable_pages(1000, 300, 5000, 900, 300) == 1000);
  // Its thresholds are the ratios of that (domain_dirty_limits): 20 % and
  // 10 % of 6000.
  const DirtyLimits l = dirty_limits(6000, WritebackParams{});
  CHECK(l.thresh_pages == 1200);
  CHECK(l.bg_thresh_pages == 600);
}
