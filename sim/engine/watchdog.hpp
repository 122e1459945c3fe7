// Stops a run whose jobs are running but in which nothing moves. A model bug
// (a lost wake-up, a limit that never lets a request through) would
// otherwise leave writers pausing in balance_dirty_pages forever while the
// sampler fills memory; instead the run ends as one the simulated machine
// could not complete (exit 3), with the state that shows where it stuck.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace foliosim {

class Watchdog {
 public:
  // No progress for this long, with a job clone running, is a stall. Longer
  // than any pause the kernel makes a task take (max_pause is 200 ms) and
  // than a request takes on any device a scenario may describe.
  static constexpr double kStallS = 60;

  // `progress` only grows while anything moves (calls returned, requests
  // dispatched); `running` says whether a job clone is running; `state`
  // describes the machine for the error.
  Watchdog(std::function<std::uint64_t()> progress, std::function<bool()> running,
           std::function<std::string()> state)
      : progress_(std::move(progress)), running_(std::move(running)), state_(std::move(state)) {}

  // The body of a daemon actor: checks every kStallS / 2 of simulated time;
  // throws SimulatedFailure at a stall.
  void watch();

 private:
  std::function<std::uint64_t()> progress_;
  std::function<bool()> running_;
  std::function<std::string()> state_;
};

}  // namespace foliosim
