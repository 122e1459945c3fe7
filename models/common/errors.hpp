// The two ways a run can fail that are not the user's input (sim/input's
// ConfigError is that): the simulated machine could not go on, or the
// simulator is wrong. Kept apart as gem5 keeps fatal from panic, so a
// simulated ENOSPC and a broken invariant never look alike (exit 3 and 4).
#pragma once

#include <stdexcept>
#include <string>

namespace foliosim {

// The simulated machine cannot complete the workload: the device is full
// (ENOSPC), nothing is left to reclaim (out of memory). The scenario is
// valid; the machine it describes is too small for its jobs.
class SimulatedFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Our own bug: a broken invariant inside the simulator.
class InternalError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

// After a switch that returns for every value of an enum (so that a new value
// is a -Wswitch warning): only a value cast from outside the enum gets here.
[[noreturn]] inline void invalid_enum_value(const char* what) {
  throw InternalError(std::string("invalid ") + what + " value");
}

}  // namespace foliosim
