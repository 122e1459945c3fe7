#include "models/common/contexts.hpp"

#include <cstdlib>

#include <simgrid/s4u/Engine.hpp>

#include "models/common/errors.hpp"

namespace foliosim {

std::string context_factory() {
  const char* chosen = std::getenv("FOLIOSIM_CONTEXTS");
  const std::string name = chosen ? chosen : "";
  if (name.empty()) return kDefaultContextFactory;
  if (name == "thread" || name == "raw" || name == "ucontext") return name;
  throw InternalError("FOLIOSIM_CONTEXTS must be thread, raw or ucontext, got \"" + name + "\"");
}

void use_context_factory() {
  // SimGrid builds its context factory in the engine's constructor: a setting
  // made after it is accepted, reported, and has no effect.
  if (simgrid::s4u::Engine::has_instance()) throw InternalError("the context factory is set before the engine exists");
  simgrid::s4u::Engine::set_config("contexts/factory:" + context_factory());
}

}  // namespace foliosim
