#include "models/cpu/call_spread.hpp"

namespace foliosim::cpu {

CallSpread::CallSpread(const CpuCostParams& costs, const MachineParams& machine, std::mt19937_64 rng)
    : rng_(std::move(rng)),
      sigma_{costs.call_sigma, costs.copy_sigma, costs.dio_setup_sigma},
      rate_hz_(machine.interrupt_rate_hz),
      stall_mean_s_(machine.interrupt_stall_s) {
  factor_.fill(1.0);
  known_.fill(true);
  if (rate_hz_ > 0) busy_to_next_s_ = exponential(rng_, 1.0 / rate_hz_);
}

void CallSpread::begin_call() {
  // As median_one_lognormal: no draw for a sigma of 0.
  for (std::size_t k = 0; k < factor_.size(); ++k) {
    known_[k] = sigma_[k] <= 0;
    if (known_[k]) {
      factor_[k] = 1.0;
      continue;
    }
    uniforms_[k][0] = uniform_open01(rng_);
    uniforms_[k][1] = uniform_open01(rng_);
  }
}

double CallSpread::interruptions(double busy_s) {
  if (rate_hz_ <= 0) return 0;
  double stall_s = 0;
  // Exponential gaps between interruptions: a Poisson process in busy time.
  while (busy_to_next_s_ <= busy_s) {
    busy_s -= busy_to_next_s_;
    stall_s += exponential(rng_, stall_mean_s_);
    busy_to_next_s_ = exponential(rng_, 1.0 / rate_hz_);
  }
  busy_to_next_s_ -= busy_s;
  return stall_s;
}

}  // namespace foliosim::cpu
