#include "models/block_device/lazy_completions.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/block_device/block_device.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::block_device {

namespace {
// The hook is global: it is added once and forwards to the current
// registry, if any.
LazyCompletions* current = nullptr;
bool connected = false;
// As BlockDevice's: a completion within this much of the clock is due.
constexpr double kClockSlack_s = 1e-12;
}  // namespace

LazyCompletions::LazyCompletions() {
  if (!connected) {
    // Once the clock has moved to the next event, before the actors woken for it run.
    on_engine_clock_advance([] {
      if (current) current->advance(engine_clock_s());
    });
    connected = true;
  }
  current = this;
}

LazyCompletions::~LazyCompletions() {
  if (current == this) current = nullptr;
}

void LazyCompletions::attach(BlockDevice& device) {
  device.lazy_order_ = devices_.size();
  device.lazy_ = this;
  devices_.push_back(&device);
}

void LazyCompletions::park(BlockDevice& device, double due_s) {
  if (device.lazy_entry_s_ >= 0) {
    if (due_s < device.lazy_entry_s_) throw std::logic_error("a device's next completion moved earlier");
    return;
  }
  device.lazy_entry_s_ = due_s;
  parked_.push_back({due_s, device.lazy_order_, &device});
  std::push_heap(parked_.begin(), parked_.end());
}

void LazyCompletions::watch() {
  ++watchers_;
  for (BlockDevice* device : devices_) device->rouse();
  for (const Follower& follower : followers_) follower.rouse();
}

void LazyCompletions::advance(double now_s) {
  while (!parked_.empty() && parked_.front().due_s <= now_s + kClockSlack_s) {
    std::pop_heap(parked_.begin(), parked_.end());
    const Entry e = parked_.back();
    parked_.pop_back();
    BlockDevice& device = *e.device;
    device.lazy_entry_s_ = -1;
    if (!device.parked_) continue;  // woke or went idle since
    // Parked, its next completion is its channel's front (completions due
    // are applied here before anything else runs).
    const double due_s = device.in_service_.front().done_at_s;
    if (due_s != e.due_s) {
      park(device, due_s);  // parked again with a later completion
      continue;
    }
    device.complete_at(e.due_s);
  }
  if (followers_due_s_ > now_s + kClockSlack_s) return;
  followers_due_s_ = 1e300;  // each still pending tells its time again
  for (const Follower& follower : followers_) follower.advance(now_s + kClockSlack_s);
}

}  // namespace foliosim::block_device
