// Block placement worked out by hand: at the goal when free, else at the
// cursor, else from the start.
#include <doctest/doctest.h>

#include "models/filesystem/block_allocator.hpp"

using foliosim::filesystem::BlockAllocator;

TEST_CASE("block allocator: goal, cursor, first fit, and ENOSPC") {
  BlockAllocator a(100);
  CHECK(a.allocate(10, std::nullopt) == 0);  // no goal: the cursor, at the start
  CHECK(a.allocate(5, std::nullopt) == 10);  // the next file follows
  CHECK(a.allocate(1, 40) == 40);            // a goal that is free
  CHECK(a.allocated_blocks() == 16);
  // A goal that is taken: the cursor (just after the last allocation, 41).
  CHECK(a.allocate(4, 12) == 41);
  // A goal whose run is too short (45..49 free, 10 asked): the cursor's first fit.
  CHECK(a.allocate(2, 50) == 50);
  CHECK(a.allocate(10, 45) == 52);
  // Nothing fits from the cursor on (62..99 is 38 blocks): from the start, 15..39.
  CHECK(a.allocate(38, std::nullopt) == 62);
  CHECK(a.allocate(20, std::nullopt) == 15);
  // 5 + 5 blocks are left, apart (35..39, 45..49): 6 contiguous do not exist.
  CHECK(a.allocated_blocks() == 90);
  CHECK_FALSE(a.allocate(6, std::nullopt).has_value());
  CHECK(a.allocate(5, std::nullopt) == 35);
  CHECK(a.allocate(5, 0) == 45);
  CHECK_FALSE(a.allocate(1, std::nullopt).has_value());
  CHECK(a.allocated_blocks() == 100);
}
