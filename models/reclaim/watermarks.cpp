#include "models/reclaim/watermarks.hpp"

#include <algorithm>
#include <cmath>

namespace foliosim::reclaim {

Watermarks kernel_watermarks(std::uint64_t managed_pages, const ReclaimParams& params) {
  constexpr std::uint64_t kPageKiB = 4;
  std::uint64_t min_kib = params.min_free_bytes / 1024;
  if (min_kib == 0) {
    // calculate_min_free_kbytes: int_sqrt(lowmem_kbytes * 16), clamped.
    const auto lowmem_kib = static_cast<double>(managed_pages * kPageKiB);
    min_kib = static_cast<std::uint64_t>(std::sqrt(lowmem_kib * 16));
    min_kib = std::clamp<std::uint64_t>(min_kib, 128, 262144);
  }
  Watermarks w{};
  w.min_pages = min_kib / kPageKiB;
  // The gap between watermarks: the larger of min/4 and
  // managed * watermark_scale_factor / 10000.
  const std::uint64_t step = std::max(w.min_pages / 4, managed_pages * params.watermark_scale_factor / 10000);
  w.low_pages = w.min_pages + step;
  w.high_pages = w.low_pages + step;
  return w;
}

}  // namespace foliosim::reclaim
