#include "models/workload/job_checks.hpp"

#include "models/common/errors.hpp"

namespace foliosim::workload {

std::optional<JobProblem> check_job(const JobParams& job, std::uint64_t block_bytes) {
  if (job.size_bytes == 0 && job.number_ios == 0)
    return JobProblem{"size", "a job needs a size (bytes to write) or number_ios (write calls)"};
  if (job.stride_bytes != 0 && job.stride_bytes < job.bs_bytes)
    return JobProblem{"stride", "must be at least bs (" + std::to_string(job.bs_bytes) + " bytes), or absent"};
  if (job.random()) {
    if (job.stride_bytes != 0) return JobProblem{"stride", "applies to sequential I/O (rw \"write\" or \"read\") only"};
    if (job.size_bytes < job.bs_bytes) return JobProblem{"size", "randwrite needs a region (size) of at least bs"};
  }
  if (job.mmap && job.reads() && job.mode != IoMode::kBuffered)
    return JobProblem{"mode", "an mmap reader reads through page faults: its mode is buffered"};
  switch (job.mode) {
    case IoMode::kBuffered:
    case IoMode::kDontcache:
      return std::nullopt;
    case IoMode::kDirect:
      // iomap_dio_rw: O_DIRECT I/O must be aligned to the filesystem block
      // (the model's device blocks are no larger).
      if (job.bs_bytes % block_bytes)
        return JobProblem{"bs", "O_DIRECT needs bs to be a multiple of the filesystem block size"};
      if (job.offset_bytes % block_bytes)
        return JobProblem{"offset", "O_DIRECT needs offset to be a multiple of the filesystem block size"};
      if (job.stride_bytes % block_bytes)
        return JobProblem{"stride", "O_DIRECT needs stride to be a multiple of the filesystem block size"};
      if (!job.number_ios && job.size_bytes % job.bs_bytes)
        return JobProblem{"size", "O_DIRECT needs size to be a multiple of bs (the last write would be unaligned)"};
      return std::nullopt;
  }
  invalid_enum_value("mode");
}

}  // namespace foliosim::workload
