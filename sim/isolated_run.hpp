// Runs a piece of simulation in a child process. SimGrid allows one engine per
// process and keeps its clock across engines, so each run gets a fresh process.
#pragma once

#include <functional>
#include <stdexcept>

#include "sim/json_fields.hpp"

namespace foliosim {

// The run went wrong inside the simulated machine (device full, ...): the
// scenario is valid but cannot complete.
class SimulationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Calls `body` in a forked child and returns what it returned. An exception
// in the child comes back as a SimulationError carrying its message. While
// the child runs, `while_waiting` (if set) is called about every
// `wait_tick_s` seconds of wall time, in this process (for a progress bar).
Json run_isolated(const std::function<Json()>& body, const std::function<void()>& while_waiting = {},
                  double wait_tick_s = 0.1);

}  // namespace foliosim
