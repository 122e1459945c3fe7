// Which SimGrid context factory runs the actors. Raw contexts switch about 100x
// faster than threads (DESIGN.md 5) and are the default. ASan cannot follow
// raw or ucontext stack switches (Debian's SimGrid is built without its fiber
// annotations): it gives up unpoisoning the stack when an exception unwinds an
// actor (every actor's end does) and reports false errors after. So ASan
// builds default to thread contexts, where each actor has a thread's stack.
#pragma once

#include <string>

#if defined(__SANITIZE_ADDRESS__)  // GCC
#define FOLIOSIM_ASAN 1
#elif defined(__has_feature)  // clang
#if __has_feature(address_sanitizer)
#define FOLIOSIM_ASAN 1
#endif
#endif

namespace foliosim {

#ifdef FOLIOSIM_ASAN
inline constexpr bool kAsanBuild = true;
#else
inline constexpr bool kAsanBuild = false;
#endif

// The factory when FOLIOSIM_CONTEXTS is unset or empty.
inline constexpr const char* kDefaultContextFactory = kAsanBuild ? "thread" : "raw";

// kDefaultContextFactory when FOLIOSIM_CONTEXTS is unset or empty, else its
// value, which must be thread, raw or ucontext (InternalError otherwise: not a
// scenario's fault).
std::string context_factory();

// Sets the factory for the engine about to be created (InternalError if one
// exists already: it would ignore the setting).
void use_context_factory();

}  // namespace foliosim
