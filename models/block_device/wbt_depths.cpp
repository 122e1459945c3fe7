#include "models/block_device/wbt_depths.hpp"

#include <algorithm>

namespace foliosim::block_device {

namespace {
constexpr std::uint64_t kWbtDefaultDepth = 16;  // RWB_DEF_DEPTH
}  // namespace

WbtDepths wbt_depths(std::uint64_t queue_depth, int scale_step) {
  WbtDepths d;
  if (queue_depth == 1) {
    d.max_depth = scale_step > 0 ? 1 : 2;
    d.at_max = scale_step <= 0;
  } else {
    std::uint64_t depth = std::min(kWbtDefaultDepth, queue_depth);
    if (scale_step > 0) {
      depth = 1 + ((depth - 1) >> std::min(31, scale_step));
    } else if (scale_step < 0) {
      const std::uint64_t ceiling = 3 * queue_depth / 4;
      depth = 1 + ((depth - 1) << std::min(31, -scale_step));
      if (depth > ceiling) {
        depth = ceiling;
        d.at_max = true;
      }
    }
    d.max_depth = depth;
  }
  if (d.max_depth <= 2) {
    d.wb_normal = d.max_depth;
    d.wb_background = 1;
  } else {
    d.wb_normal = (d.max_depth + 1) / 2;
    d.wb_background = (d.max_depth + 3) / 4;
  }
  return d;
}

}  // namespace foliosim::block_device
