#include "models/filesystem/block_allocator.hpp"

#include <algorithm>
#include <iterator>

namespace foliosim::filesystem {

BlockAllocator::BlockAllocator(std::uint64_t capacity_blocks, const AllocatorLayout& layout)
    : capacity_blocks_(capacity_blocks),
      group_blocks_(layout.group_blocks == 0 ? std::max<std::uint64_t>(1, capacity_blocks) : layout.group_blocks),
      group_reserve_blocks_(layout.group_reserve_blocks) {
  by_size_.resize(std::max<std::uint64_t>(1, (capacity_blocks + group_blocks_ - 1) / group_blocks_));
  group_free_.resize(by_size_.size());
  std::vector<BlockRun> reserved = layout.reserved;
  std::sort(reserved.begin(), reserved.end(), [](const BlockRun& a, const BlockRun& b) { return a.first < b.first; });
  // Free space: the device less the reserved runs, cut at group boundaries.
  std::uint64_t at = 0;
  auto add_until = [&](std::uint64_t end) {
    end = std::min(end, capacity_blocks_);
    while (at < end) {
      const std::uint64_t group_end = std::min(end, (at / group_blocks_ + 1) * group_blocks_);
      add_free(at, group_end - at);
      at = group_end;
    }
  };
  for (const BlockRun& r : reserved) {
    add_until(r.first);
    at = std::max(at, std::min(capacity_blocks_, r.first + r.blocks));
  }
  add_until(capacity_blocks_);
  reserved_blocks_ = capacity_blocks_ - free_blocks_;
}

std::size_t BlockAllocator::group_of(std::uint64_t block) const {
  return std::min<std::size_t>(by_size_.size() - 1, block / group_blocks_);
}

std::uint64_t BlockAllocator::longest_free(std::size_t g) const {
  if (by_size_[g].empty() || group_free_[g] <= group_reserve_blocks_) return 0;
  const std::uint64_t longest = by_size_[g].rbegin()->first;
  const std::uint64_t elsewhere = group_free_[g] - longest;
  const std::uint64_t from_longest = elsewhere >= group_reserve_blocks_ ? 0 : group_reserve_blocks_ - elsewhere;
  return std::min(longest - from_longest, group_free_[g] - group_reserve_blocks_);
}

void BlockAllocator::add_free(std::uint64_t first, std::uint64_t blocks) {
  if (blocks == 0) return;
  free_.emplace(first, blocks);
  by_size_[group_of(first)].emplace(blocks, first);
  group_free_[group_of(first)] += blocks;
  free_blocks_ += blocks;
}

std::uint64_t BlockAllocator::take(FreeMap::iterator it, std::uint64_t first, std::uint64_t blocks) {
  const std::uint64_t start = it->first, length = it->second;
  free_.erase(it);
  by_size_[group_of(start)].erase({length, start});
  group_free_[group_of(start)] -= length;
  free_blocks_ -= length;
  add_free(start, first - start);
  add_free(first + blocks, start + length - first - blocks);
  cursor_ = first + blocks;
  return first;
}

BlockAllocator::FreeMap::iterator BlockAllocator::extent_holding(std::uint64_t block) {
  auto it = free_.upper_bound(block);
  if (it == free_.begin()) return free_.end();
  --it;
  return block < it->first + it->second ? it : free_.end();
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
  if (goal) {
    auto it = extent_holding(*goal);
    if (it != free_.end() && *goal + blocks <= it->first + it->second) return take(it, *goal, blocks);
  }
  if (auto at = first_fit(cursor_, blocks)) return at;
  return first_fit(0, blocks);
}

std::optional<BlockRun> BlockAllocator::near(std::size_t g, std::uint64_t target, std::uint64_t min_blocks,
                                             std::uint64_t max_blocks) {
  // xfs_alloc_ag_vextent_near: of the group's free extents that hold
  // min_blocks, the longest allocation (up to max_blocks) first, then the
  // one nearest to target; searched outwards from target, as XFS walks its
  // by-block btree left and right, until nothing nearer can be longer.
  const std::uint64_t group_first = g * group_blocks_;
  const std::uint64_t group_end = std::min(capacity_blocks_, group_first + group_blocks_);
  target = std::clamp(target, group_first, group_end - 1);
  max_blocks = std::min(max_blocks, longest_free(g));
  if (max_blocks < min_blocks) return std::nullopt;
  const std::uint64_t best_possible = max_blocks;
  std::optional<BlockRun> best;
  std::uint64_t best_distance = 0;
  auto consider = [&](FreeMap::iterator it) {
    const std::uint64_t s = it->first, e = it->first + it->second;
    const std::uint64_t len = std::min(max_blocks, e - s);
    if (len < min_blocks) return;
    const std::uint64_t start = std::clamp(target, s, e - len);
    const std::uint64_t distance = start > target ? start - target : target - start;
    if (!best || len > best->blocks || (len == best->blocks && distance < best_distance)) {
      best = BlockRun{start, len};
      best_distance = distance;
    }
  };
  auto right = free_.lower_bound(target);
  auto left = right;
  bool left_done = left == free_.begin(), right_done = false;
  while (!left_done || !right_done) {
    if (best && best->blocks == best_possible) {
      // Nothing farther can be longer; only nearer would win.
      const bool right_farther = right_done || right->first >= target + best_distance;
      const bool left_farther = left_done || std::prev(left)->first + std::prev(left)->second + best_distance <= target;
      if (right_farther && left_farther) break;
    }
    if (!right_done) {
      if (right == free_.end() || right->first >= group_end) {
        right_done = true;
      } else {
        consider(right);
        ++right;
      }
    }
    if (!left_done) {
      auto prev = std::prev(left);
      if (prev->first < group_first) {
        left_done = true;
      } else {
        consider(prev);
        left = prev;
        left_done = left == free_.begin();
      }
    }
  }
  if (!best) return std::nullopt;
  take(extent_holding(best->first), best->first, best->blocks);
  return best;
}

std::optional<BlockRun> BlockAllocator::by_size(std::size_t g, std::uint64_t min_blocks, std::uint64_t max_blocks) {
  // xfs_alloc_ag_vextent_size: the smallest free extent that holds
  // max_blocks, else the largest if it holds min_blocks; from its start.
  auto& sizes = by_size_[g];
  max_blocks = std::min(max_blocks, longest_free(g));
  if (max_blocks < min_blocks) return std::nullopt;
  auto fit = sizes.lower_bound({max_blocks, 0});
  if (fit == sizes.end()) {
    fit = std::prev(sizes.end());
    if (fit->first < min_blocks) return std::nullopt;
  }
  const BlockRun run{fit->second, std::min(max_blocks, fit->first)};
  take(free_.find(run.first), run.first, run.blocks);
  return run;
}

std::optional<BlockRun> BlockAllocator::allocate_in_group(std::uint64_t max_blocks, std::uint64_t target, bool exact,
                                                          const std::vector<bool>& locked) {
  if (max_blocks == 0 || free_blocks_ == 0) return std::nullopt;
  target = std::min(target, capacity_blocks_ - 1);
  const std::size_t groups = by_size_.size();
  const std::size_t home = group_of(target);
  max_blocks = std::min(max_blocks, group_blocks_);
  const auto lockable = [&locked](std::size_t g) { return g >= locked.size() || !locked[g]; };
  // xfs_bmap_btalloc_select_lengths / xfs_bmap_select_minlen (a group whose
  // header another task holds answers -EAGAIN and is left out).
  std::uint64_t longest = 0;
  for (std::size_t i = 0; i < groups && longest < max_blocks; ++i)
    if (lockable((home + i) % groups)) longest = std::max(longest, longest_free((home + i) % groups));
  const std::uint64_t min_blocks = std::max<std::uint64_t>(1, std::min(longest, max_blocks));
  if (exact && lockable(home)) {
    // xfs_bmap_btalloc_at_eof: exactly at target, at least min_blocks.
    auto it = extent_holding(target);
    const std::uint64_t cap = std::min(max_blocks, longest_free(home));
    if (it != free_.end() && cap >= min_blocks && it->first + it->second - target >= min_blocks) {
      const BlockRun run{target, std::min(cap, it->first + it->second - target)};
      take(it, run.first, run.blocks);
      return run;
    }
  }
  // xfs_alloc_vextent_start_ag: near target in its group, then by size in
  // the groups after it; the trylock pass, then one that takes held groups.
  bool passed_over = false;
  for (const bool trylock : {true, false}) {
    if (!trylock && !passed_over) break;
    for (std::size_t i = 0; i < groups; ++i) {
      const std::size_t g = (home + i) % groups;
      if (trylock && !lockable(g)) {
        passed_over = true;
        continue;
      }
      if (auto run = i == 0 ? near(g, target, min_blocks, max_blocks) : by_size(g, min_blocks, max_blocks)) return run;
    }
  }
  return std::nullopt;
}

}  // namespace foliosim::filesystem
