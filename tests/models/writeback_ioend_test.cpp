#include <doctest/doctest.h>

#include "models/writeback/bandwidth_estimate.hpp"
#include "sim/isolated_run.hpp"
#include "sim/simulation.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("writeback takes an ioend at a time and ends it when its last request completes") {
  // fsync of 1 GiB of 1 MiB folios on a device with one tag: the submitter
  // sleeps for the tag before every request. XFS takes 256 folios (one bio,
  // BIO_MAX_VECS) at once; once their last request is queued it takes the
  // next 256 while that request is in service, and the first ioend's 256 MiB
  // stay under writeback until it completes: 512 MiB at the peak. ext4 takes
  // 2048 blocks (MAX_WRITEPAGES_EXTENT_LEN) at a time: 16 MiB.
  for (const std::string fs : {"xfs", "ext4"}) {
    CAPTURE(fs);
    Scenario s = bare_scenario();
    s.filesystem.type = fs;
    s.devices[0].queue_depth = 1;
    s.jobs.push_back(buffered_job("w", 1 * MiB, 1 * GiB));
    s.jobs[0].end_fsync = true;
    Json r = simulate_isolated(s);
    CHECK(r["device_write_bytes"] == 1 * GiB);
    CHECK(r["writeback_peak_bytes"] == (fs == "xfs" ? 512 * MiB : 16 * MiB));
    // fsync's one writepages pass (358 ms) updates the estimate once, at its
    // end: write_bandwidth moves, but avg_write_bandwidth only follows a
    // previous estimate, so it is still INIT_BW.
    CHECK(r["devices"][0]["writeback_bandwidth_estimate_Bps"] == 100.0 * MiB);
  }
}

TEST_CASE("the bandwidth estimate moves a share of the period at each update, its average an eighth behind") {
  // INIT_BW, 100 MiB/s: 25600 pages/s.
  writeback::BandwidthEstimate e(25600);
  e.start(0, false);
  e.add_written(100000);
  e.update_if_due(0.1);  // before BANDWIDTH_INTERVAL: nothing
  CHECK(e.write_pages_per_s() == 25600);
  e.update_if_due(0.2);
  // (100000 + 25600 x (4.096 - 0.2)) / 4.096; the average waits for a
  // previous estimate to move toward.
  CHECK(e.write_pages_per_s() == doctest::Approx((100000 + 25600 * 3.896) / 4.096));
  CHECK(e.avg_pages_per_s() == 25600);
  const double first = e.write_pages_per_s();
  e.add_written(100000);
  e.update_if_due(0.4);
  CHECK(e.write_pages_per_s() == doctest::Approx((100000 + first * 3.896) / 4.096));
  CHECK(e.avg_pages_per_s() == doctest::Approx(25600 + (first - 25600) / 8));

  SUBCASE("after more than a period without an update, what was seen replaces both") {
    e.add_written(50000);
    e.update_if_due(10.4);
    CHECK(e.write_pages_per_s() == doctest::Approx(5000));
    CHECK(e.avg_pages_per_s() == doctest::Approx(5000));
  }
  SUBCASE("idle for more than a second with nothing under writeback: the interval restarts") {
    e.start(10.4, false);
    e.add_written(50000);
    e.update_if_due(10.6);
    const double before = (100000 + first * 3.896) / 4.096;
    CHECK(e.write_pages_per_s() == doctest::Approx((50000 + before * 3.896) / 4.096));
  }
  SUBCASE("with writeback in flight it does not restart") {
    e.start(10.4, true);
    e.add_written(50000);
    e.update_if_due(10.6);
    CHECK(e.write_pages_per_s() == doctest::Approx(50000 / 10.2));
  }
}
