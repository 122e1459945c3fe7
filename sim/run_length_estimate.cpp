#include "sim/run_length_estimate.hpp"

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
  double latest_start_s = 0;
  for (const auto& job : scenario.jobs) {
    if (job.rw != "write" && job.rw != "randwrite") continue;
    device_bytes[scenario.device_of(job)] +=
        static_cast<double>(job.write_calls()) * static_cast<double>(job.bs_bytes) * static_cast<double>(job.numjobs);
    latest_start_s = std::max(latest_start_s, job.startdelay_s);
  }
  double busiest_s = 0;
  for (std::size_t d = 0; d < device_bytes.size(); ++d)
    busiest_s = std::max(busiest_s, device_bytes[d] / scenario.devices[d].write_bandwidth_Bps);
  estimate.end_s = latest_start_s + busiest_s;
  return estimate;
}

}  // namespace foliosim
