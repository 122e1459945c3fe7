#include "sim/engine/standstill.hpp"

#include <cstdio>
#include <string>

#include "models/common/errors.hpp"

namespace foliosim {

void StandstillCheck::observe(double sim_s, double wall_s) {
  if (!seen_ || sim_s != last_sim_s_) {
    seen_ = true;
    last_sim_s_ = sim_s;
    since_wall_s_ = wall_s;
    return;
  }
  if (wall_s - since_wall_s_ < limit_wall_s_) return;
  char text[200];
  std::snprintf(text, sizeof text,
                "simulated time stood still at %.9g s for %.0f s of wall time: the model is in a loop that takes "
                "no simulated time (please report it, with the resolved scenario)",
                sim_s, wall_s - since_wall_s_);
  throw SimulatedFailure(text);
}

}  // namespace foliosim
