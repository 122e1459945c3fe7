// Running a sweep's points on this machine: each point is one `foliosim run`
// of its input into its results directory, in a process of its own, at most
// `jobs` at once. A point that fails is reported (its output kept in
// logs/<id>.log) and the others go on; SIGINT or SIGTERM stops the running
// points (each removes its temporary directory) and throws Interrupted, and a
// rerun runs only the points not yet done.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/sweep_directory.hpp"

namespace foliosim {

struct LocalRunOutcome {
  std::size_t ran = 0;              // points run to completion now
  std::vector<std::string> failed;  // ids of the points that failed
};

// `pending`: indexes into plan.points of points not done; `foliosim_exe` the
// binary that runs them.
LocalRunOutcome run_points_locally(const SweepDirectory& dir, const SweepPlan& plan,
                                   const std::vector<std::size_t>& pending, unsigned jobs,
                                   const std::string& foliosim_exe);

// The running binary, for the runs it starts (here or on a Slurm node).
std::string own_executable();

}  // namespace foliosim
