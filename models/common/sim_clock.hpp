// The simulated time of the work being done. It is the engine's clock, except
// while a device applies completions its actor did not wake for (issue #18,
// block_device/lazy_completions.hpp): the engine has already moved on, and
// what a completion records must carry the time it completed at.
#pragma once

#include <simgrid/s4u/Engine.hpp>

namespace foliosim {

namespace detail {
inline double clock_override_s = -1;  // < 0: none
}  // namespace detail

inline double sim_clock_s() {
  return detail::clock_override_s >= 0 ? detail::clock_override_s : simgrid::s4u::Engine::get_clock();
}

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
