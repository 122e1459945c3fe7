// Device completions applied without waking the device's actor (issue #18).
//
// A device's channel is a FIFO whose completion times are known when a
// request is dispatched (BlockDevice::dispatch). What a completion does that
// a task could see at once is wake it: blk-wbt's waiters (wbt_rqw_done), a
// submitter waiting for a tag, an O_DIRECT or read submitter (IoWaiter), a
// task waiting for writeback to end (WritebackWaitQueue). While none of these
// sleeps on a device, its completions are applied here, in time order across
// devices, when the engine's clock moves past them and before any actor runs
// at the new time: every task finds the state it would have found, and the
// device costs no SimGrid event per request. A task that starts to sleep on a
// completion first has the device set an engine timer at its next one
// (BlockDevice::rouse), which applies it at its time, as the device's actor
// did on waking, and wakes the task. Neither way makes a simcall, so no task
// is delayed against another by the device's bookkeeping. The device's actor
// only dispatches to an idle device.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

namespace foliosim::block_device {

class BlockDevice;

class LazyCompletions {
 public:
  // Applies completions as the current engine's clock moves (one at a time).
  LazyCompletions();
  ~LazyCompletions();
  LazyCompletions(const LazyCompletions&) = delete;
  LazyCompletions& operator=(const LazyCompletions&) = delete;

  // A device whose actor may park; devices are ordered by attachment, which
  // breaks ties between completions due at the same time.
  void attach(BlockDevice& device);
  // The device's actor parked with its earliest completion due at `due_s`.
  // It unparks (it woke, or has nothing left in service) by clearing its
  // parked_ flag: its entry stays, and is dropped when reached.
  void park(BlockDevice& device, double due_s);

  // Work that completions queue for a known later time (the filesystem's
  // completion work: writeback/completion_work.hpp) follows the same rule:
  // `advance(now_s)` runs what is due by then, after the devices'
  // completions; `rouse()` has it set an engine timer for what is pending,
  // once a task watches. A follower tells when its next work is due
  // (`due`), and again after each advance it is called for while still
  // pending: followers are called only once the clock reaches the earliest
  // such time (Axboe has 32 filesystems, and the clock moves millions of times).
  struct Follower {
    std::function<void(double now_s)> advance;
    std::function<void()> rouse;
  };
  void follow(Follower follower) { followers_.push_back(std::move(follower)); }
  void due(double due_s) { followers_due_s_ = std::min(followers_due_s_, due_s); }

  // A task sleeps until some writeback completes (on any device): every
  // device's actor wakes for its completions until unwatch().
  void watch();
  void unwatch() { --watchers_; }
  bool watched() const { return watchers_ > 0; }

 private:
  // Applies every parked completion due by `now_s`, earliest first.
  void advance(double now_s);

  // At most one a device, due no later than its next completion: a device
  // parks again after completing (or on waking) with a later one, since its
  // channel completes in dispatch order, and keeps its entry, which moves to
  // the later time when reached. Parking costs no heap operation while the
  // device keeps an entry.
  struct Entry {
    double due_s;
    std::uint64_t order;
    BlockDevice* device;
    // The heap's top is the earliest, then the first attached.
    bool operator<(const Entry& o) const { return due_s != o.due_s ? due_s > o.due_s : order > o.order; }
  };
  std::vector<Entry> parked_;  // a binary heap: no allocation per park
  std::vector<BlockDevice*> devices_;
  std::vector<Follower> followers_;
  double followers_due_s_ = 1e300;  // the earliest work a follower told of; none: never
  std::uint64_t watchers_ = 0;
};

}  // namespace foliosim::block_device
