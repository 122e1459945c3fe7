// The scenario's jobs run on the real kernel: one thread per job clone, the
// calls of models/workload/write_pattern (the simulator's own offsets), timed
// with CLOCK_MONOTONIC, the files' cache state from cachestat(2). This runs in
// foliosim-runner, a process of its own, so a memory cgroup can hold it alone.
#pragma once

#include <string>

#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim::record {

// RWF_DONTCACHE (include/uapi/linux/fs.h, Linux 6.14): older libc headers lack it.
inline constexpr int kRwfDontcache = 0x00000080;

struct RunnerTarget {
  std::string directory;    // where the job files are written (a mounted filesystem)
  std::string device_stat;  // /sys/block/<dev>/stat of the device under it
};

// One repetition's figures, named as in the simulator's summary.json:
// write_phase_s, write_calls, app_write_bytes, write_latency_us, fsync_calls,
// fsync_latency_us, device_write_bytes, device_write_requests,
// after_write_phase, peak_between_writes, after_fsync. Throws Refused when
// the kernel refuses a call the scenario needs (RWF_DONTCACHE, cachestat,
// O_DIRECT), std::runtime_error on any other failure to set up a file.
Json run_workload(const Scenario& scenario, const RunnerTarget& target);

// Nearest-rank percentile (the kernel reference's) of sorted `values`; 0 when empty.
double nearest_rank(const std::vector<double>& sorted_values, double percent);

// {"p50", "p90", "p99", "p999", "max", "mean"} of latencies in seconds, in us.
Json latency_figures_us(std::vector<double> latencies_s);

}  // namespace foliosim::record
