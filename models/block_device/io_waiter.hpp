// Lets one actor wait for the completion of the requests it submitted
// (the task sleeping in blk_wait_io / iomap_dio_rw).
#pragma once

#include <cstdint>
#include <vector>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/block_device.hpp"
#include "models/common/actor_lock.hpp"

namespace foliosim::block_device {

class IoWaiter {
 public:
  IoWaiter() : mutex_(simgrid::s4u::Mutex::create()), done_(simgrid::s4u::ConditionVariable::create()) {}

  // A completion callback that counts one submission; call before submit().
  CompletionFn expect() {
    if (outstanding_ == 0) completions_.clear();  // a new batch of I/O
    ++outstanding_;
    return [this](const Completion& c) {
      if (!c.ok) ++errors_;
      completions_.push_back(c);
      if (--outstanding_ == 0) done_->notify_one();
    };
  }

  // Blocks the calling actor until every expected completion has arrived;
  // returns how many of them failed.
  std::uint64_t wait() {
    ActorLock lock(*mutex_);
    while (outstanding_ > 0) done_->wait(lock);
    std::uint64_t errors = errors_;
    errors_ = 0;
    return errors;
  }

  // The completions the last wait() collected, with their timings.
  const std::vector<Completion>& completions() const { return completions_; }

 private:
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr done_;
  std::uint64_t outstanding_ = 0;
  std::uint64_t errors_ = 0;
  std::vector<Completion> completions_;
};

}  // namespace foliosim::block_device
