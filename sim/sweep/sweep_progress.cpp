#include "sim/sweep/sweep_progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace foliosim {

SweepProgress::SweepProgress(std::size_t total, std::size_t done_before)
    : total_(total), done_before_(done_before), terminal_(isatty(STDERR_FILENO) == 1) {}

std::string wall_duration(double seconds) {
  char text[32];
  const auto whole = static_cast<long long>(seconds + 0.5);
  if (seconds < 60)
    std::snprintf(text, sizeof text, "%.1f s", seconds);
  else if (whole < 3600)
    std::snprintf(text, sizeof text, "%lldm%02llds", whole / 60, whole % 60);
  else
    std::snprintf(text, sizeof text, "%lldh%02lldm", whole / 3600, whole / 60 % 60);
  return text;
}

void SweepProgress::draw(std::size_t ran, std::size_t failed, std::size_t running) {
  if (!terminal_) return;
  const std::size_t finished = done_before_ + ran;
  constexpr std::size_t kWidth = 20;
  const std::size_t filled = total_ == 0 ? kWidth : finished * kWidth / total_;
  std::string line = "\rsweep [" + std::string(filled, '#') + std::string(kWidth - filled, '-') + "] " +
                     std::to_string(finished) + "/" + std::to_string(total_) + " done, " + std::to_string(failed) +
                     " failed, " + std::to_string(running) + " running";
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const std::size_t left = total_ - finished - failed;
  if (ran + failed > 0) line += ", ~" + wall_duration(elapsed_s / double(ran + failed) * double(left)) + " left";
  std::cerr << line << "\033[K" << std::flush;
  drawn_ = true;
}

void SweepProgress::interject(const std::string& message) {
  if (drawn_) std::cerr << "\r\033[K";
  std::cerr << message << "\n";
}

void SweepProgress::finish(std::size_t ran, std::size_t failed) {
  if (drawn_) std::cerr << "\r\033[K";
  const double elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::cerr << "sweep: ran " << ran << " point" << (ran == 1 ? "" : "s") << " in " << wall_duration(elapsed_s) << " ("
            << done_before_ << " done before), " << failed << " failed\n";
}

}  // namespace foliosim
