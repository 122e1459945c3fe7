// The one owner of the SimGrid engine: builds the machine of a scenario, starts
// its actors, runs it, and hands back what the models measured.
#pragma once

#include "sim/engine/variant_run.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {

// Runs `scenario` on a fresh engine in this process. SimGrid keeps global
// state across engines, so call it at most once per process (in a child of
// run_isolated). Throws SimulatedFailure when the simulated machine could not
// go on, InternalError when an actor hit a bug.
VariantRun simulate(const Scenario& scenario);

}  // namespace foliosim
