// One actor's pending CPU work, executed in batches (cpu.batch_window): one
// SimGrid execution for several system calls. The actor's virtual time is the
// clock plus what is pending; anything that blocks or hands work to another
// actor must flush() first, so event order is kept.
#pragma once

#include "models/cpu/cpu.hpp"

namespace foliosim::cpu {

class CpuBatch {
 public:
  CpuBatch(Cpu& cpu, Component component) : cpu_(cpu), component_(component) {}
  CpuBatch(const CpuBatch&) = delete;
  CpuBatch& operator=(const CpuBatch&) = delete;
  ~CpuBatch() = default;

  // Adds work of `reference_s` at reference speed; runs the batch once it
  // spans the window.
  void add(double reference_s) {
    pending_reference_s_ += reference_s;
    if (cpu_.scaled_s(pending_reference_s_) >= cpu_.costs().batch_window_s) flush();
  }

  void flush() {
    if (pending_reference_s_ <= 0) return;
    const double work = pending_reference_s_;
    pending_reference_s_ = 0;
    cpu_.run(component_, work);
  }

  // Seconds of work added but not yet executed.
  double pending_s() const { return cpu_.scaled_s(pending_reference_s_); }

 private:
  Cpu& cpu_;
  Component component_;
  double pending_reference_s_ = 0;
};

}  // namespace foliosim::cpu
