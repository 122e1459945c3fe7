// Scenario section "page_cache".
#pragma once

#include <cstdint>
#include <string>

#include "models/common/param_fields.hpp"

namespace foliosim::page_cache {

// RWF_DONTCACHE writes (the `dontcache` I/O mode).
// Who submits the writeback a dontcache write kicks for its range: "inline"
// in the writer (filemap_fdatawrite_range_kick, as merged) or "flusher"
// (handed to the writeback daemon, the 2026 proposal).
enum class DontcacheKick { kInline, kFlusher };
inline constexpr ChoiceName<DontcacheKick> kDontcacheKickNames[] = {{"inline", DontcacheKick::kInline},
                                                                    {"flusher", DontcacheKick::kFlusher}};

// The range kicked: "written" (the posted series, and the kernel since
// commit 8510edf191d2) or "after_write" (6.14 as merged: the range after
// the one just written, so nothing written is kicked).
enum class DontcacheKickRange { kWritten, kAfterWrite };
inline constexpr ChoiceName<DontcacheKickRange> kDontcacheKickRangeNames[] = {
    {"written", DontcacheKickRange::kWritten}, {"after_write", DontcacheKickRange::kAfterWrite}};

// A drop-behind folio whose writeback failed (EIO) is clean: "drop" prunes
// it as any other (its data is then lost), "keep" leaves it cached.
enum class DropbehindOnError { kDrop, kKeep };
inline constexpr ChoiceName<DropbehindOnError> kDropbehindOnErrorNames[] = {{"drop", DropbehindOnError::kDrop},
                                                                            {"keep", DropbehindOnError::kKeep}};

// Where a writeback error of a dontcache write is reported: "fsync" (the
// errseq: the next fsync returns EIO) or "write" (also the writer's next
// dontcache write on the file).
enum class DontcacheErrorReport { kFsync, kWrite };
inline constexpr ChoiceName<DontcacheErrorReport> kDontcacheErrorReportNames[] = {
    {"fsync", DontcacheErrorReport::kFsync}, {"write", DontcacheErrorReport::kWrite}};

struct PageCacheParams {
  // Large folios: a write's folio size follows its length (fgf_set_order) up
  // to max_folio_size; off, every folio is one 4 KiB page.
  bool large_folios = true;
  std::uint64_t max_folio_bytes = 2ULL << 20;  // PMD order on x86-64; at least 4 KiB
  // Memory used by everything but the page cache (kernel, other processes).
  std::uint64_t other_memory_bytes = 1ULL << 30;
  // Limit on the workload's page cache, as a memory cgroup's memory.max;
  // 0 means no limit.
  std::uint64_t memory_limit_bytes = 0;
  // What else the workload's memory cgroup is charged, counted against
  // memory_limit: its processes' own pages and kernel objects.
  std::uint64_t cgroup_other_memory_bytes = 0;
  // Runs of one file that touch and share a state merge when they are at
  // most this many runs apart on their LRU list; the merged run takes the
  // file-lower run's place, so up to this many runs' pages change LRU
  // position. 0 keeps the exact LRU order (only LRU-adjacent runs merge).
  // (Simulator speed: interleaved writers otherwise leave one run per folio.)
  std::uint64_t lru_merge_window_runs = 0;

  // RWF_DONTCACHE writes (the `dontcache` I/O mode): see the enums above.
  DontcacheKick dontcache_kick = DontcacheKick::kInline;
  DontcacheKickRange dontcache_kick_range = DontcacheKickRange::kWritten;
  DropbehindOnError dropbehind_on_error = DropbehindOnError::kDrop;
  DontcacheErrorReport dontcache_error_report = DontcacheErrorReport::kFsync;

  template <class F>
  void fields(F& f) {
    f.flag("large_folios", large_folios);
    f.size("max_folio_size", max_folio_bytes, Bound::at_least(kMinBlockBytes));
    f.size("other_memory", other_memory_bytes);
    f.size("memory_limit", memory_limit_bytes);
    f.size("cgroup_other_memory", cgroup_other_memory_bytes);
    f.count("lru_merge_window_runs", lru_merge_window_runs);
    f.choice("dontcache_kick", dontcache_kick, kDontcacheKickNames);
    f.choice("dontcache_kick_range", dontcache_kick_range, kDontcacheKickRangeNames);
    f.choice("dropbehind_on_error", dropbehind_on_error, kDropbehindOnErrorNames);
    f.choice("dontcache_error_report", dontcache_error_report, kDontcacheErrorReportNames);
  }
};

}  // namespace foliosim::page_cache
