#include "models/block_device/lazy_completions.hpp"

#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"

namespace foliosim::block_device {

namespace {
// The engine's signal is global: it is connected once and forwards to the
// current registry, if any.
LazyCompletions* current = nullptr;
bool connected = false;
// As BlockDevice's: a completion within this much of the clock is due.
constexpr double kClockSlack_s = 1e-12;
}  // namespace

LazyCompletions::LazyCompletions() {
  if (!connected) {
    // on_time_advance runs in the engine once the clock has moved to the
    // next event, before the actors woken for it run.
    simgrid::s4u::Engine::on_time_advance_cb([](double) {
      if (current) current->advance(simgrid::s4u::Engine::get_clock());
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
  device.parked_due_s_ = due_s;
  parked_.emplace(due_s, device.lazy_order_, &device);
}

void LazyCompletions::unpark(BlockDevice& device) { parked_.erase({device.parked_due_s_, device.lazy_order_, &device}); }

void LazyCompletions::watch() {
  ++watchers_;
  for (BlockDevice* device : devices_) device->rouse();
}

void LazyCompletions::advance(double now_s) {
  while (!parked_.empty() && std::get<0>(*parked_.begin()) <= now_s + kClockSlack_s) {
    const auto [due_s, order, device] = *parked_.begin();
    parked_.erase(parked_.begin());
    device->complete_parked(due_s);
  }
}

}  // namespace foliosim::block_device
