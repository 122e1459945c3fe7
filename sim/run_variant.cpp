#include "sim/run_variant.hpp"

#include <chrono>

#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/engine/standstill.hpp"

namespace foliosim {

VariantOutput simulate_isolated(const Scenario& scenario, SharedSimClock* clock,
                                const std::function<void()>& while_waiting) {
  SharedSimClock own_clock;
  SharedSimClock& followed = clock ? *clock : own_clock;
  StandstillCheck standstill;
  const auto started = std::chrono::steady_clock::now();
  return VariantOutput::from_json(run_isolated(
      [&] {
        followed.follow_engine();
        return variant_output(simulate(scenario)).to_json();
      },
      [&] {
        if (while_waiting) while_waiting();
        const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
        standstill.observe(followed.seconds(), wall.count());
      }));
}

}  // namespace foliosim
