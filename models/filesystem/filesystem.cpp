#include "models/filesystem/filesystem.hpp"

#include <algorithm>
#include <stdexcept>

namespace foliosim::filesystem {

Filesystem::Filesystem(const FilesystemParams& params, std::uint64_t device_capacity_bytes)
    : params_(params), capacity_blocks_(device_capacity_bytes / params.block_bytes) {}

File& Filesystem::open(const std::string& name) {
  auto& slot = files_[name];
  if (!slot) {
    slot = std::make_unique<File>();
    slot->name = name;
  }
  return *slot;
}

std::vector<Segment> Filesystem::map_for_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) {
  const std::uint64_t bs = params_.block_bytes;
  std::uint64_t block = offset_bytes / bs;
  const std::uint64_t end_block = (offset_bytes + length_bytes + bs - 1) / bs;
  std::vector<Segment> segments;
  auto add = [&](std::uint64_t device_block, std::uint64_t blocks) {
    if (!segments.empty() &&
        segments.back().device_offset_bytes + segments.back().length_bytes == device_block * bs) {
      segments.back().length_bytes += blocks * bs;
    } else {
      segments.push_back({device_block * bs, blocks * bs});
    }
  };
  while (block < end_block) {
    // The extent containing `block`, if any.
    auto it = file.extents.upper_bound(block);
    if (it != file.extents.begin()) {
      auto prev = std::prev(it);
      if (block < prev->first + prev->second.second) {
        std::uint64_t within = block - prev->first;
        std::uint64_t blocks = std::min(end_block, prev->first + prev->second.second) - block;
        add(prev->second.first + within, blocks);
        block += blocks;
        continue;
      }
    }
    // A hole up to the next extent: allocate it at the cursor.
    std::uint64_t hole_end = it == file.extents.end() ? end_block : std::min(end_block, it->first);
    std::uint64_t blocks = hole_end - block;
    if (next_free_block_ + blocks > capacity_blocks_)
      throw std::runtime_error("device of filesystem is full (ENOSPC) writing " + file.name);
    std::uint64_t device_block = next_free_block_;
    next_free_block_ += blocks;
    // Grow the previous extent when both file and device blocks continue it.
    auto prev = it == file.extents.begin() ? file.extents.end() : std::prev(it);
    if (prev != file.extents.end() && prev->first + prev->second.second == block &&
        prev->second.first + prev->second.second == device_block) {
      prev->second.second += blocks;
    } else {
      file.extents.emplace(block, std::make_pair(device_block, blocks));
    }
    add(device_block, blocks);
    block += blocks;
  }
  file.size_bytes = std::max(file.size_bytes, offset_bytes + length_bytes);
  return segments;
}

}  // namespace foliosim::filesystem
