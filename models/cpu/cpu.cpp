#include "models/cpu/cpu.hpp"

#include <simgrid/s4u/Actor.hpp>

namespace foliosim::cpu {

const char* component_name(Component component) {
  switch (component) {
    case Component::kWriters: return "writers";
    case Component::kCompletion: return "completion";
    case Component::kFlusher: return "flusher";
    case Component::kKswapd: return "kswapd";
    case Component::kCount: break;
  }
  return "?";
}

Cpu::Cpu(simgrid::s4u::NetZone* zone, const MachineParams& machine, const CpuCostParams& costs)
    : costs_(costs),
      machine_(machine),
      speed_ratio_(costs.reference_speed_hz / machine.cpu_speed_hz),
      cores_(machine.cpus) {
  // One flop per cycle: an execution of N flops takes N cycles of one core.
  host_ = zone->create_host("cpu", machine.cpu_speed_hz)->set_core_count(static_cast<int>(machine.cpus))->seal();
}

void Cpu::run(Component component, double reference_s) {
  if (reference_s <= 0) return;
  stats_.busy_s[static_cast<int>(component)] += scaled_s(reference_s);
  if (uncontended_) {
    simgrid::s4u::this_actor::sleep_for(scaled_s(reference_s));
    return;
  }
  // reference_s at reference speed is reference_s * reference_speed cycles.
  simgrid::s4u::this_actor::execute(reference_s * costs_.reference_speed_hz);
}

void Cpu::spin(Component component, double seconds) {
  if (seconds <= 0) return;
  stats_.busy_s[static_cast<int>(component)] += seconds;
  simgrid::s4u::this_actor::sleep_for(seconds);
}

}  // namespace foliosim::cpu
