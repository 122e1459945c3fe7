// One variant, from its scenario to its results, in a process of its own:
// SimGrid allows one engine a process, so every variant gets a fresh one and
// the same seed gives the same results whatever ran before.
#pragma once

#include <functional>

#include "sim/input/scenario.hpp"
#include "sim/output/progress_bar.hpp"
#include "sim/output/variant_output.hpp"

namespace foliosim {

// Runs `scenario` in a forked child and returns its results. While it runs,
// `clock` (if given) follows the child's simulated time and `while_waiting`
// is called about every 0.1 s of wall time. Throws SimulatedFailure or
// InternalError as the child did, and SimulatedFailure, the child killed,
// when its simulated clock stands still (standstill.hpp).
VariantOutput simulate_isolated(const Scenario& scenario, SharedSimClock* clock = nullptr,
                                const std::function<void()>& while_waiting = {});

}  // namespace foliosim
