// The progress bar of `foliosim run` on a terminal: simulated time against
// the scenario's (estimated) end, one line per variant, on stderr. The
// simulation runs in a child process, which publishes its clock through a
// SharedSimClock; the parent redraws while it waits.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>

#include "sim/engine/run_length_estimate.hpp"

namespace foliosim {

// One double of memory shared between this process and the children it forks
// afterwards.
class SharedSimClock {
 public:
  SharedSimClock();
  ~SharedSimClock();
  SharedSimClock(const SharedSimClock&) = delete;
  SharedSimClock& operator=(const SharedSimClock&) = delete;

  double seconds() const { return value_->load(std::memory_order_relaxed); }
  void reset() { value_->store(0, std::memory_order_relaxed); }
  // In the simulation child, before its engine runs: publish the engine's
  // clock at every time step. Passive (a SimGrid signal), so results do not
  // change.
  void follow_engine();

 private:
  std::atomic<double>* value_;
};

// "[1/2] qd128  [#####-----]  47%  0.056 of 0.119 s simulated", cut to
// `width` columns. `estimate` decides the wording: "~0.119 s" for a guess,
// and past a guessed end the bar stays at 99 % and says so.
std::string progress_line(std::size_t index, std::size_t count, const std::string& name, double sim_s,
                          const RunLengthEstimate& estimate, std::size_t width = 79);

class ProgressBar {
 public:
  // Draws only when stderr is a terminal, and only once the run has taken
  // longer than `delay_s` of wall time: quick runs stay quiet.
  explicit ProgressBar(std::size_t variants, double delay_s = 1.0);
  // Ends a line left open (a variant that failed), so errors start clean.
  ~ProgressBar();
  void start_variant(std::size_t index, const std::string& name, const RunLengthEstimate& estimate);
  void update(double sim_s);
  // Ends the variant's line (at 100 %) if it was drawn.
  void finish_variant(double sim_s);

 private:
  void draw(double sim_s);

  bool enabled_;
  double delay_s_;
  std::chrono::steady_clock::time_point started_;
  std::size_t count_;
  std::size_t index_ = 0;
  std::string name_;
  RunLengthEstimate estimate_;
  bool drawn_ = false;  // the current variant's line is on screen
};

}  // namespace foliosim
