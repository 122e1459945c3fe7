// Zone watermarks from the kernel's formulas (__setup_per_zone_wmarks).
#pragma once

#include <cstdint>

#include "models/reclaim/reclaim_params.hpp"

namespace foliosim::reclaim {

struct Watermarks {
  std::uint64_t min_pages;
  std::uint64_t low_pages;   // kswapd wakes below this
  std::uint64_t high_pages;  // kswapd sleeps again at this
};

// For `managed_pages` of memory (one node, one zone).
Watermarks kernel_watermarks(std::uint64_t managed_pages, const ReclaimParams& params);

}  // namespace foliosim::reclaim
