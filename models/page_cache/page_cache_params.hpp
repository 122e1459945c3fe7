// Scenario section "page_cache".
#pragma once

#include <cstdint>

#include "sim/json_fields.hpp"

namespace foliosim::page_cache {

struct PageCacheParams {
  // Large folios: a write's folio size follows its length (fgf_set_order) up
  // to max_folio_size; off, every folio is one 4 KiB page.
  bool large_folios = true;
  std::uint64_t max_folio_bytes = 2ULL << 20;  // PMD order on x86-64
  // Memory used by everything but the page cache (kernel, other processes).
  std::uint64_t other_memory_bytes = 1ULL << 30;
  // Limit on the workload's page cache, as a memory cgroup's memory.max;
  // 0 means no limit.
  std::uint64_t memory_limit_bytes = 0;

  template <class F>
  void fields(F& f) {
    f.flag("large_folios", large_folios);
    f.size("max_folio_size", max_folio_bytes, Bound::kPositive);
    f.size("other_memory", other_memory_bytes);
    f.size("memory_limit", memory_limit_bytes);
  }
};

}  // namespace foliosim::page_cache
