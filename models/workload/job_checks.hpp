// What a job may not ask of the kernel (or of the model), checked before it
// runs: each problem names the job option at fault, so the scenario reader
// can point at the JSON path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "models/workload/job_params.hpp"

namespace foliosim::workload {

struct JobProblem {
  const char* option;  // "stride", "bs", ...
  std::string message;
};

// The first problem of `job` on a filesystem of `block_bytes` blocks, if any.
std::optional<JobProblem> check_job(const JobParams& job, std::uint64_t block_bytes);

}  // namespace foliosim::workload
