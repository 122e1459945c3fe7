// Files and where their blocks live on the device. Blocks are allocated on
// first write, in the order they are written, from one cursor per device, so a
// sequentially written file is contiguous and interleaved writers fragment.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "models/filesystem/filesystem_params.hpp"

namespace foliosim::page_cache {
class FileCache;
}

namespace foliosim::filesystem {

// A run of file bytes mapped to contiguous device bytes.
struct Segment {
  std::uint64_t device_offset_bytes;
  std::uint64_t length_bytes;
};

struct File {
  std::string name;
  std::uint64_t size_bytes = 0;  // i_size
  // file block -> (device block, block count), extents never overlap.
  std::map<std::uint64_t, std::pair<std::uint64_t, std::uint64_t>> extents;
  // The file's pages in the page cache (its address_space).
  page_cache::FileCache* cache = nullptr;
};

class Filesystem {
 public:
  Filesystem(const FilesystemParams& params, std::uint64_t device_capacity_bytes);

  const FilesystemParams& params() const { return params_; }
  File& open(const std::string& name);

  // Device segments backing [offset, offset + length) of `file`, allocating
  // blocks for holes. Adjacent segments are coalesced. Throws
  // std::runtime_error when the device is full (ENOSPC).
  std::vector<Segment> map_for_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes);
  // Every file opened so far, by name.
  const std::map<std::string, std::unique_ptr<File>>& files() const { return files_; }
  std::uint64_t allocated_bytes() const { return next_free_block_ * params_.block_bytes; }

 private:
  FilesystemParams params_;
  std::uint64_t capacity_blocks_;
  std::uint64_t next_free_block_ = 0;
  std::map<std::string, std::unique_ptr<File>> files_;
};

}  // namespace foliosim::filesystem
