// Where tasks sleep until some writeback completes: fsync waiting for its
// pages, reclaim throttled on writeback (folio_wait_writeback,
// reclaim_throttle). Woken at every writeback completion; waiters re-check.
#pragma once

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/lazy_completions.hpp"
#include "models/common/actor_lock.hpp"

namespace foliosim::writeback {

class WritebackWaitQueue {
 public:
  WritebackWaitQueue()
      : mutex_(simgrid::s4u::Mutex::create()), completed_(simgrid::s4u::ConditionVariable::create()) {}

  // Completions may be applied without their device's actor
  // (lazy_completions.hpp): a waiter then has it wake for them.
  void set_lazy_completions(block_device::LazyCompletions* lazy) { lazy_ = lazy; }

  // Called at each writeback completion (interrupt context: never blocks).
  // Skipped when nobody sleeps: a notify is a context switch through the
  // maestro even with no waiter, and completions are the commonest event.
  void wake_all() {
    ++completions_;
    if (waiters_ > 0) completed_->notify_all();
  }

  // Sleeps until the next completion, or at most `timeout_s` when positive.
  // Taking the mutex is a simcall: other actors may run meanwhile, and a
  // completion then would find no sleeper and be lost. So the count and the
  // completions seen are taken before it, and a completion in between ends
  // the wait at once (the caller re-checks).
  void wait(double timeout_s = 0) {
    const std::uint64_t seen = completions_;
    ++waiters_;
    if (lazy_) lazy_->watch();
    {
      ActorLock lock(*mutex_);
      if (completions_ == seen) {
        if (timeout_s > 0) {
          completed_->wait_for(lock, timeout_s);
        } else {
          completed_->wait(lock);
        }
      }
    }
    --waiters_;
    if (lazy_) lazy_->unwatch();
  }

 private:
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr completed_;
  block_device::LazyCompletions* lazy_ = nullptr;
  std::uint64_t waiters_ = 0;      // tasks in wait(), woken or not yet
  std::uint64_t completions_ = 0;  // wake_all() calls so far
};

}  // namespace foliosim::writeback
