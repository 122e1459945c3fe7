#include "sim/engine/run_length_estimate.hpp"

#include <algorithm>
#include <vector>

namespace foliosim {

RunLengthEstimate estimate_run_length(const Scenario& scenario) {
  RunLengthEstimate estimate;
  if (scenario.run_for_s > 0) {
    estimate.end_s = scenario.run_for_s;
    estimate.from_run_for = true;
    return estimate;
  }
  std::vector<double> device_bytes(scenario.devices.size(), 0);
  double latest_start_s = 0, slowest_s = 0;
  for (const auto& job : scenario.jobs) {
    if (job.reads()) continue;
    const auto& device = scenario.devices[scenario.device_of(job)];
    const double calls = job.expected_write_calls(device.write_bandwidth_Bps);
    const double bytes = calls * static_cast<double>(job.bs_bytes);
    device_bytes[scenario.device_of(job)] += bytes * static_cast<double>(job.numjobs);
    switch (job.mode) {
      case workload::IoMode::kBuffered:
      case workload::IoMode::kDontcache: break;
      case workload::IoMode::kDirect:  // one call at a time, each waiting for its request
        slowest_s = std::max(slowest_s, calls * (device.request_latency_s + device.request_overhead_s) +
                                            bytes / device.write_bandwidth_Bps);
        break;
    }
    latest_start_s = std::max(latest_start_s, job.startdelay_s);
  }
  for (std::size_t d = 0; d < device_bytes.size(); ++d)
    slowest_s = std::max(slowest_s, device_bytes[d] / scenario.devices[d].write_bandwidth_Bps);
  estimate.end_s = latest_start_s + slowest_s;
  return estimate;
}

}  // namespace foliosim
