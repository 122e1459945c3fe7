#include "sim/run_variant.hpp"

#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"

namespace foliosim {

VariantOutput simulate_isolated(const Scenario& scenario, SharedSimClock* clock,
                                const std::function<void()>& while_waiting) {
  return VariantOutput::from_json(run_isolated(
      [&] {
        if (clock) clock->follow_engine();
        return variant_output(simulate(scenario)).to_json();
      },
      while_waiting));
}

}  // namespace foliosim
