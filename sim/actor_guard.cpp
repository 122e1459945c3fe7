#include "sim/actor_guard.hpp"

#include <exception>

namespace foliosim {

namespace {
// One simulation per process (see simulation.hpp), so one slot suffices.
std::string& failure() {
  static std::string message;
  return message;
}
}  // namespace

const std::string& actor_failure() { return failure(); }

simgrid::s4u::ActorPtr start_actor(const std::string& name, simgrid::s4u::Host* host, std::function<void()> body,
                                   ActorKind kind) {
  auto actor = simgrid::s4u::Actor::create(name, host, [name, body = std::move(body)] {
    try {
      body();
    } catch (const std::exception& e) {
      if (failure().empty()) failure() = name + ": " + e.what();
      simgrid::s4u::Actor::kill_all();
    }
  });
  if (kind == ActorKind::kDaemon) actor->daemonize();
  return actor;
}

}  // namespace foliosim
