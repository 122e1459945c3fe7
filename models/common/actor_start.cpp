#include "models/common/actor_start.hpp"

#include <exception>

#include "models/common/errors.hpp"

namespace foliosim {

namespace {
// One simulation per process (see sim/engine/simulation.hpp), so one slot suffices.
ActorFailure& failure() {
  static ActorFailure first;
  return first;
}

void record(FailureKind kind, const std::string& name, const char* what) {
  if (failure().kind != FailureKind::kNone) return;
  failure() = {kind, name + ": " + what};
}
}  // namespace

const ActorFailure& actor_failure() { return failure(); }

simgrid::s4u::ActorPtr start_actor(const std::string& name, simgrid::s4u::Host* host, std::function<void()> body,
                                   ActorKind kind) {
  auto actor = simgrid::s4u::Actor::create(name, host, [name, body = std::move(body)] {
    try {
      body();
    } catch (const SimulatedFailure& e) {
      record(FailureKind::kSimulated, name, e.what());
      simgrid::s4u::Actor::kill_all();
    } catch (const std::exception& e) {
      record(FailureKind::kInternal, name, e.what());
      simgrid::s4u::Actor::kill_all();
    }
  });
  if (kind == ActorKind::kDaemon) actor->daemonize();
  return actor;
}

}  // namespace foliosim
