// How one task's system calls vary around their calibrated CPU cost: per
// call, a lognormal factor of median 1 for each kind of work (cpu.*_sigma),
// and interruptions landing in its CPU busy time (machine.interrupt_*). Each
// task draws from its own stream, so adding a task never shifts another's
// draws.
#pragma once

#include <array>
#include <cmath>
#include <random>

#include "models/common/random_draws.hpp"
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
  double factor(Work work) const {
    const auto k = static_cast<std::size_t>(work);
    if (!known_[k]) {
      factor_[k] = std::exp(sigma_[k] * box_muller(uniforms_[k][0], uniforms_[k][1]));
      known_[k] = true;
    }
    return factor_[k];
  }
  // Seconds of stall added by the interruptions that land in the next
  // `busy_s` seconds of this task's CPU work.
  double interruptions(double busy_s);

 private:
  std::mt19937_64 rng_;
  std::array<double, static_cast<int>(Work::kCount)> sigma_;
  // A call draws its factors' uniforms in order, and works a factor out the
  // first time it is asked for (most calls use two kinds of work of three).
  std::array<std::array<double, 2>, static_cast<int>(Work::kCount)> uniforms_{};
  mutable std::array<double, static_cast<int>(Work::kCount)> factor_;
  mutable std::array<bool, static_cast<int>(Work::kCount)> known_{};
  double rate_hz_;
  double stall_mean_s_;
  double busy_to_next_s_ = 0;  // busy time left until the next interruption
};

}  // namespace foliosim::cpu
