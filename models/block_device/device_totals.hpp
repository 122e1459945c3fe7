// What a machine's devices have done so far, summed as it happens: a sample
// of the machine reads three numbers instead of walking every device (the
// memory meter samples at each new page-cache peak, every write call while
// the cache fills; Axboe's machine has 32 devices).
#pragma once

#include <cstdint>

namespace foliosim::block_device {

struct DeviceTotals {
  std::uint64_t write_bytes = 0;      // as DeviceStats::write_bytes, every device
  std::uint64_t read_bytes = 0;       // as DeviceStats::read_bytes
  std::uint64_t queued_requests = 0;  // waiting or in service
};

}  // namespace foliosim::block_device
