// blk-wbt's depths by scale step: the wb_normal/wb_background pairs debugfs
// showed on the reference's 128-deep loop queue.
#include <doctest/doctest.h>

#include "models/block_device/wbt_depths.hpp"

using foliosim::block_device::wbt_depths;

TEST_CASE("blk-wbt depths: 8/4 at step 0, doubling per step up to 3/4 of the queue, halving per step down") {
  const auto check = [](int step, std::uint64_t max_depth, std::uint64_t normal, std::uint64_t background,
                        bool at_max) {
    INFO("scale step ", step);
    const auto d = wbt_depths(128, step);
    CHECK(d.max_depth == max_depth);
    CHECK(d.wb_normal == normal);
    CHECK(d.wb_background == background);
    CHECK(d.at_max == at_max);
  };
  check(0, 16, 8, 4, false);   // RWB_DEF_DEPTH
  check(-1, 31, 16, 8, false);  // 1 + 15 << 1
  check(-2, 61, 31, 16, false);
  check(-3, 96, 48, 24, true);  // 121 capped at 96
  check(-16, 96, 48, 24, true);
  check(1, 8, 4, 2, false);  // 1 + 15 >> 1
  check(4, 1, 1, 1, false);  // at most two: wb_normal the depth, wb_background 1
  // A single-request queue: 2 unless scaled down.
  CHECK(wbt_depths(1, 0).max_depth == 2);
  CHECK(wbt_depths(1, 0).at_max);
  CHECK(wbt_depths(1, 1).max_depth == 1);
}
