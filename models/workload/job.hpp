// A job clone as an application thread: it issues its write calls one after
// another on the simulated CPUs, timing each one, then an fsync if asked.
#pragma once

#include <cstdint>
#include <random>

#include <simgrid/s4u/Host.hpp>

#include <functional>

#include "models/vfs/buffered_io.hpp"
#include "models/vfs/direct_io.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/workload/job_params.hpp"
#include "models/workload/workload_stats.hpp"

namespace foliosim::workload {

// The kernel paths a job's calls go through.
struct KernelPaths {
  cpu::Cpu& cpu;
  filesystem::Filesystem& fs;
  vfs::DirectIo& direct_io;
  vfs::BufferedIo& buffered_io;
  writeback::Writeback& writeback;
  writeback::DirtyThrottle& throttle;
  // Called when this job's last write call has returned.
  std::function<void()> writes_done;
  // Clones past their start delay and not yet ended, all jobs.
  std::uint64_t& clones_running;
  // Called when the clone has ended (after its fsync): what later phases wait for.
  std::function<void()> clone_ended = {};
};

// Starts the actor of clone `clone` of `job` on the machine's CPUs: `rng`
// draws its write pattern, `spread_rng` how its calls vary (cpu::CallSpread).
// Its calls count in `stats` (all jobs) and in `own` (its job's).
void start_job(const JobParams& job, std::uint64_t clone, std::mt19937_64 rng, std::mt19937_64 spread_rng,
               KernelPaths kernel, WorkloadStats& stats, JobStats& own);

}  // namespace foliosim::workload
