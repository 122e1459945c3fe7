// Simulated CPUs: one SimGrid host with one core per CPU. Kernel work is an
// execution on that host, so runnable actors share the cores as threads do.
#pragma once

#include <array>

#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "models/cpu/cpu_params.hpp"

namespace foliosim::cpu {

// Who the CPU time is charged to, as reported in results (cpu_busy_s).
enum class Component { kWriters, kCompletion, kFlusher, kKswapd, kCount };
const char* component_name(Component component);

struct CpuStats {
  std::array<double, static_cast<int>(Component::kCount)> busy_s{};  // by component

  template <class F>
  void stats(F& f) const {
    f.group("cpu_busy_s", "CPU time by who it was charged to, in CPU-seconds", [&](auto& g) {
      for (int c = 0; c < static_cast<int>(Component::kCount); ++c)
        g.seconds(component_name(static_cast<Component>(c)), busy_s[c], "charged to this component");
    });
  }
};

class Cpu {
 public:
  Cpu(simgrid::s4u::NetZone* zone, const MachineParams& machine, const CpuCostParams& costs);

  simgrid::s4u::Host* host() const { return host_; }
  const CpuCostParams& costs() const { return costs_; }
  const MachineParams& machine() const { return machine_; }

  // Runs kernel work that takes `reference_s` on a reference-speed CPU, on the
  // calling actor's behalf; blocks the actor for as long as it takes when
  // shared with the other runnable actors.
  void run(Component component, double reference_s);

  // At most `actors` actors ever run kernel work. When that is no more than
  // the cores, no execution can share a core, so run() sleeps for the time
  // instead of creating a SimGrid execution (same times, no sharing solver).
  void set_max_runners(std::uint64_t actors) { uncontended_ = actors <= cores_; }

  // Busy-waits for `seconds` (a spinlock held by another CPU): the time is
  // CPU busy, but it is not shared with other work (a spinning task keeps
  // its core; the model assumes one is free).
  void spin(Component component, double seconds);

  // Charges work done in interrupt context: counted, but it delays no actor
  // (the time it steals from the interrupted CPU is not modelled).
  void account(Component component, double reference_s) {
    stats_.busy_s[static_cast<int>(component)] += scaled_s(reference_s);
  }

  // Seconds of CPU this machine spends on `reference_s` of reference work.
  double scaled_s(double reference_s) const { return reference_s * speed_ratio_; }
  // Reference work that takes `seconds` on this machine.
  double reference_s(double seconds) const { return seconds / speed_ratio_; }
  double busy_s(Component component) const { return stats_.busy_s[static_cast<int>(component)]; }
  const CpuStats& stats() const { return stats_; }

 private:
  simgrid::s4u::Host* host_;
  CpuCostParams costs_;
  MachineParams machine_;
  double speed_ratio_;  // reference speed / actual speed
  std::uint64_t cores_;
  bool uncontended_ = false;
  CpuStats stats_;
};

}  // namespace foliosim::cpu
