// A file that exists before the run (the scenario's "workload/files"): how
// its blocks were written and how much of it is cached at time 0. The state
// is set up directly in the filesystem and page-cache models, with no
// simulated writes: a benchmark's laid-out or earlier-read file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/param_fields.hpp"
#include "models/filesystem/filesystem.hpp"

namespace foliosim::workload {

inline constexpr ChoiceName<filesystem::Layout> kLayoutNames[] = {{"contiguous", filesystem::Layout::kContiguous},
                                                                  {"fragmented", filesystem::Layout::kFragmented},
                                                                  {"sparse", filesystem::Layout::kSparse},
                                                                  {"preallocated", filesystem::Layout::kPreallocated}};

// How much of the file is cached at the start: nothing, all of it, or
// [cached_offset, cached_offset + cached_length).
enum class CachedPart { kNone, kAll, kRange };
inline constexpr ChoiceName<CachedPart> kCachedPartNames[] = {
    {"none", CachedPart::kNone}, {"all", CachedPart::kAll}, {"range", CachedPart::kRange}};

// Clean (read in, or written back) or dirty (written, not yet written back:
// counted in the dirty limits and written back by the flusher).
enum class CacheState { kClean, kDirty };
inline constexpr ChoiceName<CacheState> kCacheStateNames[] = {{"clean", CacheState::kClean},
                                                              {"dirty", CacheState::kDirty}};

struct HoleSpec {
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;
  template <class F>
  void fields(F& f) {
    f.size("offset", offset_bytes);
    f.size("length", length_bytes, Bound::kPositive);
  }
};

struct FileSpec {
  // The file's name: a job's `filename` (or its default `<name>.<clone>`)
  // that names it works on it (required).
  std::string name;
  // i_size (required, positive).
  std::uint64_t size_bytes = 0;
  // The device whose filesystem holds it; by default the filesystem's.
  std::string device;
  // How its blocks lie on the device (filesystem::Layout). fragmented:
  // `extents` pieces scattered over the device (requests across them do not
  // merge); sparse: written but for `holes`; preallocated: unwritten
  // extents (fallocate), read as zeroes and converted when written back.
  filesystem::Layout layout = filesystem::Layout::kContiguous;
  std::uint64_t extents = 1;
  std::vector<HoleSpec> holes;
  // How much of it is in the page cache at the start, and in which state.
  CachedPart cached = CachedPart::kNone;
  std::uint64_t cached_offset_bytes = 0;
  std::uint64_t cached_length_bytes = 0;
  CacheState cache_state = CacheState::kClean;

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.require("size");
    f.size("size", size_bytes, Bound::kPositive);
    f.text("device", device);
    f.choice("layout", layout, kLayoutNames);
    f.count("extents", extents, Bound::kPositive);
    f.list("holes", holes);
    f.choice("cached", cached, kCachedPartNames);
    f.size("cached_offset", cached_offset_bytes);
    f.size("cached_length", cached_length_bytes);
    f.choice("cache_state", cache_state, kCacheStateNames);
  }

  // The cached byte range at the start (length 0: none).
  filesystem::ByteRange cached_range() const {
    switch (cached) {
      case CachedPart::kNone:
        return {0, 0};
      case CachedPart::kAll:
        return {0, size_bytes};
      case CachedPart::kRange:
        return {cached_offset_bytes, cached_length_bytes};
    }
    return {0, 0};
  }
  std::vector<filesystem::ByteRange> hole_ranges() const {
    std::vector<filesystem::ByteRange> out;
    for (const auto& h : holes) out.push_back({h.offset_bytes, h.length_bytes});
    return out;
  }
};

}  // namespace foliosim::workload
