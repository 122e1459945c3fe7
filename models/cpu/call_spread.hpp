// How one task's system calls vary around their calibrated CPU cost: per
// call, a lognormal factor of median 1 for each kind of work (cpu.*_sigma),
// and interruptions landing in its CPU busy time (machine.interrupt_*). Each
// task draws from its own stream, so adding a task never shifts another's
// draws.
#pragma once

#include <array>
#include <random>

#include "models/cpu/cpu_params.hpp"

namespace foliosim::cpu {

// The kinds of CPU work a call's factors are drawn for (one sigma each).
enum class Work { kCode, kCopy, kDioSetup, kCount };

class CallSpread {
 public:
  CallSpread(const CpuCostParams& costs, const MachineParams& machine, std::mt19937_64 rng);

  // A new system call: draws its factors.
  void begin_call();
  // The current call's factor on work of kind `work`.
  double factor(Work work) const { return factor_[static_cast<int>(work)]; }
  // Seconds of stall added by the interruptions that land in the next
  // `busy_s` seconds of this task's CPU work.
  double interruptions(double busy_s);

 private:
  std::mt19937_64 rng_;
  std::array<double, static_cast<int>(Work::kCount)> sigma_;
  std::array<double, static_cast<int>(Work::kCount)> factor_;
  double rate_hz_;
  double stall_mean_s_;
  double busy_to_next_s_ = 0;  // busy time left until the next interruption
};

}  // namespace foliosim::cpu
