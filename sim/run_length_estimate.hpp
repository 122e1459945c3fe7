// How long a scenario will run, in simulated seconds, for the progress bar.
// The true end is only known when the last job finishes, so outside run_for
// this is a guess.
#pragma once

#include "sim/scenario.hpp"

namespace foliosim {

struct RunLengthEstimate {
  double end_s = 0;
  // True when end_s is the scenario's run_for; else it is the bytes each
  // device must take (every write job's bytes on it, all clones) over its
  // write bandwidth, plus the latest job start delay. That ignores per-request
  // latency and CPU time, so a queue-depth-1 or CPU-bound run overshoots it.
  bool from_run_for = false;
};

RunLengthEstimate estimate_run_length(const Scenario& scenario);

}  // namespace foliosim
