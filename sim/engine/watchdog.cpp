#include "sim/engine/watchdog.hpp"

#include <cstdio>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/errors.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

void Watchdog::watch() {
  std::uint64_t last = progress_();
  double last_change_s = sg4::Engine::get_clock();
  while (true) {
    sg4::this_actor::sleep_for(kStallS / 2);
    const double now = sg4::Engine::get_clock();
    const std::uint64_t progress = progress_();
    if (progress != last || !running_()) {
      last = progress;
      last_change_s = now;
      continue;
    }
    if (now - last_change_s < kStallS) continue;
    char when[96];
    std::snprintf(when, sizeof when, "no call returned and no request was dispatched from %.3f s to %.3f s",
                  last_change_s, now);
    std::string actors;
    for (const auto& actor : sg4::Engine::get_instance()->get_all_actors())
      actors += std::string(actors.empty() ? "" : ", ") + actor->get_cname();
    throw SimulatedFailure(std::string("the run stalled: ") + when + " with jobs running (a model bug: please report "
                           "it with resolved_scenario.json); actors: " + actors + "; " + state_());
  }
}

}  // namespace foliosim
