#include "sim/engine/simulation.hpp"


#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include "models/common/actor_start.hpp"
#include "models/common/contexts.hpp"
#include "models/common/errors.hpp"
#include "models/common/sim_clock.hpp"
#include "sim/engine/machine.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

VariantRun simulate(const Scenario& scenario) {
  // Results, not logs, are the output: keep SimGrid quiet.
  xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char program[] = "foliosim";
  char* argv[] = {program, nullptr};
  use_context_factory();
  sg4::Engine engine(&argc, argv);
  follow_engine_clock();

  auto* zone = sg4::create_full_zone("machine");
  Machine machine(scenario, zone);
  zone->seal();
  machine.start();
  engine.run();
  const ActorFailure& failure = actor_failure();
  if (failure.kind == FailureKind::kSimulated) throw SimulatedFailure(failure.message);
  if (failure.kind == FailureKind::kInternal) throw InternalError(failure.message);
  return machine.measured();
}

}  // namespace foliosim
