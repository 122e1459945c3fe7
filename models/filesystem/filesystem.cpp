#include "models/filesystem/filesystem.hpp"

#include <algorithm>
#include <utility>
#include "models/common/errors.hpp"

namespace foliosim::filesystem {

namespace {
// xfs_iomap_prealloc_size: no speculative preallocation for files under the
// allocsize (64 KiB, m_allocsize_blocks), which is also the least; at most an
// extent's length (XFS_MAX_BMBT_EXTLEN blocks).
constexpr std::uint64_t kPreallocMinFileBytes = 64 * 1024;
constexpr std::uint64_t kMaxExtentBlocks = (1ULL << 21) - 1;

// Since 6.10 (commit 5ce5674187c3) only the EOF block is zeroed; before, the
// whole delalloc gap.
bool zeroes_eof_block_only(Zeroing zeroing) {
  switch (zeroing) {
    case Zeroing::kSince6_10:
      return true;
    case Zeroing::kBefore6_10:
      return false;
  }
  invalid_enum_value("zeroing");
}

std::uint64_t rounddown_pow_of_two(std::uint64_t x) {
  std::uint64_t p = 1;
  while (p * 2 <= x) p *= 2;
  return x == 0 ? 0 : p;
}
}  // namespace

Filesystem::Filesystem(const FilesystemParams& params, std::uint64_t device_capacity_bytes)
    : params_(params),
      traits_(traits_of(params.type)),
      capacity_blocks_(device_capacity_bytes / params.block_bytes),
      metadata_blocks_(traits_.metadata_blocks ? traits_.metadata_blocks(params, capacity_blocks_) : 0),
      allocator_(capacity_blocks_,
                 traits_.allocation_groups ? traits_.allocation_groups(params, capacity_blocks_) : AllocatorLayout{}),
      group_headers_read_(allocator_.group_count()),
      group_locked_(allocator_.group_count()) {}

File& Filesystem::open(const std::string& name) {
  auto& slot = files_[name];
  if (!slot) {
    slot = std::make_unique<File>();
    slot->name = name;
  }
  return *slot;
}

std::vector<Segment> Filesystem::create_reads() {
  std::vector<Segment> reads;
  if (created_ || !params_.fresh_mount) return reads;
  created_ = true;
  for (const auto& block : traits_.first_create_reads) reads.push_back({block.offset_bytes, block.length_bytes});
  return reads;
}

void Filesystem::note_allocation_in(std::size_t g) {
  if (traits_.group_first_allocation_reads.empty() || !params_.fresh_mount || group_headers_read_[g]) return;
  group_headers_read_[g] = true;
  pending_reads_.groups.push_back(g);
  const std::uint64_t group_start = g * allocator_.group_blocks() * params_.block_bytes;
  for (const auto& block : traits_.group_first_allocation_reads)
    pending_reads_.reads.push_back({group_start + block.offset_bytes, block.length_bytes});
}

MetadataReads Filesystem::take_metadata_reads() {
  // Held from now, while the taker reads (its own allocations until then
  // went on in the group: the transaction has the header).
  for (const std::size_t g : pending_reads_.groups) group_locked_[g] = true;
  return std::exchange(pending_reads_, {});
}

void Filesystem::release_groups(const std::vector<std::size_t>& groups) {
  for (const std::size_t g : groups) group_locked_[g] = false;
}

void Filesystem::split_at(File& file, std::uint64_t block) {
  auto it = file.extents.upper_bound(block);
  if (it == file.extents.begin()) return;
  --it;
  Extent& e = it->second;
  if (block <= it->first || block >= it->first + e.blocks) return;
  const std::uint64_t lower = block - it->first;
  Extent upper{e.blocks - lower, e.state, e.state == ExtentState::kDelalloc ? 0 : e.device_block + lower};
  e.blocks = lower;
  file.extents.emplace_hint(std::next(it), block, upper);
}

std::optional<BlockRun> Filesystem::place(std::uint64_t blocks, std::optional<std::uint64_t> goal, bool exact) {
  if (traits_.allocation_groups) {
    // Without a goal (a file's first blocks), near its inode, in AG 0: the
    // root directory's AG, where xfs_dialloc keeps a file with its parent.
    const auto run = allocator_.allocate_in_group(blocks, goal.value_or(0), exact, group_locked_);
    if (run) note_allocation_in(allocator_.group_of(run->first));
    return run;
  }
  const auto at = allocator_.allocate(blocks, goal);
  if (!at) return std::nullopt;
  note_allocation_in(0);  // one space: its headers are read once
  return BlockRun{*at, blocks};
}

BlockRun Filesystem::allocate(File& file, std::uint64_t first_block, std::uint64_t blocks) {
  // The goal: at the same distance from a mapped neighbour as in the file,
  // after the extent before (xfs_bmap_adjacent, ext4_ext_find_goal), else
  // before the extent after.
  std::optional<std::uint64_t> goal;
  auto next = file.extents.upper_bound(first_block);
  for (auto before = next; before != file.extents.begin();) {
    --before;
    if (before->second.state == ExtentState::kDelalloc) continue;
    goal = before->second.device_block + before->second.blocks + (first_block - before->first - before->second.blocks);
    break;
  }
  // The first mapped extent after: none means the file grows at EOF
  // (xfs_bmap_isaeof).
  auto after = next;
  while (after != file.extents.end() && after->second.state == ExtentState::kDelalloc) ++after;
  const bool at_eof = after == file.extents.end();
  const bool follows_extent = goal.has_value();
  if (!goal && !at_eof && after->second.device_block + first_block >= after->first)
    goal = after->second.device_block + first_block - after->first;
  const auto run = place(blocks, goal, follows_extent && at_eof);
  if (!run) throw SimulatedFailure("device of filesystem is full (ENOSPC) writing " + file.name);
  transaction_dirty_ = true;
  transaction_low_block_ = std::min(transaction_low_block_, run->first);
  transaction_high_block_ = std::max(transaction_high_block_, run->first + run->blocks);
  return *run;
}

std::vector<Segment> Filesystem::commit() {
  std::vector<Segment> writes;
  if (!transaction_dirty_ || !params_.log_writes) return writes;
  // Block groups of 8 x block_size blocks (one bitmap block's bits).
  const std::uint64_t group_blocks = 8 * params_.block_bytes;
  const std::uint64_t groups =
      transaction_high_block_ <= transaction_low_block_
          ? 0
          : (transaction_high_block_ - 1) / group_blocks - transaction_low_block_ / group_blocks + 1;
  const std::uint64_t log_start = capacity_blocks_ / 2 * params_.block_bytes;
  for (const std::uint64_t bytes : traits_.log_writes(params_, groups, !committed_)) {
    if (log_start + log_head_bytes_ + bytes > capacity_blocks_ * params_.block_bytes) log_head_bytes_ = 0;
    writes.push_back({log_start + log_head_bytes_, bytes});
    log_head_bytes_ += bytes;
  }
  transaction_dirty_ = false;
  committed_ = true;
  transaction_low_block_ = UINT64_MAX;
  transaction_high_block_ = 0;
  return writes;
}

void Filesystem::set_state(File& file, std::uint64_t first_block, std::uint64_t end_block, ExtentState state,
                           Segments* segments) {
  const bool fill_holes = state != ExtentState::kUnwritten;  // unwritten only converts delalloc
  const std::uint64_t bs = params_.block_bytes;
  auto add = [&](std::uint64_t device_block, std::uint64_t blocks) {
    if (!segments) return;
    if (!segments->empty() && segments->back().device_offset_bytes + segments->back().length_bytes == device_block * bs)
      segments->back().length_bytes += blocks * bs;
    else
      segments->push_back({device_block * bs, blocks * bs});
  };
  if (state == ExtentState::kWritten) {
    // A streaming writer's next ioend in XFS's preallocation: the pass below
    // would split the unwritten extent, convert its front and coalesce it
    // into the written one before it.
    if (const auto device_block = write_unwritten_front(file, first_block, end_block)) {
      add(*device_block, end_block - first_block);
      return;
    }
  }
  if (state != ExtentState::kDelalloc && traits_.converts_whole_delalloc)
    convert_delalloc(file, first_block, end_block);
  if (state == ExtentState::kDelalloc) {
    // Delalloc only fills holes. Inside one extent (a write into XFS's
    // speculative preallocation, delalloc or made unwritten), the splits
    // below would only be coalesced again.
    auto it = file.extents.upper_bound(first_block);
    if (it != file.extents.begin() && std::prev(it)->first + std::prev(it)->second.blocks >= end_block) {
      coalesce(file, first_block, end_block);
      return;
    }
  }
  split_at(file, first_block);
  split_at(file, end_block);
  std::uint64_t pos = first_block;
  auto it = file.extents.lower_bound(first_block);
  while (pos < end_block) {
    if (it != file.extents.end() && it->first == pos) {
      Extent& e = it->second;
      if (state != ExtentState::kDelalloc) {
        if (e.state == ExtentState::kDelalloc) {
          const BlockRun run = allocate(file, it->first, e.blocks);
          split_at(file, it->first + run.blocks);  // the rest: the next extent, allocated in turn
          delalloc_blocks_ -= run.blocks;
          e.device_block = run.first;
          e.state = state;
        } else if (state == ExtentState::kWritten) {
          // An unwritten extent converted (xfs_iomap_write_unwritten,
          // ext4_convert_unwritten_extents): a transaction.
          transaction_dirty_ = transaction_dirty_ || e.state == ExtentState::kUnwritten;
          e.state = ExtentState::kWritten;
        }
        if (e.state != ExtentState::kDelalloc) add(e.device_block, e.blocks);
      }
      pos += e.blocks;
      ++it;
      continue;
    }
    const std::uint64_t hole_end = it == file.extents.end() ? end_block : std::min(end_block, it->first);
    if (fill_holes) {
      // One extent per allocation: the hole's rest comes round again.
      const BlockRun run =
          state == ExtentState::kDelalloc ? BlockRun{0, hole_end - pos} : allocate(file, pos, hole_end - pos);
      file.extents.emplace_hint(it, pos, Extent{run.blocks, state, run.first});
      if (state == ExtentState::kDelalloc)
        delalloc_blocks_ += run.blocks;
      else
        add(run.first, run.blocks);
      pos += run.blocks;
      continue;
    }
    pos = hole_end;
  }
  coalesce(file, first_block, end_block);
}

void Filesystem::convert_delalloc(File& file, std::uint64_t first_block, std::uint64_t end_block) {
  // xfs_bmapi_convert_delalloc: each delalloc extent the range touches is
  // allocated from its own start, one extent per allocation, until the
  // range is covered; what lies outside the range becomes unwritten, the
  // rest of a longer reservation stays delalloc.
  for (std::uint64_t pos = first_block; pos < end_block;) {
    auto it = file.extents.upper_bound(pos);
    if (it != file.extents.begin() && std::prev(it)->first + std::prev(it)->second.blocks > pos) --it;
    if (it == file.extents.end() || it->first >= end_block) return;
    if (it->second.state != ExtentState::kDelalloc) {
      pos = it->first + it->second.blocks;
      continue;
    }
    for (std::uint64_t at = it->first; at < end_block && it != file.extents.end() &&
                                       it->first == at && it->second.state == ExtentState::kDelalloc;) {
      const BlockRun run = allocate(file, at, it->second.blocks);
      split_at(file, at + run.blocks);
      delalloc_blocks_ -= run.blocks;
      it->second = Extent{run.blocks, ExtentState::kUnwritten, run.first};
      at += run.blocks;
      pos = at;
      it = std::next(it);
    }
  }
}

void Filesystem::coalesce(File& file, std::uint64_t first_block, std::uint64_t end_block) {
  // From the extent before the range: it may continue into it.
  auto it = file.extents.upper_bound(first_block > 0 ? first_block - 1 : 0);
  if (it != file.extents.begin()) --it;
  while (it != file.extents.end() && it->first <= end_block) {
    auto next = std::next(it);
    if (next == file.extents.end()) break;
    Extent& a = it->second;
    const Extent& b = next->second;
    const bool contiguous = it->first + a.blocks == next->first && a.state == b.state &&
                            (a.state == ExtentState::kDelalloc || a.device_block + a.blocks == b.device_block);
    if (contiguous) {
      a.blocks += b.blocks;
      file.extents.erase(next);
    } else {
      it = next;
    }
  }
}

DelallocSpace Filesystem::delalloc_space(std::uint64_t cpus) const {
  DelallocSpace space;
  if (!traits_.pushes_delalloc_when_space_low || delalloc_blocks_ == 0) return space;
  // EXT4_FREECLUSTERS_WATERMARK: 4 x percpu_counter_batch (max(32, 2 x
  // CPUs)) x CPUs, the error the per-CPU counters may carry.
  const std::uint64_t watermark = 4 * std::max<std::uint64_t>(32, 2 * cpus) * cpus;
  const std::uint64_t free = free_blocks(), dirty = delalloc_blocks_;
  space.push_writeback = free < 2 * dirty;
  space.allocate_now = 2 * free < 3 * dirty || free < dirty + watermark;
  return space;
}

void Filesystem::buffered_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                bool allocate_now) {
  const std::uint64_t bs = params_.block_bytes;
  const std::uint64_t first = offset_bytes / bs;
  const std::uint64_t end = (offset_bytes + length_bytes + bs - 1) / bs;
  // Where the write's last hole starts: it needs a new reservation there.
  std::uint64_t hole_start = first;
  bool last_block_is_hole = true;
  if (auto it = file.extents.upper_bound(end - 1); it != file.extents.begin()) {
    --it;
    last_block_is_hole = end - 1 >= it->first + it->second.blocks;
    hole_start = std::max(first, it->first + it->second.blocks);
  }
  const bool extends = offset_bytes + length_bytes > file.size_bytes;
  const std::uint64_t prealloc = extends && last_block_is_hole ? prealloc_blocks(file, hole_start) : 0;
  set_state(file, first, end, ExtentState::kDelalloc, nullptr);
  if (allocate_now) set_state(file, first, end, ExtentState::kUnwritten, nullptr);
  if (prealloc > 0) {
    // xfs_buffered_write_iomap_begin: the reservation runs from the write's
    // last allocsize-aligned granule on.
    const std::uint64_t granule = (offset_bytes + length_bytes - 1) / kPreallocMinFileBytes * kPreallocMinFileBytes;
    const std::uint64_t p_end = granule / bs + prealloc;
    if (p_end > end) set_state(file, end, p_end, ExtentState::kDelalloc, nullptr);
  }
  file.size_bytes = std::max(file.size_bytes, offset_bytes + length_bytes);
}

std::uint64_t Filesystem::prealloc_blocks(const File& file, std::uint64_t hole_block) const {
  // xfs_iomap_prealloc_size: none under allocsize (64 KiB) of file, the
  // minimum after a hole, else twice the contiguous extents before the
  // write, rounded down to a power of two, at most an extent's length
  // (XFS_MAX_BMBT_EXTLEN) and squashed while it would not fit the free space.
  if (!traits_.speculative_prealloc || !params_.speculative_prealloc || file.size_bytes < kPreallocMinFileBytes)
    return 0;
  const std::uint64_t bs = params_.block_bytes;
  const std::uint64_t min_blocks = std::max<std::uint64_t>(1, kPreallocMinFileBytes / bs);
  const std::uint64_t max_blocks = kMaxExtentBlocks;
  auto prev = file.extents.lower_bound(hole_block);
  if (prev == file.extents.begin()) return min_blocks;
  --prev;
  if (prev->first + prev->second.blocks < hole_block) return min_blocks;
  std::uint64_t plen = prev->second.blocks;
  for (auto it = prev; it != file.extents.begin() && plen <= max_blocks / 2;) {
    auto before = std::prev(it);
    const Extent& a = before->second;
    if (a.state == ExtentState::kDelalloc || it->second.state == ExtentState::kDelalloc ||
        before->first + a.blocks != it->first || a.device_block + a.blocks != it->second.device_block)
      break;
    plen += a.blocks;
    it = before;
  }
  std::uint64_t blocks = 2 * plen > max_blocks ? hole_block : 2 * plen;
  blocks = rounddown_pow_of_two(std::min(blocks, max_blocks + 1));
  blocks = std::min(blocks, max_blocks);
  while (blocks > 0 && blocks >= free_blocks()) blocks >>= 4;
  return std::max(blocks, min_blocks);
}

std::vector<ByteRange> Filesystem::zero_for_extension(File& file, std::uint64_t pos_bytes) {
  std::vector<ByteRange> zero;
  if (!traits_.zeroes_before_extending_write || pos_bytes <= file.size_bytes) return zero;
  const std::uint64_t bs = params_.block_bytes;
  const std::uint64_t from = file.size_bytes;
  const std::uint64_t eof_block_end = (from + bs - 1) / bs * bs;
  const bool since_6_10 = zeroes_eof_block_only(params_.zeroing);
  auto add = [&zero](std::uint64_t a, std::uint64_t b) {
    if (a >= b) return;
    if (!zero.empty() && zero.back().offset_bytes + zero.back().length_bytes == a)
      zero.back().length_bytes += b - a;
    else
      zero.push_back({a, b - a});
  };
  std::vector<std::pair<std::uint64_t, std::uint64_t>> to_unwritten;  // blocks
  auto it = file.extents.upper_bound(from / bs);
  if (it != file.extents.begin()) --it;
  for (; it != file.extents.end() && it->first * bs < pos_bytes; ++it) {
    const Extent& e = it->second;
    const std::uint64_t a = std::max(it->first * bs, from);
    const std::uint64_t b = std::min((it->first + e.blocks) * bs, pos_bytes);
    if (a >= b) continue;
    if (e.state == ExtentState::kUnwritten) {
      // Unwritten reads as zeroes, but the EOF block holds the data written
      // below i_size, in the page cache until its writeback converts the
      // block: iomap_zero_range zeroes the cached tail (a fallocated EOF
      // block with nothing cached would be skipped; not told apart here).
      if (a < eof_block_end && from % bs != 0) add(a, std::min(b, eof_block_end));
      continue;
    }
    if (e.state == ExtentState::kWritten || !since_6_10) {
      add(a, b);
    } else {
      // Since 6.10: the EOF block is zeroed; delalloc past it becomes unwritten.
      add(a, std::min(b, eof_block_end));
      const std::uint64_t u = std::max(a, eof_block_end);
      if (u < b) to_unwritten.emplace_back(u / bs, (b + bs - 1) / bs);
    }
  }
  for (auto [first, end] : to_unwritten) set_state(file, first, end, ExtentState::kUnwritten, nullptr);
  return zero;
}

Segments Filesystem::map_for_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) {
  const std::uint64_t bs = params_.block_bytes;
  Segments segments;
  set_state(file, offset_bytes / bs, (offset_bytes + length_bytes + bs - 1) / bs, ExtentState::kWritten, &segments);
  return segments;
}

std::optional<std::uint64_t> Filesystem::write_unwritten_front(File& file, std::uint64_t first_block,
                                                               std::uint64_t end_block) {
  const auto it = file.extents.find(first_block);
  if (it == file.extents.end() || it == file.extents.begin()) return std::nullopt;
  Extent& unwritten = it->second;
  if (unwritten.state != ExtentState::kUnwritten || end_block >= first_block + unwritten.blocks) return std::nullopt;
  const auto before = std::prev(it);
  Extent& written = before->second;
  if (written.state != ExtentState::kWritten || before->first + written.blocks != first_block ||
      written.device_block + written.blocks != unwritten.device_block)
    return std::nullopt;
  const std::uint64_t blocks = end_block - first_block, device_block = unwritten.device_block;
  transaction_dirty_ = true;  // an unwritten extent converted
  written.blocks += blocks;
  unwritten.blocks -= blocks;
  unwritten.device_block += blocks;
  rekey(file.extents, it, end_block);
  coalesce(file, end_block, end_block);  // the rest and what follows it, as the general pass would
  return device_block;
}

Segments Filesystem::map_for_read(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const {
  const std::uint64_t bs = params_.block_bytes;
  const std::uint64_t first = offset_bytes / bs;
  const std::uint64_t end = (offset_bytes + length_bytes + bs - 1) / bs;
  Segments segments;
  auto it = file.extents.upper_bound(first);
  if (it != file.extents.begin()) --it;
  for (; it != file.extents.end() && it->first < end; ++it) {
    const Extent& e = it->second;
    if (e.state != ExtentState::kWritten) continue;
    const std::uint64_t a = std::max(first, it->first);
    const std::uint64_t b = std::min(end, it->first + e.blocks);
    if (a >= b) continue;
    const std::uint64_t device = (e.device_block + (a - it->first)) * bs;
    if (!segments.empty() && segments.back().device_offset_bytes + segments.back().length_bytes == device)
      segments.back().length_bytes += (b - a) * bs;
    else
      segments.push_back({device, (b - a) * bs});
  }
  return segments;
}

bool Filesystem::all_written(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const {
  const std::uint64_t bs = params_.block_bytes;
  std::uint64_t block = offset_bytes / bs;
  const std::uint64_t end = (offset_bytes + length_bytes + bs - 1) / bs;
  auto it = file.extents.upper_bound(block);
  if (it != file.extents.begin()) --it;
  for (; block < end; ++it) {
    if (it == file.extents.end() || it->first > block || it->second.state != ExtentState::kWritten) return false;
    block = std::max(block, it->first + it->second.blocks);
  }
  return true;
}

LockMode Filesystem::direct_write_lock(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const {
  const std::uint64_t bs = params_.block_bytes;
  // An unaligned write zeroes partial blocks around it: exclusive on both
  // (xfs_file_dio_write_unaligned, ext4_unaligned_io).
  if (offset_bytes % bs != 0 || length_bytes % bs != 0) return LockMode::kExclusive;
  if (offset_bytes > file.size_bytes) return LockMode::kExclusive;
  if (!traits_.direct_write_shared_needs_overwrite) return LockMode::kShared;
  return offset_bytes + length_bytes <= file.size_bytes && all_written(file, offset_bytes, length_bytes)
             ? LockMode::kShared
             : LockMode::kExclusive;
}

bool Filesystem::completes_in_task(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const {
  switch (params_.completion_context) {
    case CompletionContext::kAuto:
      return traits_.always_completes_in_workqueue || !all_written(file, offset_bytes, length_bytes);
    case CompletionContext::kWorkqueue:
      return true;
    case CompletionContext::kIrq:
      return false;
  }
  invalid_enum_value("completion_context");
}

void Filesystem::lay_out(File& file, std::uint64_t size_bytes, Layout layout, std::uint64_t extents,
                         const std::vector<ByteRange>& holes) {
  const std::uint64_t bs = params_.block_bytes;
  const std::uint64_t blocks = (size_bytes + bs - 1) / bs;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pieces;  // file blocks [first, end) holding data
  const std::uint64_t n = std::max<std::uint64_t>(1, std::min(extents, blocks));
  switch (layout) {
    case Layout::kContiguous:
    case Layout::kPreallocated:
      pieces.emplace_back(0, blocks);
      break;
    case Layout::kFragmented:
      for (std::uint64_t i = 0; i < n; ++i) pieces.emplace_back(blocks * i / n, blocks * (i + 1) / n);
      break;
    case Layout::kSparse: {
      // A hole is the whole blocks inside it; a block it covers in part holds data.
      std::vector<bool> hole(blocks, false);  // a setup-time map, freed at once
      for (const auto& h : holes)
        for (std::uint64_t b = (h.offset_bytes + bs - 1) / bs;
             b < std::min(blocks, (h.offset_bytes + h.length_bytes) / bs); ++b)
          hole[b] = true;
      for (std::uint64_t b = 0; b < blocks;) {
        if (hole[b]) {
          ++b;
          continue;
        }
        const std::uint64_t first = b;
        while (b < blocks && !hole[b]) ++b;
        pieces.emplace_back(first, b);
      }
      break;
    }
  }
  const ExtentState state = layout == Layout::kPreallocated ? ExtentState::kUnwritten : ExtentState::kWritten;
  // Fragmented pieces go far apart, in reverse file order, so that no two
  // neighbours in the file are neighbours on the device; the others follow
  // the file (the allocator's goal, xfs_bmap_adjacent).
  const std::uint64_t stride = capacity_blocks_ / n;
  std::optional<std::uint64_t> next_goal;
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const auto [first, end] = pieces[i];
    std::optional<std::uint64_t> goal = next_goal;
    if (layout == Layout::kFragmented) goal = (n - 1 - i) * stride;
    for (std::uint64_t pos = first; pos < end;) {
      const auto run = place(end - pos, goal, goal.has_value());
      if (!run) throw SimulatedFailure("device of filesystem is full (ENOSPC) laying out " + file.name);
      file.extents[pos] = Extent{run->blocks, state, run->first};
      pos += run->blocks;
      goal = run->first + run->blocks;
    }
    if (i + 1 < pieces.size()) next_goal = *goal + (pieces[i + 1].first - end);
  }
  file.size_bytes = size_bytes;
  // Written before the mount: the run reads its groups' headers when it first allocates there.
  for (const std::size_t g : pending_reads_.groups) group_headers_read_[g] = false;
  pending_reads_ = {};
}

ExtentSummary Filesystem::summary(const File& file) const {
  ExtentSummary s;
  for (const auto& [first, e] : file.extents) {
    const std::uint64_t bytes = e.blocks * params_.block_bytes;
    ++s.extents;
    (e.state == ExtentState::kDelalloc    ? s.delalloc_bytes
     : e.state == ExtentState::kUnwritten ? s.unwritten_bytes
                                          : s.written_bytes) += bytes;
  }
  return s;
}

}  // namespace foliosim::filesystem
