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
    bool failed = true;
    try {
      body();
      failed = false;
    } catch (const SimulatedFailure& e) {
      record(FailureKind::kSimulated, name, e.what());
    } catch (const std::exception& e) {
      record(FailureKind::kInternal, name, e.what());
    }
    // Outside the handler: kill_all is a simcall, and actors sharing a thread
    // (raw contexts) share its C++ runtime's record of exceptions being handled.
    if (failed) simgrid::s4u::Actor::kill_all();
  });
  if (kind == ActorKind::kDaemon) actor->daemonize();
  return actor;
}

}  // namespace foliosim
