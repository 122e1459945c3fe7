// A sleeping reader-writer lock between actors, as the kernel's rw_semaphore
// (kernel/locking/rwsem.c; an inode's i_rwsem, XFS's iolock). A free lock is
// taken by whoever asks first, waiters or not: a release wakes the waiters,
// but a woken task runs only after the scheduler's wake-up latency, and the
// task that released usually asks again before that and steals it (the
// optimistic lock stealing of rwsem_try_write_lock and
// rwsem_down_read_slowpath). A waiter that has waited RWSEM_WAIT_TIMEOUT
// (4 ms) sets the handoff flag: nobody steals any more, and the next release
// hands the lock to it. So a reader and a writer of one file take turns in
// runs of calls, and a waiter's wait reaches 4 ms. Taking or releasing it
// uncontended makes no simcall: actors run one at a time between simcalls.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/common/actor_lock.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim {

enum class LockMode { kNone, kShared, kExclusive };

class RwSemaphore {
 public:
  // RWSEM_WAIT_TIMEOUT: DIV_ROUND_UP(HZ, 250) jiffies, 4 ms at any HZ.
  static constexpr double kHandoffAfterS = 4e-3;

  // Takes the lock in `mode` (kNone: nothing); returns the seconds waited.
  // `before_wait` runs just before the actor first sleeps (its pending CPU);
  // a woken waiter runs `wakeup_s` after the release that woke it.
  template <class BeforeWait>
  double acquire(LockMode mode, double wakeup_s, BeforeWait&& before_wait) {
    if (mode == LockMode::kNone) return 0;
    if (may_take(mode, nullptr)) {
      take(mode);
      return 0;
    }
    auto waiter = std::make_shared<Waiter>(Waiter{mode, false});
    waiters_.push_back(waiter);
    // Releases are counted from here: one during a yield below is not missed.
    std::uint64_t seen = releases_;
    before_wait();
    if (!mutex_) {
      mutex_ = simgrid::s4u::Mutex::create();
      released_ = simgrid::s4u::ConditionVariable::create();
    }
    const double start_s = engine_clock_s();
    for (;;) {
      {
        ActorLock lock(*mutex_);
        while (releases_ == seen && !waiter->granted) {
          const double handoff_at_s = start_s + kHandoffAfterS;
          if (!handoff_ && engine_clock_s() < handoff_at_s)
            released_->wait_until(lock, handoff_at_s);
          else
            released_->wait(lock);
          if (waiter->granted) break;  // handed off by the release that woke it
          // rwsem_try_write_lock / rwsem_mark_wake: the first waiter past
          // its timeout reserves the lock.
          if (!handoff_ && waiters_.front() == waiter &&
              engine_clock_s() >= handoff_at_s - kClockSlackS) {
            handoff_ = waiter;
            if (compatible(mode)) {  // free at this moment: no release will come to hand it over
              take(mode);
              waiter->granted = true;
              leave(waiter);
            }
          }
        }
      }
      if (waiter->granted) break;  // handed off by the release
      if (wakeup_s > 0) simgrid::s4u::this_actor::sleep_for(wakeup_s);
      if (waiter->granted) break;  // handed off while it was waking
      if (may_take(mode, waiter.get())) {
        take(mode);
        leave(waiter);
        break;
      }
      seen = releases_;  // stolen: wait for the next release
    }
    return engine_clock_s() - start_s;
  }

  // Releases a hold in `mode`; when waiters are woken, `before_handoff` runs
  // first (the holder's pending CPU, so the lock is free at its time).
  template <class BeforeHandoff>
  void release(LockMode mode, BeforeHandoff&& before_handoff) {
    if (mode == LockMode::kNone) return;
    const bool wakes = !waiters_.empty() && (mode == LockMode::kExclusive || readers_ == 1);
    if (wakes) before_handoff();  // may yield: newcomers queue, the lock is still held
    if (mode == LockMode::kExclusive)
      writer_ = false;
    else
      --readers_;
    if (!wakes || waiters_.empty()) return;
    ++releases_;
    // A reserved lock goes to its waiter at once (RWSEM_FLAG_HANDOFF).
    if (handoff_ && compatible(handoff_->mode)) {
      take(handoff_->mode);
      handoff_->granted = true;
      leave(handoff_);
    }
    released_->notify_all();
  }

 private:
  static constexpr double kClockSlackS = 1e-12;
  struct Waiter {
    LockMode mode;
    bool granted;
  };
  bool compatible(LockMode mode) const { return !writer_ && (mode == LockMode::kShared || readers_ == 0); }
  // Free for `mode`, and not reserved for another waiter.
  bool may_take(LockMode mode, const Waiter* who) const {
    return compatible(mode) && (!handoff_ || handoff_.get() == who);
  }
  void take(LockMode mode) {
    if (mode == LockMode::kExclusive)
      writer_ = true;
    else
      ++readers_;
  }
  void leave(std::shared_ptr<Waiter> waiter) {
    waiters_.erase(std::find(waiters_.begin(), waiters_.end(), waiter));
    if (handoff_ == waiter) handoff_.reset();
  }

  std::uint64_t readers_ = 0;
  bool writer_ = false;
  std::deque<std::shared_ptr<Waiter>> waiters_;  // in arrival order
  std::shared_ptr<Waiter> handoff_;              // the waiter the lock is reserved for
  std::uint64_t releases_ = 0;                   // releases that woke waiters
  // Created at the first wait: most locks are never contended.
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr released_;
};

// Holds an RwSemaphore from construction (which may wait) until unlock() or
// destruction, except while an exception unwinds the actor (no simcall then).
template <class BeforeHandoff>
class RwHold {
 public:
  template <class BeforeWait>
  RwHold(RwSemaphore& sem, LockMode mode, double wakeup_s, BeforeWait&& before_wait, BeforeHandoff before_handoff)
      : sem_(sem),
        mode_(mode),
        before_(std::move(before_handoff)),
        waited_s_(sem.acquire(mode, wakeup_s, before_wait)) {}
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
