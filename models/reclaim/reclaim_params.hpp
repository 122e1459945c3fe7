// Scenario section "reclaim": watermarks (mm/page_alloc.c) and reclaim pacing.
#pragma once

#include <cstdint>

#include "sim/json_fields.hpp"

namespace foliosim::reclaim {

struct ReclaimParams {
  // min_free_kbytes; 0 means the kernel's formula sqrt(lowmem_kbytes * 16),
  // clamped to [128 KiB, 256 MiB].
  std::uint64_t min_free_bytes = 0;
  // watermark_scale_factor, in units of 0.01 % of memory (kernel default 10).
  std::uint64_t watermark_scale_factor = 10;
  // Pages a reclaim pass tries to free at least (SWAP_CLUSTER_MAX = 32).
  std::uint64_t batch_pages = 32;
  // How long reclaim that made no progress sleeps waiting for writeback
  // (reclaim_throttle, VMSCAN_THROTTLE_WRITEBACK: HZ/10).
  double throttle_timeout_s = 0.1;

  template <class F>
  void fields(F& f) {
    f.size("min_free", min_free_bytes);
    f.count("watermark_scale_factor", watermark_scale_factor);
    f.count("batch_pages", batch_pages, Bound::kPositive);
    f.duration("throttle_timeout", throttle_timeout_s, Bound::kPositive);
  }
};

}  // namespace foliosim::reclaim
