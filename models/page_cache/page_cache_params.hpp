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
  // to max_folio_size; off, every folio is one 4 KiB page. Per-folio costs
  // (allocation, dirtying, writeback, reclaim) are then paid per page, and
  // the simulator tracks more folios (slower).
  bool large_folios = true;
  // Largest folio a write makes. Default: PMD order on x86-64 (2 MiB); at
  // least 4 KiB. Smaller: more folios per byte, more per-folio cost.
  std::uint64_t max_folio_bytes = 2ULL << 20;
  // Memory used by everything but the page cache (kernel, other processes):
  // taken off machine.memory before the cache, so it lowers free memory, the
  // dirtyable memory the dirty thresholds are a ratio of, and how much the
  // cache holds before kswapd wakes.
  std::uint64_t other_memory_bytes = 1ULL << 30;
  // Limit on the workload's page cache, as a memory cgroup's limit (v2
  // memory.max, v1 memory.limit_in_bytes); 0 means no limit. Over it, the
  // writer reclaims within the cgroup and, with nothing clean to free, waits
  // for writeback (as cgroup v1 reclaim does); lower: more of that stalling.
  std::uint64_t memory_limit_bytes = 0;
  // What else the workload's memory cgroup is charged, counted against
  // memory_limit: its processes' own pages and kernel objects. Larger: less
  // room for the cache under the limit.
  std::uint64_t cgroup_other_memory_bytes = 0;
  // The memory cgroup of memory_limit is on cgroup v2 with the io controller
  // (as systemd machines run it), so it has its own writeback domain
  // (CONFIG_CGROUP_WRITEBACK): balance_dirty_pages holds its dirty and
  // under-writeback pages to dirty_ratio of what the cgroup may dirty (its
  // file pages and its headroom below the limit, mdtc_calc_avail), and
  // background writeback starts at dirty_background_ratio of it, whichever
  // domain, global or cgroup, is stricter. False: cgroup v1 (the kernel
  // reference's C6), where only the global limits throttle and the cgroup
  // fills with dirty pages until reclaim waits on writeback.
  bool cgroup_writeback = false;
  // Runs of one file that touch and share a state merge when they are at
  // most this many runs apart on their LRU list; the merged run takes the
  // file-lower run's place, so up to this many runs' pages change LRU
  // position. 0 keeps the exact LRU order (only LRU-adjacent runs merge).
  // Simulator speed, not kernel behaviour: interleaved writers otherwise
  // leave one run per folio; larger is faster and reclaims less exactly in
  // LRU order.
  std::uint64_t lru_merge_window_runs = 0;

  // RWF_DONTCACHE writes (the `dontcache` I/O mode); what each choice does:
  // the enums above. The defaults are today's kernel: an inline kick of the
  // written range (since commit 8510edf191d2), errors reported at fsync.
  // Who submits a dontcache write's writeback: the writer inline, or the
  // flusher (the writer then pays neither writepages nor blk-wbt's waits, and
  // its folios wait longer in the cache).
  DontcacheKick dontcache_kick = DontcacheKick::kInline;
  // Which range a dontcache write kicks: what it wrote, or (6.14 as merged)
  // the range after it.
  DontcacheKickRange dontcache_kick_range = DontcacheKickRange::kWritten;
  // Whether a drop-behind folio whose writeback failed is dropped (its data
  // lost) or kept cached.
  DropbehindOnError dropbehind_on_error = DropbehindOnError::kDrop;
  // Where a dontcache write's writeback error is reported: at fsync only,
  // or also at the writer's next dontcache write.
  DontcacheErrorReport dontcache_error_report = DontcacheErrorReport::kFsync;
  // A fault on a file mapping maps the cached pages of the aligned block of
  // this size around it too (do_fault_around; debugfs fault_around_bytes,
  // 64 KiB by default); 4 KiB: the faulting page alone, more faults.
  std::uint64_t fault_around_bytes = 64 << 10;

  template <class F>
  void fields(F& f) {
    f.flag("large_folios", large_folios);
    f.size("max_folio_size", max_folio_bytes, Bound::at_least(kMinBlockBytes));
    f.size("other_memory", other_memory_bytes);
    f.size("memory_limit", memory_limit_bytes);
    f.size("cgroup_other_memory", cgroup_other_memory_bytes);
    f.flag("cgroup_writeback", cgroup_writeback);
    f.count("lru_merge_window_runs", lru_merge_window_runs);
    f.choice("dontcache_kick", dontcache_kick, kDontcacheKickNames);
    f.choice("dontcache_kick_range", dontcache_kick_range, kDontcacheKickRangeNames);
    f.choice("dropbehind_on_error", dropbehind_on_error, kDropbehindOnErrorNames);
    f.choice("dontcache_error_report", dontcache_error_report, kDontcacheErrorReportNames);
    f.size("fault_around_bytes", fault_around_bytes, Bound::at_least(kMinBlockBytes));
  }
};

}  // namespace foliosim::page_cache
