// A filesystem's free space and where new blocks go. Blocks for a file's
// range go next to the file's own neighbouring extent, at the same distance
// from it as in the file (xfs_bmap_adjacent, ext4_ext_find_goal): a file
// written with holes is as sparse on the device, so its requests are not
// adjacent and do not merge. Without a neighbour (a file's first blocks),
// or when the goal is taken, blocks go at the allocation cursor, just after
// the last blocks allocated: files written one after another follow each
// other, and a sequential file is one run. Free space is kept as extents, so
// memory grows with how fragmented the device is, never with its size.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "models/common/node_pool.hpp"

namespace foliosim::filesystem {

class BlockAllocator {
 public:
  explicit BlockAllocator(std::uint64_t capacity_blocks);

  // `blocks` contiguous blocks: at `goal` when they are free there, else the
  // first free run of that length from the cursor on, else from the start
  // of the device. nullopt when no free run is long enough (ENOSPC).
  std::optional<std::uint64_t> allocate(std::uint64_t blocks, std::optional<std::uint64_t> goal);

  std::uint64_t allocated_blocks() const { return capacity_blocks_ - free_blocks_; }

 private:
  // Takes [first, first + blocks) out of the free extent starting at `it`'s key.
  std::uint64_t take(PooledMap<std::uint64_t, std::uint64_t>::iterator it, std::uint64_t first, std::uint64_t blocks);
  std::optional<std::uint64_t> first_fit(std::uint64_t from, std::uint64_t blocks);

  std::uint64_t capacity_blocks_;
  std::uint64_t free_blocks_;
  PooledMap<std::uint64_t, std::uint64_t> free_;  // first block -> length
  std::uint64_t cursor_ = 0;
};

}  // namespace foliosim::filesystem
