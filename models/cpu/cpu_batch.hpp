// One actor's pending CPU work, executed in batches (cpu.batch_window): one
// SimGrid execution for several system calls. The actor's virtual time is the
// clock plus what is pending; anything that blocks or hands work to another
// actor must flush() first, so event order is kept. With a CallSpread, each
// add is scaled by the current call's factor for its kind of work and
// interrupted over its busy time, so calls vary one by one within a batch.
#pragma once

#include <initializer_list>

#include "models/common/actor_lock.hpp"
#include "models/common/sim_clock.hpp"
#include "models/cpu/call_spread.hpp"
#include "models/cpu/cpu.hpp"

namespace foliosim::cpu {

class CpuBatch {
 public:
  // `spread`: how the actor's calls vary; nullptr, none (each call costs
  // exactly its reference work).
  CpuBatch(Cpu& cpu, Component component, CallSpread* spread = nullptr)
      : cpu_(cpu), component_(component), spread_(spread) {}
  CpuBatch(const CpuBatch&) = delete;
  CpuBatch& operator=(const CpuBatch&) = delete;
  ~CpuBatch() = default;

  void set_spread(CallSpread* spread) { spread_ = spread; }

  // The actor starts a new system call: its work varies by new factors.
  void begin_call() {
    if (spread_) spread_->begin_call();
  }

  // One part of a stretch of work: `reference_s` at reference speed, of kind `work`.
  struct Part {
    double reference_s;
    Work work;
  };

  // Adds work of `reference_s` at reference speed; runs the batch once it
  // spans the window.
  void add(double reference_s, Work work = Work::kCode) { add({{reference_s, work}}); }
  // Adds parts of different kinds as one stretch of work.
  void add(std::initializer_list<Part> parts) {
    double reference_s = 0;
    for (const auto& p : parts) reference_s += spread_ ? p.reference_s * spread_->factor(p.work) : p.reference_s;
    if (spread_) reference_s += cpu_.reference_s(spread_->interruptions(cpu_.scaled_s(reference_s)));
    pending_reference_s_ += reference_s;
    if (holds_ == 0 && over_window()) flush();
  }

  // For one scope, work added does not run when the batch spans the window
  // (an explicit flush() still does); at its end it runs if it does. For a
  // stretch of a call that other tasks must not see half done while this
  // one sleeps.
  class Hold {
   public:
    explicit Hold(CpuBatch& batch) : batch_(batch) { ++batch_.holds_; }
    ~Hold() {
      // Running the work sleeps: not while an exception unwinds the actor.
      if (--batch_.holds_ == 0 && !unwind_.unwinding() && batch_.over_window()) batch_.flush();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;

   private:
    CpuBatch& batch_;
    UnwindCheck unwind_;
  };

  void flush() {
    if (pending_reference_s_ <= 0) return;
    const double work = pending_reference_s_;
    pending_reference_s_ = 0;
    cpu_.run(component_, work);
  }

  // Seconds of work added but not yet executed.
  double pending_s() const { return cpu_.scaled_s(pending_reference_s_); }
  // The task's own clock: the engine's plus its work not yet run. Times a
  // task measures around a wait are taken on it, so the work it flushes
  // before sleeping is not counted as the wait.
  double now_s() const { return engine_clock_s() + pending_s(); }

 private:
  Cpu& cpu_;
  Component component_;
  CallSpread* spread_;
  bool over_window() const { return cpu_.scaled_s(pending_reference_s_) >= cpu_.costs().batch_window_s; }

  double pending_reference_s_ = 0;
  int holds_ = 0;
};

}  // namespace foliosim::cpu
