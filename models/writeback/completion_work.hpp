// The filesystem's completion work item: XFS's xfs_end_io, ext4's
// ext4_end_io_rsv_work. A bio whose ioend needs task context (unwritten
// extents to convert, an i_size to log, drop-behind folios to free) puts the
// ioend on a list and queues the work; the ioend's folios leave writeback
// only when a kworker runs it. The first ioend queued to an idle work item
// wakes a kworker, which takes every ioend queued until it runs (both
// handlers splice the whole list): one wake-up latency a run, not an ioend.
// The run's CPU is charged as completion work where the bio ends and does
// not delay the ends (models/README.md, "Completion work").
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/random_draws.hpp"
#include "models/common/random_streams.hpp"

namespace foliosim::writeback {

template <class Ioend>
class CompletionWork {
 public:
  // `end` ends one ioend at a time. A run's wake-up latency is a lognormal of median
  // `latency_s` and shape `sigma`; 0 ends each ioend at once, where its bio
  // completes.
  CompletionWork(double latency_s, double sigma, std::uint64_t seed,
                 std::function<void(const Ioend&, double ended_s)> end)
      : latency_s_(latency_s), sigma_(sigma), seed_(seed), end_(std::move(end)) {}
  ~CompletionWork() {
    // The engine's timers outlive the run (a static heap).
    if (timer_) timer_->remove();
  }
  CompletionWork(const CompletionWork&) = delete;
  CompletionWork& operator=(const CompletionWork&) = delete;

  // An ioend's bio completed at `completed_s` (device completions may be
  // applied once the clock has passed them: lazy_completions.hpp).
  // The wake-up is drawn from `key` (the file and the ioend's first page), not
  // from a stream: an ioend gets the same draw whichever ioends before it
  // shared a run, so simulator-speed options that move completions by a
  // nanosecond do not shift every later draw.
  void queue(const Ioend& ioend, double completed_s, std::uint64_t key) {
    // No lag, or completed before a run that has ended (applied late): it
    // was on that run's list.
    if (latency_s_ <= 0 || completed_s < last_run_s_) {
      end_(ioend, std::max(completed_s, last_run_s_));
      return;
    }
    // Completed after the due run (applied ahead of the clock): that run came first.
    run_due(completed_s);
    queued_.push_back(ioend);
    if (timer_) return;  // a run is due: the ioend joins it
    const std::uint64_t h1 = mix64(seed_ ^ key), h2 = mix64(h1);
    const double normal = box_muller(uniform_open01(h1), uniform_open01(h2));
    const double run_s = completed_s + latency_s_ * std::exp(sigma_ * normal);
    // Due already: run before any task runs at the clock, as a lazy completion is.
    if (run_s <= simgrid::s4u::Engine::get_clock()) {
      run(run_s);
    } else {
      due_s_ = run_s;
      timer_ = simgrid::kernel::timer::Timer::set(run_s, [this] {
        timer_ = nullptr;  // the engine frees a timer once run
        run(due_s_);
      });
    }
  }

  // Runs the due run now if it is due by `now_s`: a task ahead of the clock
  // (BlockDevice::may_submit_at) finds its folios as they are at its time.
  void run_due(double now_s) {
    if (!timer_ || due_s_ > now_s) return;
    timer_->remove();
    timer_ = nullptr;
    run(due_s_);
  }

  // Ioends queued and not yet ended.
  std::size_t queued() const { return queued_.size(); }

 private:
  void run(double run_s) {
    last_run_s_ = run_s;
    running_.swap(queued_);
    for (const Ioend& ioend : running_) end_(ioend, run_s);
    running_.clear();
  }

  double latency_s_;
  double sigma_;
  std::uint64_t seed_;
  std::function<void(const Ioend&, double ended_s)> end_;
  double last_run_s_ = -1;
  double due_s_ = 0;  // the timer's
  std::vector<Ioend> queued_;
  std::vector<Ioend> running_;  // the run's list, kept for its capacity
  simgrid::kernel::timer::Timer* timer_ = nullptr;
};

}  // namespace foliosim::writeback
