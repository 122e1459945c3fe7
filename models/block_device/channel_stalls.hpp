// Stalls of the device's transfer channel that come from below the block
// layer: the host of a virtual machine holding its virtual disk's I/O (the
// reference loop device's backing file), a flash device's internal work.
// They arrive as a Poisson process in simulated time, whether or not the
// device is busy, each an exponential length: a stall that starts while a
// request is in the device (its latency or its transfer) holds it by its
// length, one under way when a request arrives holds it until it ends, one
// that starts and ends while the device holds nothing goes unseen.
// The timeline depends on the seed alone, not on the requests, so a
// different workload meets the same stalls.
#pragma once

#include <cstdint>
#include <random>
#include <utility>

#include "models/common/random_draws.hpp"

namespace foliosim::block_device {

class ChannelStalls {
 public:
  // rate_hz 0: no stalls. `rng`: the stream the timeline is drawn from.
  ChannelStalls(double rate_hz, double mean_s, std::mt19937_64 rng)
      : rate_hz_(rate_hz), mean_s_(mean_s), rng_(std::move(rng)) {
    if (rate_hz_ > 0) draw_after(0);
  }

  // When a request held by the device from `held_s` (its dispatch, or the
  // end of the transfer before it), whose transfer of `busy_s` may start at
  // `ready_s`, ends, with the stalls it meets on the way: a stall holds
  // the request's latency as it holds a transfer. Calls come in order of
  // `held_s`.
  double end_of(double held_s, double ready_s, double busy_s) {
    if (rate_hz_ <= 0) return ready_s + busy_s;
    const double held_for_s = ready_s - held_s + busy_s;  // without stalls
    while (stall_end_s() <= held_s) draw_after(stall_end_s());
    if (stall_at_s_ <= held_s) {  // under way: it holds the request until it ends
      held_s = stall_end_s();
      draw_after(held_s);
    }
    double end_s = held_s + held_for_s;
    while (stall_at_s_ < end_s) {
      end_s += stall_s_;
      draw_after(stall_end_s());
    }
    return end_s;
  }

 private:
  double stall_end_s() const { return stall_at_s_ + stall_s_; }
  void draw_after(double from_s) {
    stall_at_s_ = from_s + exponential(rng_, 1 / rate_hz_);
    stall_s_ = exponential(rng_, mean_s_);
  }

  double rate_hz_, mean_s_;
  std::mt19937_64 rng_;
  double stall_at_s_ = 0, stall_s_ = 0;  // the next stall (or the one under way)
};

}  // namespace foliosim::block_device
