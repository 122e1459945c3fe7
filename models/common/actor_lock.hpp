// What an actor's RAII objects may do while an exception unwinds it: no
// simcall. SimGrid kills an actor (a daemon when the last job ends, every
// actor when one fails) by unwinding it with ForcefulKillException and never
// answers a simcall made on the way, so the actor never ends; on thread
// contexts the engine then waits forever to join its thread. Other exceptions
// end the run too (start_actor kills every actor), so what is skipped is not
// needed again.
#pragma once

#include <exception>
#include <mutex>

#include <simgrid/s4u/Mutex.hpp>

namespace foliosim {

// Whether an exception thrown since construction is unwinding the caller.
class UnwindCheck {
 public:
  bool unwinding() const { return std::uncaught_exceptions() > uncaught_; }

 private:
  int uncaught_ = std::uncaught_exceptions();
};

// std::unique_lock on an s4u::Mutex, for condition variables as well, that is
// left held rather than unlocked (a simcall) when an exception unwinds it.
class ActorLock : public std::unique_lock<simgrid::s4u::Mutex> {
 public:
  explicit ActorLock(simgrid::s4u::Mutex& mutex) : std::unique_lock<simgrid::s4u::Mutex>(mutex) {}
  ~ActorLock() {
    if (unwind_.unwinding()) release();
  }
  ActorLock(const ActorLock&) = delete;
  ActorLock& operator=(const ActorLock&) = delete;

 private:
  UnwindCheck unwind_;
};

}  // namespace foliosim
