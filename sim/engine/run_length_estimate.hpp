// How long a scenario will run, in simulated seconds, for the progress bar.
// The true end is only known when the last job finishes, so outside run_for
// this is a guess.
#pragma once

#include "sim/input/scenario.hpp"

namespace foliosim {

struct RunLengthEstimate {
  double end_s = 0;
  // True when end_s is the scenario's run_for. Otherwise it is the latest job
  // start delay plus the larger of two bounds: each device's bytes (every
  // write job's, all clones) over its write bandwidth, and, for O_DIRECT
  // jobs, whose calls wait for the device one at a time, the calls of a clone
  // times (request latency + overhead + bs over bandwidth). It leaves out CPU
  // time, reclaim and throttling, so a CPU-bound run outlasts it.
  bool from_run_for = false;
};

RunLengthEstimate estimate_run_length(const Scenario& scenario);

}  // namespace foliosim
