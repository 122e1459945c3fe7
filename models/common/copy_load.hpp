// Tasks in a buffered write call right now, from entry to return: they copy
// user memory into the page cache. A device that shares the machine's memory
// and CPUs with them (a loop device's backing I/O through the host)
// transfers slower meanwhile (DeviceParams::copy_slowdown). Buffered reads
// copy too but are not counted: no reference measures a device under them.
#pragma once

#include <cstdint>

namespace foliosim {

class CopyLoad {
 public:
  // One task's call, for its scope (an unwinding actor leaves too).
  class Call {
   public:
    explicit Call(CopyLoad* load) : load_(load) {
      if (load_) ++load_->tasks_;
    }
    ~Call() {
      if (load_) --load_->tasks_;
    }
    Call(const Call&) = delete;
    Call& operator=(const Call&) = delete;

   private:
    CopyLoad* load_;
  };

  bool any() const { return tasks_ > 0; }
  std::uint32_t tasks() const { return tasks_; }

 private:
  std::uint32_t tasks_ = 0;
};

}  // namespace foliosim
