// A bdi's rate estimates (mm/page-writeback.c), worked out by hand.
#include "models/writeback/bandwidth_estimate.hpp"

#include <doctest/doctest.h>

#include <cstdint>

using foliosim::writeback::BandwidthEstimate;
using foliosim::writeback::ThrottleState;

TEST_CASE("the bandwidth estimate moves a share of the period at each update, its average an eighth behind") {
  // INIT_BW, 100 MiB/s: 25600 pages/s.
  BandwidthEstimate e(25600, 25600);
  e.start(0, false);
  e.add_written(100000, 0);
  e.update_if_due(0.1);  // before BANDWIDTH_INTERVAL: nothing
  CHECK(e.write_pages_per_s() == 25600);
  e.update_if_due(0.2);
  // (100000 + 25600 x (4.096 - 0.2)) / 4.096; the average waits for a
  // previous estimate to move toward.
  CHECK(e.write_pages_per_s() == doctest::Approx((100000 + 25600 * 3.896) / 4.096));
  CHECK(e.avg_pages_per_s() == 25600);
  const double first = e.write_pages_per_s();
  e.add_written(100000, 0);
  e.update_if_due(0.4);
  CHECK(e.write_pages_per_s() == doctest::Approx((100000 + first * 3.896) / 4.096));
  CHECK(e.avg_pages_per_s() == doctest::Approx(25600 + (first - 25600) / 8));

  SUBCASE("after more than a period without an update, what was seen replaces both") {
    e.add_written(50000, 0);
    e.update_if_due(10.4);
    CHECK(e.write_pages_per_s() == doctest::Approx(5000));
    CHECK(e.avg_pages_per_s() == doctest::Approx(5000));
  }
  SUBCASE("idle for more than a second with nothing under writeback: the interval restarts") {
    e.start(10.4, false);
    e.add_written(50000, 0);
    e.update_if_due(10.6);
    const double before = (100000 + first * 3.896) / 4.096;
    CHECK(e.write_pages_per_s() == doctest::Approx((50000 + before * 3.896) / 4.096));
  }
  SUBCASE("with writeback in flight it does not restart") {
    e.start(10.4, true);
    e.add_written(50000, 0);
    e.update_if_due(10.6);
    CHECK(e.write_pages_per_s() == doctest::Approx(50000 / 10.2));
  }
}

TEST_CASE("the dirty ratelimit follows the balanced rate from below by at most an eighth, slower when close") {
  BandwidthEstimate e(25600, 25600);
  e.start(0, false);
  // Two write-bandwidth updates: the average moves once, an eighth of the
  // way to the first estimate.
  e.add_written(100000, 0);
  e.update_if_due(0.2);
  const double first = (100000 + 25600 * 3.896) / 4.096;
  e.add_written(100000, 0);
  e.update_if_due(0.4);
  const double avg = 25600 + (first - 25600) / 8;
  REQUIRE(e.avg_pages_per_s() == doctest::Approx(avg));
  CHECK(e.dirty_ratelimit_pages_per_s() == 25600);  // only dirtiers move it

  // One dirtier below the setpoint (pos_ratio 1.5), dirtying at its task
  // rate (25600 x 1.5 = 38400 pages/s): the balanced rate is the write
  // bandwidth, but the step is bounded by the previous balanced rate,
  // INIT_BW: no move yet.
  const ThrottleState below{1000, 1050, 1.5};  // setpoint 1050
  e.add_dirtied(7680);
  e.update(0.6, &below);
  CHECK(e.dirty_ratelimit_pages_per_s() == 25600);
  // Next interval: step = avg - 25600 = 2895; it is under a tenth of the
  // rate, so shifted by 25600 / (2 x 2895 + 1) = 4, then an eighth, rounded
  // up: (2895 >> 4) = 180, (180 + 7) / 8 = 23.
  e.add_dirtied(7680);
  e.update(0.8, &below);
  CHECK(static_cast<std::uint64_t>(avg - 25600) == 2895);
  CHECK(e.dirty_ratelimit_pages_per_s() == 25600 + 23);
}

TEST_CASE("recent writeout weighs half as much every 3 s, as the writeout proportions' periods do") {
  BandwidthEstimate e(25600, 25600);
  e.add_written(1000, 0);
  CHECK(e.recent_writeout(3) == doctest::Approx(500));
  e.add_written(500, 3);
  CHECK(e.recent_writeout(6) == doctest::Approx(500));
}
