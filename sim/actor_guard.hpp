// Starts actors whose exceptions end the run cleanly. An exception escaping an
// actor aborts SimGrid; a simulated machine that cannot go on (out of memory,
// device full) must instead stop the run and report why.
#pragma once

#include <functional>
#include <string>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Host.hpp>

namespace foliosim {

enum class ActorKind { kJob, kDaemon };

// Creates an actor running `body`. If `body` throws, the message is kept,
// every other actor is killed and the engine's run returns.
simgrid::s4u::ActorPtr start_actor(const std::string& name, simgrid::s4u::Host* host, std::function<void()> body,
                                   ActorKind kind);

// The first error an actor threw in this process's run, or "".
const std::string& actor_failure();

}  // namespace foliosim
