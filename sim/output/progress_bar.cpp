#include "sim/output/progress_bar.hpp"

#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <new>
#include <simgrid/s4u/Engine.hpp>
#include <stdexcept>

namespace foliosim {

static_assert(std::atomic<double>::is_always_lock_free, "the shared clock must not need a lock across processes");

SharedSimClock::SharedSimClock() {
  void* memory = mmap(nullptr, sizeof(std::atomic<double>), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
  value_ = new (memory) std::atomic<double>(0);
}

SharedSimClock::~SharedSimClock() { munmap(value_, sizeof(std::atomic<double>)); }

void SharedSimClock::follow_engine() {
  std::atomic<double>* value = value_;
  simgrid::s4u::Engine::on_time_advance_cb(
      [value](double) { value->store(simgrid::s4u::Engine::get_clock(), std::memory_order_relaxed); });
}

std::string progress_line(std::size_t index, std::size_t count, const std::string& name, double sim_s,
                          const RunLengthEstimate& estimate, std::size_t width) {
  const bool past_guess = !estimate.from_run_for && sim_s > estimate.end_s;
  double fraction = estimate.end_s > 0 ? sim_s / estimate.end_s : 0;
  fraction = std::clamp(fraction, 0.0, past_guess ? 0.99 : 1.0);

  constexpr std::size_t kBar = 20;  // fixed, so the line does not jump about
  const auto filled = static_cast<std::size_t>(fraction * kBar);
  char text[160];
  const std::string bar = std::string(filled, '#') + std::string(kBar - filled, '-');
  if (past_guess)
    std::snprintf(text, sizeof text, "[%zu/%zu] %-10.10s [%s] %3.0f%%  %.3g s simulated, guessed ~%.3g s", index + 1,
                  count, name.c_str(), bar.c_str(), fraction * 100, sim_s, estimate.end_s);
  else
    std::snprintf(text, sizeof text, "[%zu/%zu] %-10.10s [%s] %3.0f%%  %.3g of %s%.3g s simulated", index + 1, count,
                  name.c_str(), bar.c_str(), fraction * 100, sim_s, estimate.from_run_for ? "" : "~", estimate.end_s);
  std::string line = text;
  // A line wider than the terminal wraps, and \r then redraws only its end.
  if (line.size() > width) line.resize(width);
  return line;
}

ProgressBar::ProgressBar(std::size_t variants, double delay_s)
    : enabled_(isatty(STDERR_FILENO) == 1),
      delay_s_(delay_s),
      started_(std::chrono::steady_clock::now()),
      count_(variants) {}

ProgressBar::~ProgressBar() {
  if (drawn_) std::fputc('\n', stderr);
}

void ProgressBar::start_variant(std::size_t index, const std::string& name, const RunLengthEstimate& estimate) {
  index_ = index;
  name_ = name;
  estimate_ = estimate;
  drawn_ = false;
}

void ProgressBar::draw(double sim_s) {
  winsize size{};
  const std::size_t columns = ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0 ? size.ws_col : 80;
  const std::string line = progress_line(index_, count_, name_, sim_s, estimate_, columns - 1);
  // \r and erase-to-end-of-line: redraw in place, whatever was longer before.
  std::fprintf(stderr, "\r%s\033[K", line.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::update(double sim_s) {
  if (!enabled_) return;
  const double waited_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  if (waited_s > delay_s_) draw(sim_s);
}

void ProgressBar::finish_variant(double sim_s) {
  if (!enabled_ || !drawn_) return;
  RunLengthEstimate done{sim_s, true};  // the end is known now
  estimate_ = done;
  draw(sim_s);
  std::fputc('\n', stderr);
  drawn_ = false;
}

}  // namespace foliosim
