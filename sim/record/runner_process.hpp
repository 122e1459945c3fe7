// Starts foliosim-runner for one repetition and waits for it, watching for
// SIGINT/SIGTERM (sim/engine/interruption): on one it kills the runner and
// throws Interrupted, so the guards above it unmount and detach what it wrote
// on. The runner also dies with foliosim (PR_SET_PDEATHSIG).
#pragma once

#include <string>

#include "sim/input/json_fields.hpp"

namespace foliosim::record {

// The runner executable: foliosim-runner next to `foliosim_binary`
// (/proc/self/exe), or $FOLIOSIM_RUNNER when set.
std::string runner_path(const std::string& foliosim_binary);

// Writes `spec` to `work_dir`/spec.json, runs the runner (in the cgroup whose
// cgroup.procs is `cgroup_procs`, unless empty) and returns its result. Throws
// Refused when the runner refused (exit 2), std::runtime_error with its
// stderr when it failed, Interrupted on a signal.
Json run_runner(const std::string& runner, const Json& spec, const std::string& work_dir,
                const std::string& cgroup_procs);

}  // namespace foliosim::record
