// The filesystem's completion work item: XFS's xfs_end_io, ext4's
// ext4_end_io_rsv_work. A bio whose ioend needs task context (unwritten
// extents to convert, an i_size to log, drop-behind folios to free) puts the
// ioend on a list and queues the work; the ioend's folios leave writeback
// only when a kworker runs it. The first ioend queued to an idle work item
// wakes a kworker, which takes every ioend queued until it runs (both
// handlers splice the whole list): one wake-up latency a run, not an ioend.
// The run takes each ioend's CPU (`cpu_s` to queue) before it ends them
// all: one run ends its ioends together, at its end (models/README.md,
// "Machine").
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include <simgrid/kernel/Timer.hpp>

#include "models/block_device/lazy_completions.hpp"
#include "models/common/random_draws.hpp"
#include "models/common/random_streams.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::writeback {

template <class Ioend>
class CompletionWork {
 public:
  // `end` ends one ioend at a time. A run's wake-up latency is a lognormal
  // of median `latency_s` and shape `sigma`; 0 ends each ioend at once,
  // where its bio completes.
  CompletionWork(double latency_s, double sigma, std::uint64_t seed,
                 std::function<void(const Ioend&, double ended_s)> end)
      : latency_s_(latency_s), sigma_(sigma), seed_(seed), end_(std::move(end)) {}
  ~CompletionWork() { cancel_timer(); }  // the engine's timers outlive the run
  CompletionWork(const CompletionWork&) = delete;
  CompletionWork& operator=(const CompletionWork&) = delete;

  // Runs without an engine timer while no task waits for writeback, as the
  // device's completions do (lazy_completions.hpp): when the clock passes
  // the run, before any task runs at the new time. Without it, or while a
  // task watches, a timer wakes the engine at the run's time.
  void follow(block_device::LazyCompletions& lazy) {
    lazy_ = &lazy;
    lazy.follow({[this](double now_s) {
                   run_due(now_s);
                   if (pending_) lazy_->due(due_s_);
                 },
                 [this] { rouse(); }});
  }

  // An ioend's bio completed at `completed_s` (device completions may be
  // applied once the clock has passed them, or ahead of it for a task
  // ahead of the clock: lazy_completions.hpp, BlockDevice::may_submit_at).
  // The wake-up is drawn from `key` (the file and the ioend's first page), not
  // from a stream: an ioend gets the same draw whichever ioends before it
  // shared a run, so simulator-speed options that move completions by a
  // nanosecond do not shift every later draw. An ioend that completes while
  // the run is under way joins it: the work, queued again while it runs,
  // runs again at once (both handlers loop over their list).
  void queue(const Ioend& ioend, double completed_s, std::uint64_t key, double cpu_s = 0) {
    // No lag, or completed before a run that has ended (applied late): it
    // was on that run's list.
    if (latency_s_ <= 0 || completed_s < last_run_s_) {
      end_(ioend, std::max(completed_s, last_run_s_));
      return;
    }
    // Completed after the pending run (applied late or ahead): that run came first.
    run_due(completed_s);
    queued_.push_back(ioend);
    if (pending_) {  // the kworker is woken: the ioend joins its run, which takes its CPU too
      // A timer or follower set for the earlier end finds the run later and waits again.
      due_s_ += cpu_s;
      return;
    }
    const std::uint64_t h1 = mix64(seed_ ^ key), h2 = mix64(h1);
    const double normal = box_muller(uniform_open01(h1), uniform_open01(h2));
    due_s_ = completed_s + latency_s_ * std::exp(sigma_ * normal) + cpu_s;
    pending_ = true;
    if (lazy_) lazy_->due(due_s_);
    // Due already (applied late): run before any task runs at the clock.
    if (due_s_ <= engine_clock_s())
      run();
    else if (!lazy_ || lazy_->watched())
      set_timer();
  }

  // Runs the pending run if it is due by `now_s`.
  void run_due(double now_s) {
    if (pending_ && due_s_ <= now_s) run();
  }

  // The machine stops (its daemons are killed with the last job, the
  // devices stop completing): no run is due any more, none keeps the clock going.
  void stop() {
    cancel_timer();
    pending_ = false;
  }

  // Ioends queued and not yet ended.
  std::size_t queued() const { return queued_.size(); }

 private:
  // A task waits for writeback: the pending run wakes the engine at its time.
  void rouse() {
    if (pending_ && !timer_) set_timer();
  }
  void set_timer() {
    timer_ = simgrid::kernel::timer::Timer::set(due_s_, [this] {
      timer_ = nullptr;  // the engine frees a timer once run
      if (due_s_ <= engine_clock_s())
        run();
      else
        set_timer();  // ioends joined the run since: it ends later
    });
  }
  void cancel_timer() {
    if (timer_) timer_->remove();
    timer_ = nullptr;
  }
  void run() {
    cancel_timer();
    pending_ = false;
    last_run_s_ = due_s_;
    ClockOverride clock(due_s_);  // what the ends record carries the run's time
    running_.swap(queued_);
    for (const Ioend& ioend : running_) end_(ioend, due_s_);
    running_.clear();
  }

  double latency_s_;
  double sigma_;
  std::uint64_t seed_;
  std::function<void(const Ioend&, double ended_s)> end_;
  block_device::LazyCompletions* lazy_ = nullptr;
  std::vector<Ioend> queued_;
  std::vector<Ioend> running_;  // the run's list, kept for its capacity
  bool pending_ = false;        // a run is due to end at due_s_
  double due_s_ = 0;
  double last_run_s_ = -1;
  simgrid::kernel::timer::Timer* timer_ = nullptr;
};

}  // namespace foliosim::writeback
