// blk-wbt's depths at a scale step (block/blk-rq-qos.c rq_depth_calc_max_depth,
// block/blk-wbt.c calc_wb_limits): what debugfs rqos/wbt shows as wb_normal
// and wb_background, and what a step recorded that way stands for.
#pragma once

#include <cstdint>

namespace foliosim::block_device {

struct WbtDepths {
  std::uint64_t max_depth = 0, wb_normal = 0, wb_background = 0;
  bool at_max = false;  // scaling up hit the ceiling (3/4 of the queue)
};

WbtDepths wbt_depths(std::uint64_t queue_depth, int scale_step);

}  // namespace foliosim::block_device
