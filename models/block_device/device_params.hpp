// One block device: scenario section "devices" (an array of these).
#pragma once

#include <cstdint>
#include <string>

#include "sim/json_fields.hpp"

namespace foliosim::block_device {

struct DeviceParams {
  std::string name;
  double write_bandwidth_Bps = 3e9;
  double read_bandwidth_Bps = 3e9;
  // Fixed cost of each request (command, flash program, completion); requests
  // in flight overlap it, only the data transfer is serialised.
  double request_latency_s = 95e-6;
  // Requests the device services at once (nr_requests / NVMe queue depth).
  std::uint64_t queue_depth = 128;
  // Largest request the block layer builds (max_sectors_kb); larger I/O is
  // split, adjacent queued requests are merged up to it.
  std::uint64_t max_request_bytes = 1280ULL << 10;
  std::uint64_t capacity_bytes = 1ULL << 40;

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.rate("write_bandwidth", write_bandwidth_Bps);
    f.rate("read_bandwidth", read_bandwidth_Bps);
    f.duration("latency", request_latency_s);
    f.count("queue_depth", queue_depth, Bound::kPositive);
    f.size("max_request_size", max_request_bytes, Bound::kPositive);
    f.size("capacity", capacity_bytes, Bound::kPositive);
  }
};

}  // namespace foliosim::block_device
