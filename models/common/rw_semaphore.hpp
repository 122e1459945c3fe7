// A sleeping reader-writer lock between actors, as the kernel's rw_semaphore
// (an inode's i_rwsem, XFS's iolock). Waiters are served in arrival order:
// once anyone waits, a newcomer queues behind them even when it could share
// the lock (rwsem_down_read_slowpath: no reader steals past a queued writer),
// and a release hands the lock to the head of the queue with every reader
// right behind it (rwsem_wake). Taking or releasing it uncontended makes no
// simcall: actors run one at a time between simcalls, so only a wait costs
// the engine anything.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <utility>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/common/actor_lock.hpp"

namespace foliosim {

enum class LockMode { kNone, kShared, kExclusive };

class RwSemaphore {
 public:
  // Takes the lock in `mode` (kNone: nothing); returns the seconds waited.
  // `before_wait` runs just before the actor sleeps (its pending CPU first).
  template <class BeforeWait>
  double acquire(LockMode mode, BeforeWait&& before_wait) {
    if (mode == LockMode::kNone) return 0;
    if (waiters_.empty() && compatible(mode)) {
      take(mode);
      return 0;
    }
    auto waiter = std::make_shared<Waiter>(Waiter{mode, false});
    waiters_.push_back(waiter);
    ++contended_;
    before_wait();
    if (!mutex_) {
      mutex_ = simgrid::s4u::Mutex::create();
      granted_ = simgrid::s4u::ConditionVariable::create();
    }
    const double start_s = simgrid::s4u::Engine::get_clock();
    ActorLock lock(*mutex_);
    while (!waiter->granted) granted_->wait(lock);
    return simgrid::s4u::Engine::get_clock() - start_s;
  }

  // Releases a hold in `mode`; when that lets a waiter in, `before_handoff`
  // runs first (the holder's pending CPU, so the lock passes on at its time).
  template <class BeforeHandoff>
  void release(LockMode mode, BeforeHandoff&& before_handoff) {
    if (mode == LockMode::kNone) return;
    const bool hands_off = !waiters_.empty() && (mode == LockMode::kExclusive || readers_ == 1);
    if (hands_off) before_handoff();  // may yield: newcomers queue, the lock is still held
    if (mode == LockMode::kExclusive)
      writer_ = false;
    else
      --readers_;
    bool woke = false;
    while (!waiters_.empty() && compatible(waiters_.front()->mode)) {
      take(waiters_.front()->mode);
      waiters_.front()->granted = true;
      waiters_.pop_front();
      woke = true;
    }
    if (woke) granted_->notify_all();
  }

  // Acquisitions that had to wait, since creation.
  std::uint64_t contended() const { return contended_; }

 private:
  struct Waiter {
    LockMode mode;
    bool granted;
  };
  bool compatible(LockMode mode) const { return !writer_ && (mode == LockMode::kShared || readers_ == 0); }
  void take(LockMode mode) {
    if (mode == LockMode::kExclusive)
      writer_ = true;
    else
      ++readers_;
  }

  std::uint64_t readers_ = 0;
  bool writer_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::uint64_t contended_ = 0;
  // Created at the first wait: most locks are never contended.
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr granted_;
};

// Holds an RwSemaphore from construction (which may wait) until unlock() or
// destruction, except while an exception unwinds the actor (no simcall then).
template <class BeforeHandoff>
class RwHold {
 public:
  template <class BeforeWait>
  RwHold(RwSemaphore& sem, LockMode mode, BeforeWait&& before_wait, BeforeHandoff before_handoff)
      : sem_(sem), mode_(mode), before_(std::move(before_handoff)), waited_s_(sem.acquire(mode, before_wait)) {}
  ~RwHold() {
    if (!unwind_.unwinding()) unlock();
  }
  RwHold(const RwHold&) = delete;
  RwHold& operator=(const RwHold&) = delete;

  double waited_s() const { return waited_s_; }
  void unlock() {
    if (!held_) return;
    held_ = false;
    sem_.release(mode_, before_);
  }

 private:
  RwSemaphore& sem_;
  LockMode mode_;
  BeforeHandoff before_;
  double waited_s_;
  bool held_ = true;
  UnwindCheck unwind_;
};

}  // namespace foliosim
