// The progress of a sweep on stderr: points done, failed and running, and
// the time left at the pace so far. On a terminal one line redrawn in place;
// elsewhere (a log, a batch job) only the closing line and the failures.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace foliosim {

class SweepProgress {
 public:
  // `total` points, `done_before` of them done by an earlier run.
  SweepProgress(std::size_t total, std::size_t done_before);
  void draw(std::size_t ran, std::size_t failed, std::size_t running);
  // A message on a line of its own (the bar is redrawn after it).
  void interject(const std::string& message);
  // "sweep: ran 9 points in 4.2 s (3 done before), 0 failed".
  void finish(std::size_t ran, std::size_t failed);

 private:
  std::size_t total_, done_before_;
  bool terminal_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

// "1h02m", "3m05s", "12 s": a wall-clock duration for people.
std::string wall_duration(double seconds);

}  // namespace foliosim
