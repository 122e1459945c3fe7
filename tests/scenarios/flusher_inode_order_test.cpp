// The flusher writes several dirty files a chunk at a time, in turn
// (writeback_sb_inodes over b_io; requeue_io puts an inode whose chunk ran
// out on b_more_io for its next turn), not the oldest file to its end
// first. Values worked out by hand on the bare scenario: no CPU cost, 95 us
// a request plus 3 GB/s; ext4, whose writeback allocates only the range it
// writes, so each chunk's blocks follow the last chunk written, whichever
// file it was.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

TEST_CASE("the flusher writes two dirty files in turn, a chunk each") {
  Scenario s = bare_scenario();
  s.filesystem.type = filesystem::FilesystemKind::kExt4;
  // kupdate writeback from 0.1 s of what is older than 10 ms.
  s.writeback.dirty_expire_s = 0.01;
  s.writeback.dirty_writeback_interval_s = 0.1;
  // Two files of 64 MiB, dirty at time 0; a late job keeps the run going
  // until the flusher is done.
  auto a = buffered_job("a", 1 * MiB, 64 * MiB);
  auto b = buffered_job("b", 1 * MiB, 64 * MiB);
  auto late = buffered_job("late", 4 * KiB, 4 * KiB);
  late.startdelay_s = 1;
  s.jobs = {a, b, late};
  const Json r = simulate_isolated(s).summary;
  CHECK(r["writeback_submitted_bytes"]["by_flusher"] == 128 * MiB);
  // The chunk: half a second at the initial 100 MiB/s estimate plus 4 MiB,
  // in 4 MiB units: 52 MiB. a 52, b 52, a 12, b 12: each file in two extents.
  // (Oldest first, a 52 + 12 then b 52 + 12, gave one each.)
  CHECK(r["file_extents"] == 2 + 2 + 1);
}
