// Which SimGrid context factory runs the actors. Raw contexts switch about 100x
// faster than threads (DESIGN.md 5) and are the default; ASan reports a false
// stack overflow whenever an exception unwinds an actor on raw contexts, so
// sanitizer runs pick thread or ucontext contexts with FOLIOSIM_CONTEXTS.
#pragma once

#include <string>

namespace foliosim {

// "raw" when FOLIOSIM_CONTEXTS is unset or empty, else its value, which must be
// thread, raw or ucontext (InternalError otherwise: not a scenario's fault).
std::string context_factory();

// Sets the factory on the engine just created, before any actor starts.
void use_context_factory();

}  // namespace foliosim
