// Runs a piece of simulation in a child process. SimGrid allows one engine per
// process and keeps its clock across engines, so each run gets a fresh process.
#pragma once

#include <functional>

#include "models/common/errors.hpp"
#include "sim/input/json_fields.hpp"

namespace foliosim {

// Calls `body` in a forked child and returns what it returned. An exception
// in the child comes back with its kind: a SimulatedFailure as a
// SimulatedFailure, anything else (a bug) as an InternalError, with its
// message; a child that dies without answering is an InternalError too. While
// the child runs, `while_waiting` (if set) is called about every
// `wait_tick_s` seconds of wall time, in this process (for a progress bar);
// if it throws, the child is killed and reaped and the exception goes on.
// On SIGINT or SIGTERM (interruption.hpp) it kills and reaps the child and
// throws Interrupted; the child dies with this process however it ends.
Json run_isolated(const std::function<Json()>& body, const std::function<void()>& while_waiting = {},
                  double wait_tick_s = 0.1);

}  // namespace foliosim
