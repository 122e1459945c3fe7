// The simulated time. engine_clock_s() is the engine's clock read from
// memory: SimGrid's get_clock() is a library call through the model
// checker's tests, made about ten times a write call (issue #18). The copy is
// kept by the engine's own time signal, which fires wherever the clock moves.
// sim_clock_s() is the time of the work being done: the engine's clock,
// except while a device applies completions its actor did not wake for
// (block_device/lazy_completions.hpp): the engine has already moved on, and
// what a completion records must carry the time it completed at.
#pragma once

#include <functional>

namespace foliosim {

namespace detail {
inline double engine_now_s = 0;       // kept by follow_engine_clock()
inline double clock_override_s = -1;  // < 0: none
}  // namespace detail

// Makes engine_clock_s() follow the engine's clock: call once the engine
// exists, before it runs (one engine a process, as SimGrid allows).
void follow_engine_clock();

// Runs `advanced` each time the engine's clock moves on, after
// engine_clock_s() has, before the actors woken for the new time run.
void on_engine_clock_advance(std::function<void()> advanced);

inline double engine_clock_s() { return detail::engine_now_s; }

inline double sim_clock_s() { return detail::clock_override_s >= 0 ? detail::clock_override_s : engine_clock_s(); }

// For one scope, sim_clock_s() is `at_s`.
class ClockOverride {
 public:
  explicit ClockOverride(double at_s) : saved_(detail::clock_override_s) { detail::clock_override_s = at_s; }
  ~ClockOverride() { detail::clock_override_s = saved_; }
  ClockOverride(const ClockOverride&) = delete;
  ClockOverride& operator=(const ClockOverride&) = delete;

 private:
  double saved_;
};

}  // namespace foliosim
