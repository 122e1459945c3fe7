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
// in the child comes back as a SimulationError carrying its message.
Json run_isolated(const std::function<Json()>& body);

}  // namespace foliosim
