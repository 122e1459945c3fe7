// Starts actors whose exceptions end the run cleanly. An exception escaping an
// actor aborts SimGrid; a simulated machine that cannot go on (out of memory,
// device full) must instead stop the run and report why, and a bug in the
// simulator must still be told apart from it.
#pragma once

#include <functional>
#include <string>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Host.hpp>

namespace foliosim {

// A job's actor keeps the engine running until it ends; a daemon's does not.
enum class ActorKind { kJob, kDaemon };

// What ended a run early: SimulatedFailure (the machine could not go on) or
// anything else thrown (a bug: InternalError, std::bad_alloc, ...).
enum class FailureKind { kNone, kSimulated, kInternal };

struct ActorFailure {
  FailureKind kind = FailureKind::kNone;
  std::string message;  // "<actor name>: <what()>"
};

// Creates an actor running `body`. If `body` throws, the first such error is
// kept with its kind, every other actor is killed and the engine's run returns.
simgrid::s4u::ActorPtr start_actor(const std::string& name, simgrid::s4u::Host* host, std::function<void()> body,
                                   ActorKind kind);

// The first error an actor threw in this process's run (kind kNone if none).
const ActorFailure& actor_failure();

}  // namespace foliosim
