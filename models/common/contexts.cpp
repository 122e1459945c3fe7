#include "models/common/contexts.hpp"

#include <cstdlib>

#include <simgrid/s4u/Engine.hpp>

#include "models/common/errors.hpp"

namespace foliosim {

std::string context_factory() {
  const char* chosen = std::getenv("FOLIOSIM_CONTEXTS");
  const std::string name = chosen ? chosen : "";
  if (name.empty()) return "raw";
  if (name == "thread" || name == "raw" || name == "ucontext") return name;
  throw InternalError("FOLIOSIM_CONTEXTS must be thread, raw or ucontext, got \"" + name + "\"");
}

void use_context_factory() { simgrid::s4u::Engine::set_config("contexts/factory:" + context_factory()); }

}  // namespace foliosim
