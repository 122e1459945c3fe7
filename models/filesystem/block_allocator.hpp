// A filesystem's free space and where new blocks go. Blocks for a file's
// range go next to the file's own neighbouring extent, at the same distance
// from it as in the file (xfs_bmap_adjacent, ext4_ext_find_goal): a file
// written with holes is as sparse on the device, so its requests are not
// adjacent and do not merge. Free space is kept as extents, indexed by start
// and by size, so memory grows with how fragmented the device is, never with
// its size.
//
// Two policies:
// - allocate(): the goal when free, else the allocation cursor, just after
//   the last blocks allocated (files written one after another follow each
//   other), else the first fit from the start; one extent of the whole length.
// - allocate_in_group(): XFS's, over allocation groups (AGs: free space that
//   no extent crosses, each with its own headers): xfs_bmap_btalloc_best_length.
//   An allocation may come out shorter than asked; the caller allocates the
//   rest with another call, as xfs_bmapi_convert_delalloc does.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "models/common/node_pool.hpp"

namespace foliosim::filesystem {

// A run of device blocks [first, first + blocks).
struct BlockRun {
  std::uint64_t first;
  std::uint64_t blocks;
  bool operator==(const BlockRun& o) const { return first == o.first && blocks == o.blocks; }
};

// How the device is divided: groups of `group_blocks` (the last one may be
// shorter; 0: one group, the whole device), runs in use from the start (AG
// headers, the internal log), and the free blocks each group keeps back for
// its own metadata (XFS's per-AG reservations, xfs_ag_resv_needed): an
// allocation in a group leaves that many free.
struct AllocatorLayout {
  std::uint64_t group_blocks = 0;
  std::vector<BlockRun> reserved;
  std::uint64_t group_reserve_blocks = 0;
};

class BlockAllocator {
 public:
  explicit BlockAllocator(std::uint64_t capacity_blocks, const AllocatorLayout& layout = {});

  // `blocks` contiguous blocks: at `goal` when they are free there, else the
  // first free run of that length from the cursor on, else from the start
  // of the device. nullopt when no free run is long enough (ENOSPC).
  std::optional<std::uint64_t> allocate(std::uint64_t blocks, std::optional<std::uint64_t> goal);

  // One extent of 1 to `max_blocks` blocks inside one group, near `target`
  // (xfs_bmap_btalloc_best_length): the longest free extent of the groups
  // from the target's on, scanned until one holds max_blocks, sets the least
  // length worth taking (xfs_bmap_btalloc_select_lengths); `exact` (a file
  // growing at EOF) first tries exactly at target for that least length
  // (xfs_alloc_vextent_exact_bno); else the target's group, nearest to
  // target (xfs_alloc_ag_vextent_near), then each other group in turn, the
  // smallest free extent that holds max_blocks or else its largest
  // (xfs_alloc_ag_vextent_size). nullopt: no free block at all (ENOSPC).
  // Groups marked in `locked` (their free-space header held by another
  // task) are passed over, as xfs_alloc_vextent_iterate_ags's first pass
  // (XFS_ALLOC_FLAG_TRYLOCK) does; only when no other group serves does a
  // second pass take them (the kernel's would wait for the lock; the model
  // allocates at once).
  std::optional<BlockRun> allocate_in_group(std::uint64_t max_blocks, std::uint64_t target, bool exact,
                                            const std::vector<bool>& locked = {});

  // Blocks allocated so far (the reserved runs left out).
  std::uint64_t allocated_blocks() const { return capacity_blocks_ - reserved_blocks_ - free_blocks_; }
  std::uint64_t group_count() const { return by_size_.size(); }
  // The longest extent an allocation in group `g` may take: its longest free
  // extent less what the group's reservation needs of it
  // (xfs_alloc_longest_free_extent), at most its free blocks less the
  // reservation (xfs_alloc_space_available); 0 when none.
  std::uint64_t longest_free(std::size_t g) const;
  std::size_t group_of(std::uint64_t block) const;
  std::uint64_t group_blocks() const { return group_blocks_; }

 private:
  using FreeMap = PooledMap<std::uint64_t, std::uint64_t>;  // first block -> length
  // Takes [first, first + blocks) out of the free extent starting at `it`'s key.
  std::uint64_t take(FreeMap::iterator it, std::uint64_t first, std::uint64_t blocks);
  void add_free(std::uint64_t first, std::uint64_t blocks);
  std::optional<std::uint64_t> first_fit(std::uint64_t from, std::uint64_t blocks);
  // The free extent holding `block`, or free_.end().
  FreeMap::iterator extent_holding(std::uint64_t block);
  std::optional<BlockRun> near(std::size_t g, std::uint64_t target, std::uint64_t min_blocks, std::uint64_t max_blocks);
  std::optional<BlockRun> by_size(std::size_t g, std::uint64_t min_blocks, std::uint64_t max_blocks);

  std::uint64_t capacity_blocks_;
  std::uint64_t group_blocks_;
  std::uint64_t free_blocks_ = 0;
  std::uint64_t reserved_blocks_ = 0;
  FreeMap free_;
  // Per group, its free extents by (length, first): XFS's by-size btree.
  std::vector<std::set<std::pair<std::uint64_t, std::uint64_t>>> by_size_;
  std::vector<std::uint64_t> group_free_;  // free blocks per group
  std::uint64_t group_reserve_blocks_;
  std::uint64_t cursor_ = 0;
};

}  // namespace foliosim::filesystem
