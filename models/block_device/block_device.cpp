#include "models/block_device/block_device.hpp"

#include <algorithm>
#include <memory>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "sim/actor_guard.hpp"

namespace foliosim::block_device {

namespace sg4 = simgrid::s4u;

namespace {
// A wait_until(t) may wake a rounding error before t; requests due within this
// much of the clock are due (simulated times are far coarser than 1 ps).
constexpr double kClockSlack_s = 1e-12;
}  // namespace

BlockDevice::BlockDevice(const DeviceParams& params)
    : params_(params),
      mutex_(sg4::Mutex::create()),
      wakeup_(sg4::ConditionVariable::create()),
      room_mutex_(sg4::Mutex::create()),
      room_(sg4::ConditionVariable::create()) {}

void BlockDevice::wait_for_room() {
  std::unique_lock<sg4::Mutex> lock(*room_mutex_);
  ++room_waiters_;
  while (congested()) room_->wait(lock);
  --room_waiters_;
}

void BlockDevice::start(sg4::Host* host) {
  start_actor("device:" + params_.name, host, [this] { run(); }, ActorKind::kDaemon);
}

std::uint64_t BlockDevice::requests_for(std::uint64_t length_bytes) const {
  return std::max<std::uint64_t>(1, (length_bytes + params_.max_request_bytes - 1) / params_.max_request_bytes);
}

void BlockDevice::submit(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, CompletionFn done) {
  if (length_bytes <= params_.max_request_bytes) {
    enqueue(op, offset_bytes, length_bytes, std::move(done));
  } else {
    // bio_split: pieces of max_request_size; the caller hears once, at the end.
    struct Pending {
      std::uint64_t remaining;
      bool ok = true;
      CompletionFn done;
    };
    auto pending = std::make_shared<Pending>(Pending{requests_for(length_bytes), true, std::move(done)});
    Completion whole{op, offset_bytes, length_bytes, true};
    for (std::uint64_t at = 0; at < length_bytes; at += params_.max_request_bytes) {
      std::uint64_t piece = std::min(params_.max_request_bytes, length_bytes - at);
      enqueue(op, offset_bytes + at, piece, [pending, whole](const Completion& c) mutable {
        pending->ok = pending->ok && c.ok;
        if (whole.dispatched_s == 0 || c.dispatched_s < whole.dispatched_s) whole.dispatched_s = c.dispatched_s;
        if (--pending->remaining == 0) {
          whole.ok = pending->ok;
          whole.completed_s = c.completed_s;
          pending->done(whole);
        }
      });
    }
  }
  stats_.peak_queued = std::max<std::uint64_t>(stats_.peak_queued, queued());
  if (plugged_ == 0) wake();
}

void BlockDevice::unplug() {
  if (--plugged_ == 0 && !waiting_.empty()) wake();
}

void BlockDevice::wake() {
  // Only when the actor can dispatch. No lock: actors do not preempt each
  // other. Every notify is a context switch through SimGrid's maestro, which
  // may run the device before the submitter goes on: hence plugging.
  if (in_service_.size() >= params_.queue_depth) return;
  if (in_service_.empty()) {
    wakeup_->notify_one();
    return;
  }
  // The device actor sleeps until its earliest completion, and a request
  // dispatched now ends after every one in service (the channel is FIFO), so
  // dispatching here changes nothing it waits for and spares a context switch.
  dispatch();
}

void BlockDevice::enqueue(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, CompletionFn done) {
  const int o = static_cast<int>(op);
  const std::uint64_t end = offset_bytes + length_bytes;
  // Back merge: a waiting request ends where this one starts.
  if (auto it = waiting_by_end_[o].find(offset_bytes); it != waiting_by_end_[o].end()) {
    std::uint64_t sequence = it->second;
    Request& r = waiting_.at(sequence);
    if (r.length_bytes + length_bytes <= params_.max_request_bytes) {
      waiting_by_end_[o].erase(it);
      r.length_bytes += length_bytes;
      r.done.push_back(std::move(done));
      ++stats_.merges;
      // The grown request may now touch the next one (blk_attempt_req_merge).
      if (auto next = waiting_by_start_[o].find(end); next != waiting_by_start_[o].end()) {
        Request& n = waiting_.at(next->second);
        if (r.length_bytes + n.length_bytes <= params_.max_request_bytes) {
          std::uint64_t next_sequence = next->second;
          r.length_bytes += n.length_bytes;
          for (auto& fn : n.done) r.done.push_back(std::move(fn));
          Request absorbed = std::move(n);
          unindex(next_sequence, absorbed);
          waiting_.erase(next_sequence);
        }
      }
      waiting_by_end_[o][r.offset_bytes + r.length_bytes] = sequence;
      return;
    }
  }
  // Front merge: a waiting request starts where this one ends.
  if (auto it = waiting_by_start_[o].find(end); it != waiting_by_start_[o].end()) {
    std::uint64_t sequence = it->second;
    Request& r = waiting_.at(sequence);
    if (r.length_bytes + length_bytes <= params_.max_request_bytes) {
      waiting_by_start_[o].erase(it);
      r.offset_bytes = offset_bytes;
      r.length_bytes += length_bytes;
      r.done.push_back(std::move(done));
      waiting_by_start_[o][offset_bytes] = sequence;
      ++stats_.merges;
      return;
    }
  }
  std::uint64_t sequence = next_sequence_++;
  Request request{op, offset_bytes, length_bytes, {}};
  request.done.push_back(std::move(done));
  waiting_by_start_[o].emplace(offset_bytes, sequence);
  waiting_by_end_[o].emplace(end, sequence);
  waiting_.emplace(sequence, std::move(request));
}

void BlockDevice::unindex(std::uint64_t sequence, const Request& request) {
  const int o = static_cast<int>(request.op);
  auto drop = [sequence](std::map<std::uint64_t, std::uint64_t>& index, std::uint64_t key) {
    if (auto it = index.find(key); it != index.end() && it->second == sequence) index.erase(it);
  };
  drop(waiting_by_start_[o], request.offset_bytes);
  drop(waiting_by_end_[o], request.offset_bytes + request.length_bytes);
}

void BlockDevice::dispatch() {
  const double now = sg4::Engine::get_clock();
  while (in_service_.size() < params_.queue_depth && !waiting_.empty()) {
    auto first = waiting_.begin();
    std::uint64_t sequence = first->first;
    Request request = std::move(first->second);
    unindex(sequence, request);
    waiting_.erase(first);

    const bool write = request.op == Op::kWrite;
    const double bandwidth = write ? params_.write_bandwidth_Bps : params_.read_bandwidth_Bps;
    const double transfer_start = std::max(now + params_.request_latency_s, channel_free_at_s_);
    channel_free_at_s_ =
        transfer_start + params_.request_overhead_s + static_cast<double>(request.length_bytes) / bandwidth;
    (write ? stats_.write_bytes : stats_.read_bytes) += request.length_bytes;
    ++(write ? stats_.write_requests : stats_.read_requests);
    if (in_service_.empty()) busy_since_s_ = now;
    in_service_.push(InService{channel_free_at_s_, now, sequence, std::move(request)});
  }
  if (room_waiters_ > 0 && !congested()) room_->notify_all();
}

void BlockDevice::complete_due() {
  const double now = sg4::Engine::get_clock();
  while (!in_service_.empty() && in_service_.top().done_at_s <= now + kClockSlack_s) {
    // priority_queue::top is const; the request is moved out before pop.
    const double dispatched_s = in_service_.top().dispatched_s;
    Request request = std::move(const_cast<InService&>(in_service_.top()).request);
    in_service_.pop();
    if (in_service_.empty()) stats_.busy_s += now - busy_since_s_;
    Completion completion{request.op, request.offset_bytes, request.length_bytes, true, dispatched_s, now};
    if (request.op == Op::kWrite) {
      for (const auto& window : params_.write_errors)
        if (window.fails(now, request.offset_bytes, request.length_bytes)) completion.ok = false;
      if (!completion.ok) {
        stats_.failed_write_bytes += request.length_bytes;
        ++stats_.failed_write_requests;
      }
    }
    for (auto& done : request.done) done(completion);
  }
}

void BlockDevice::run() {
  std::unique_lock<sg4::Mutex> lock(*mutex_);
  while (true) {
    complete_due();
    dispatch();
    if (in_service_.empty()) {
      wakeup_->wait(lock);
    } else {
      wakeup_->wait_until(lock, in_service_.top().done_at_s);
    }
  }
}

}  // namespace foliosim::block_device
