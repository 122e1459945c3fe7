#include <doctest/doctest.h>

#include "sim/engine/isolated_run.hpp"
#include "sim/run_variant.hpp"
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
  for (const auto fs : {filesystem::FilesystemKind::kXfs, filesystem::FilesystemKind::kExt4}) {
    CAPTURE(choice_name(fs, filesystem::kFilesystemKindNames));
    Scenario s = bare_scenario();
    s.filesystem.type = fs;
    s.devices[0].queue_depth = 1;
    s.jobs.push_back(buffered_job("w", 1 * MiB, 1 * GiB));
    s.jobs[0].end_fsync = true;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_bytes"] == 1 * GiB);
    CHECK(r["writeback_peak_bytes"] == (fs == filesystem::FilesystemKind::kXfs ? 512 * MiB : 16 * MiB));
    // fsync's one writepages pass (358 ms) updates the estimate once, at its
    // end: write_bandwidth moves, but avg_write_bandwidth only follows a
    // previous estimate, so it is still INIT_BW.
    CHECK(r["devices"][0]["writeback_bandwidth_estimate_Bps"] == 100.0 * MiB);
  }
}
