#include "models/filesystem/block_allocator.hpp"

#include <iterator>

namespace foliosim::filesystem {

BlockAllocator::BlockAllocator(std::uint64_t capacity_blocks)
    : capacity_blocks_(capacity_blocks), free_blocks_(capacity_blocks) {
  if (capacity_blocks > 0) free_.emplace(0, capacity_blocks);
}

std::uint64_t BlockAllocator::take(PooledMap<std::uint64_t, std::uint64_t>::iterator it, std::uint64_t first,
                                   std::uint64_t blocks) {
  const std::uint64_t start = it->first, length = it->second;
  free_.erase(it);
  if (first > start) free_.emplace(start, first - start);
  if (first + blocks < start + length) free_.emplace(first + blocks, start + length - first - blocks);
  free_blocks_ -= blocks;
  cursor_ = first + blocks;
  return first;
}

std::optional<std::uint64_t> BlockAllocator::first_fit(std::uint64_t from, std::uint64_t blocks) {
  // The free extent holding `from`, if any, then those after it.
  auto it = free_.upper_bound(from);
  if (it != free_.begin() && std::prev(it)->first + std::prev(it)->second > from) --it;
  for (; it != free_.end(); ++it) {
    const std::uint64_t first = std::max(from, it->first);
    if (first + blocks <= it->first + it->second) return take(it, first, blocks);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> BlockAllocator::allocate(std::uint64_t blocks, std::optional<std::uint64_t> goal) {
  if (blocks == 0 || blocks > free_blocks_) return std::nullopt;
  if (goal && *goal + blocks <= capacity_blocks_) {
    auto it = free_.upper_bound(*goal);
    if (it != free_.begin()) {
      --it;
      if (*goal + blocks <= it->first + it->second) return take(it, *goal, blocks);
    }
  }
  if (auto at = first_fit(cursor_, blocks)) return at;
  return first_fit(0, blocks);
}

}  // namespace foliosim::filesystem
