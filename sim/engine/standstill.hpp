// Stops a run whose simulated clock stands still. The engine's own watchdog
// (watchdog.hpp) catches a machine in which nothing moves while time goes
// on; a model that loops without taking simulated time (a zero-delay
// wake-up cycle, a livelock) never reaches it, and would hang the command.
// The parent, which follows the child's clock, calls observe() while it
// waits.
#pragma once

namespace foliosim {

class StandstillCheck {
 public:
  // Wall seconds the simulated clock may stand still. Far beyond what one
  // simulated instant takes: even the largest scenario's events at one
  // moment take well under a second of wall time.
  static constexpr double kLimitWallS = 120;

  explicit StandstillCheck(double limit_wall_s = kLimitWallS) : limit_wall_s_(limit_wall_s) {}

  // The child's simulated clock at wall time `wall_s` (seconds since any
  // fixed start); throws SimulatedFailure once it has stood still for the limit.
  void observe(double sim_s, double wall_s);

 private:
  double limit_wall_s_;
  bool seen_ = false;
  double last_sim_s_ = 0;
  double since_wall_s_ = 0;  // when the clock last moved
};

}  // namespace foliosim
