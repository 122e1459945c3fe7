// Block placement worked out by hand: at the goal when free, else at the
// cursor, else from the start.
#include <doctest/doctest.h>

#include <random>
#include <utility>
#include <vector>

#include "models/filesystem/block_allocator.hpp"

using foliosim::filesystem::BlockAllocator;
using foliosim::filesystem::BlockRun;

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

TEST_CASE("block allocator, XFS's policy: groups, reservations, exact, near, by size") {
  // Four groups of 100 blocks; group 0 starts with 10 reserved blocks, the
  // others with 5; each keeps 10 free blocks back.
  foliosim::filesystem::AllocatorLayout layout{100, {{0, 10}, {100, 5}, {200, 5}, {300, 5}}, 10};
  BlockAllocator a(400, layout);
  CHECK(a.group_count() == 4);
  CHECK(a.allocated_blocks() == 0);
  // Group 0: 90 free in one extent, 10 of them kept back.
  CHECK(a.longest_free(0) == 80);
  CHECK(a.longest_free(1) == 85);
  // 30 blocks near block 0: group 0 holds them, at its first free block.
  CHECK(a.allocate_in_group(30, 0, false) == BlockRun{10, 30});
  // The file grows at EOF: exactly after it.
  CHECK(a.allocate_in_group(20, 40, true) == BlockRun{40, 20});
  // 40 more at EOF: group 0 has 40 free, 30 usable; group 1 holds 40, so
  // the least length is 40 and the exact try fails; group 1 by size, from its
  // first free block.
  CHECK(a.longest_free(0) == 30);
  CHECK(a.allocate_in_group(40, 60, true) == BlockRun{105, 40});
  // 90 blocks: no group holds them (85 at most); the longest, 85 in group 2
  // (from group 1 on: 45 usable there, then 85), sets the least; group 1 is
  // the target's but too short, so group 2 gives 85 blocks and the caller
  // asks again for the rest.
  CHECK(a.allocate_in_group(90, 145, true) == BlockRun{205, 85});
  // Near, not exact: the nearest extent that holds the longest allocation.
  CHECK(a.allocate_in_group(5, 150, false) == BlockRun{150, 5});
  CHECK(a.allocated_blocks() == 30 + 20 + 40 + 85 + 5);
}

TEST_CASE("block allocator, XFS's policy: random allocations never overlap, stay in one group, and fill it") {
  // Seeded random targets and lengths until the device is full: every run
  // lies in one group, clear of the reserved runs and of every other run,
  // and in the end each group has only its reserve left free.
  const foliosim::filesystem::AllocatorLayout layout{1000, {{0, 24}, {1000, 10}, {2000, 10}, {1010, 50}}, 37};
  BlockAllocator a(3000, layout);
  std::mt19937_64 rng(7);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> taken;  // [first, end)
  for (const auto& r : layout.reserved) taken.emplace_back(r.first, r.first + r.blocks);
  std::uint64_t allocated = 0;
  while (true) {
    const std::uint64_t want = 1 + rng() % 120;
    const auto run = a.allocate_in_group(want, rng() % 3000, rng() % 2 == 0);
    if (!run) break;
    REQUIRE(run->blocks >= 1);
    REQUIRE(run->blocks <= want);
    CHECK(run->first / 1000 == (run->first + run->blocks - 1) / 1000);
    for (const auto& [first, end] : taken) CHECK((run->first + run->blocks <= first || run->first >= end));
    taken.emplace_back(run->first, run->first + run->blocks);
    allocated += run->blocks;
    REQUIRE(a.allocated_blocks() == allocated);
  }
  // Free: 3000 less 94 reserved, less what was allocated, is each group's 37.
  CHECK(allocated == 3000 - 94 - 3 * 37);
  for (std::size_t g = 0; g < 3; ++g) CHECK(a.longest_free(g) == 0);
}

TEST_CASE("block allocator, XFS's policy: a group whose header another task holds is passed over") {
  // Four groups of 100 blocks, 10 reserved at the start of each, 10 kept back.
  const foliosim::filesystem::AllocatorLayout layout{100, {{0, 10}, {100, 10}, {200, 10}, {300, 10}}, 10};
  BlockAllocator a(400, layout);
  const std::vector<bool> group_0_held{true, false, false, false};
  // Near block 0, but group 0 is held: the trylock pass takes group 1, by size.
  CHECK(a.allocate_in_group(20, 0, false, group_0_held) == BlockRun{110, 20});
  // An exact try in a held group is not made either (xfs_bmap_btalloc_at_eof).
  CHECK(a.allocate_in_group(5, 10, true, group_0_held) == BlockRun{130, 5});
  // Released: near block 0 again.
  CHECK(a.allocate_in_group(20, 0, false) == BlockRun{10, 20});
  // Every group held: the second pass takes the target's group as if free.
  const std::vector<bool> all_held(4, true);
  CHECK(a.allocate_in_group(10, 30, true, all_held) == BlockRun{30, 10});
  // A held group the allocation does not need changes nothing: 55 at EOF
  // in group 1, which leaves it only its reserve.
  CHECK(a.allocate_in_group(55, 135, true, group_0_held) == BlockRun{135, 55});
  // Near block 150: group 1 has nothing usable and group 2 is held, so group 3.
  CHECK(a.allocate_in_group(30, 150, false, {false, false, true, false}) == BlockRun{310, 30});
}
