#include "models/block_device/block_device.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

#include <simgrid/kernel/Timer.hpp>
#include <simgrid/s4u/Actor.hpp>

#include "models/block_device/wbt_depths.hpp"
#include "models/common/actor_lock.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/random_draws.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::block_device {

namespace sg4 = simgrid::s4u;

namespace {
// A wait_until(t) may wake a rounding error before t; requests due within this
// much of the clock are due (simulated times are far coarser than 1 ps).
constexpr double kClockSlack_s = 1e-12;

// blk-wbt's constants (block/blk-wbt.c).
constexpr std::uint64_t kWbtMinWriteSamples = 3;  // RWB_MIN_WRITE_SAMPLES
constexpr unsigned kWbtUnknownBump = 5;         // RWB_UNKNOWN_BUMP
constexpr double kWbtRecentWait_s = 1.0;        // HZ: wb_recent_wait
constexpr double kWbtCloseIo_s = 0.1;           // HZ / 10: close_io

// blk_add_rq_to_plug's limits (include/linux/blkdev.h), one queue.
constexpr std::uint64_t kPlugMaxRequests = 32;          // BLK_MAX_REQUEST_COUNT
constexpr std::uint64_t kPlugFlushBytes = 128 * 1024;  // BLK_PLUG_FLUSH_SIZE
}  // namespace

BlockDevice::BlockDevice(const DeviceParams& params, std::mt19937_64 rng, std::mt19937_64 stall_rng)
    : params_(params),
      rng_(std::move(rng)),
      stalls_(params.stall_rate_hz, params.stall_mean_s, std::move(stall_rng)),
      mutex_(sg4::Mutex::create()),
      wakeup_(sg4::ConditionVariable::create()),
      room_mutex_(sg4::Mutex::create()),
      room_(sg4::ConditionVariable::create()),
      wbt_mutex_(sg4::Mutex::create()),
      wbt_wakeup_(sg4::ConditionVariable::create()) {
  // wbt_init at scale step 0, or where the device was left before the run.
  // The device has been idle long before the run, so no read is recent (the
  // kernel stamps last_issue/last_comp at init).
  wbt_.scale_step = params.initial_wbt_scale_step;
  wbt_.scaled_max = wbt_calc_max_depth();
  // wb_timer_fn re-arms itself while the step is not 0, so a device left
  // scaled has its window running when the run starts.
  if (wbt_enabled() && wbt_.scale_step != 0) wbt_arm_timer(0);
}

BlockDevice::~BlockDevice() { stop(); }

void BlockDevice::stop() {
  // The engine's timers outlive the run (a static heap), and the tasks a
  // completion would wake are gone: nothing more is completed.
  stopped_ = true;
  if (timer_) timer_->remove();
  timer_ = nullptr;
  parked_ = false;
}

void BlockDevice::wait_for_room() {
  ActorLock lock(*room_mutex_);
  ++room_waiters_;
  if (congested()) rouse();  // dispatch after a completion wakes it
  while (congested()) room_->wait(lock);
  --room_waiters_;
}

void BlockDevice::start(sg4::Host* host) {
  start_actor("device:" + params_.name, host, [this] { run(); }, ActorKind::kDaemon);
}

std::uint64_t BlockDevice::requests_for(std::uint64_t length_bytes, std::uint64_t segments) const {
  std::uint64_t requests = 0;
  split_bio(limits(), length_bytes, segments,
            [&requests](std::uint64_t, std::uint64_t, std::uint64_t) { ++requests; });
  return requests;
}

void BlockDevice::submit(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, std::uint64_t segments,
                         CompletionFn done, bool wbt_slot, bool wakes, double completion_cpu_s) {
  if (op == Op::kRead && wbt_enabled()) {
    // wbt_wait stamps reads (last_issue) for close_io.
    const double now = this->now();
    wbt_advance(now);
    wbt_.last_read_s = now;
  }
  // Within both limits (nearly every bio) it is one request, without
  // walking the split.
  const bool fits = length_bytes <= params_.max_request_bytes && segments <= params_.max_segments;
  const std::uint64_t pieces = fits ? 1 : requests_for(length_bytes, segments);
  if (pieces == 1 && plugged_ == 0 && waiting_.empty() && !in_service_.empty() &&
      in_service_.size() < params_.queue_depth) {
    // Nothing to merge with, and wake() would dispatch it in place: it goes
    // straight into service, never indexed as waiting.
    Request request{op, offset_bytes, length_bytes, std::min(segments, params_.max_segments), std::move(done), {},
                    wbt_slot};
    request.completion_cpu_s = completion_cpu_s;
    note_wakes(request, wakes);
    stats_.peak_queued = std::max<std::uint64_t>(stats_.peak_queued, queued() + 1);
    ++totals_->queued_requests;
    if (wakes) rouse();
    start_service(next_sequence_++, std::move(request), now());
    if (room_waiters_ > 0 && !congested()) room_->notify_all();
    return;
  }
  if (pieces == 1) {
    enqueue(op, offset_bytes, length_bytes, std::min(segments, params_.max_segments), std::move(done), wbt_slot,
            wakes, completion_cpu_s);
  } else {
    // bio_split_rw_at: requests within both limits; the caller hears once, at the end.
    struct Pending {
      std::uint64_t remaining;
      bool ok = true;
      CompletionFn done;
    };
    auto pending = std::make_shared<Pending>(Pending{pieces, true, std::move(done)});
    Completion whole{op, offset_bytes, length_bytes, true};
    split_bio(limits(), length_bytes, segments, [&](std::uint64_t at, std::uint64_t piece, std::uint64_t piece_segs) {
      // The slot goes with the first piece (writeback never builds larger
      // bios), the completion work with the last.
      const bool slot = wbt_slot && at == 0;
      const double cpu_s = at + piece == length_bytes ? completion_cpu_s : 0;
      enqueue(op, offset_bytes + at, piece, piece_segs, [pending, whole](const Completion& c) mutable {
        pending->ok = pending->ok && c.ok;
        if (whole.dispatched_s == 0 || c.dispatched_s < whole.dispatched_s) whole.dispatched_s = c.dispatched_s;
        if (--pending->remaining == 0) {
          whole.ok = pending->ok;
          whole.completed_s = c.completed_s;
          pending->done(whole);
        }
      }, slot, wakes, cpu_s);
    });
  }
  stats_.peak_queued = std::max<std::uint64_t>(stats_.peak_queued, queued());
  if (wakes) rouse();
  if (plugged_ == 0) wake();
}

void BlockDevice::submit_log(std::uint64_t offset_bytes, std::uint64_t length_bytes, bool flush,
                             CompletionFn done) {
  Request request{Op::kWrite, offset_bytes, length_bytes, 1, std::move(done), {}, false, true, flush};
  note_wakes(request, true);  // its submitter waits for it
  waiting_.emplace(next_sequence_++, std::move(request));  // not indexed: nothing merges with it
  ++totals_->queued_requests;
  stats_.peak_queued = std::max<std::uint64_t>(stats_.peak_queued, queued());
  rouse();
  if (plugged_ == 0) wake();
}

void BlockDevice::unplug() {
  if (--plugged_ == 0 && !waiting_.empty()) wake();
}

void BlockDevice::add_to_plug(std::uint64_t length_bytes) {
  // blk_add_rq_to_plug: blk_mq_flush_plug_list first when the plug is full.
  if (plug_requests_ > 0 && (plug_requests_ >= kPlugMaxRequests || plug_last_bytes_ >= kPlugFlushBytes)) {
    plug_requests_ = 0;
    wake();
  }
  ++plug_requests_;
  plug_last_bytes_ = length_bytes;
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
  dispatch(now());
}

double BlockDevice::now() const { return submit_at_s_ >= 0 ? submit_at_s_ : engine_clock_s(); }

bool BlockDevice::may_submit_at(double at_s, WbtClass cls) {
  // Parked: busy, and no task sleeps on a completion (may_park).
  if (!submits_ahead() || !parked_ || stopped_ || plugged_ > 0 || !waiting_.empty() ||
      room_waiters_ > 0 || waking_requests_ > 0 || lazy_->watched() || !wbt_.waiters.empty())
    return false;
  // A window's end counts the completions before it: none may end early.
  if (wbt_enabled() && (!wbt_.timer_armed || wbt_.window_end_s <= at_s + kClockSlack_s)) return false;
  // The completions due by then, as the clock would have applied them
  // (complete_at parks the device again at its next one).
  if (in_service_.front().done_at_s <= at_s + kClockSlack_s) {
    parked_ = false;
    while (!in_service_.empty() && in_service_.front().done_at_s <= at_s + kClockSlack_s)
      complete_at(in_service_.front().done_at_s);
  }
  // Busy through at_s: wake() dispatches in place (an idle device's actor
  // would dispatch after the submitter yields).
  if (in_service_.empty() || in_service_.size() + 1 >= params_.queue_depth) return false;
  return !wbt_enabled() || wbt_.inflight < wbt_limit(cls, at_s);
}

void BlockDevice::note_wakes(Request& request, bool wakes) {
  if (!wakes || request.wakes) return;
  request.wakes = true;
  ++waking_requests_;
}

bool BlockDevice::may_park(double now) const {
  return wbt_.waiters.empty() && room_waiters_ == 0 && waking_requests_ == 0 && !lazy_->watched() &&
         in_service_.front().done_at_s > now + kClockSlack_s;
}

void BlockDevice::await_completion(double now) {
  if (stopped_) return;
  if (may_park(now)) {
    parked_ = true;
    lazy_->park(*this, in_service_.front().done_at_s);
    return;
  }
  // A task sleeps on a completion: an engine timer at the next one, which
  // applies it as the actor did on waking, without an actor or a simcall.
  const double due_s = in_service_.front().done_at_s;
  timer_ = simgrid::kernel::timer::Timer::set(due_s, [this, due_s] {
    timer_ = nullptr;  // the engine frees a timer once run
    complete_at(due_s);
  });
}

void BlockDevice::rouse() {
  if (!parked_) return;  // idle, or its timer is set
  parked_ = false;
  await_completion(engine_clock_s());
}

void BlockDevice::complete_at(double due_s) {
  // What the actor did on waking at due_s: complete what is due, dispatch.
  {
    ClockOverride clock(due_s);
    complete_due(due_s);
    dispatch(due_s);
  }
  parked_ = false;
  // Empty: idle, and the actor's wait is an idle device's, which wake() ends.
  if (!in_service_.empty()) await_completion(due_s);
}

void BlockDevice::merge_bio(Request& r, std::uint64_t length_bytes, std::uint64_t segments, CompletionFn done,
                            bool wbt_slot, bool wakes, double completion_cpu_s) {
  r.length_bytes += length_bytes;
  r.segments += segments;
  r.completion_cpu_s += completion_cpu_s;
  r.merged.push_back(std::move(done));
  note_wakes(r, wakes);
  ++stats_.merges;
  // A merged bio holds no blk-wbt slot: the one it took goes back at once.
  if (wbt_slot) wbt_done(now());
}

void BlockDevice::enqueue(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, std::uint64_t segments,
                          CompletionFn done, bool wbt_slot, bool wakes, double completion_cpu_s) {
  const int o = static_cast<int>(op);
  const std::uint64_t end = offset_bytes + length_bytes;
  const RequestLimits limits = this->limits();
  // Back merge: a waiting request ends where this one starts (ll_back_merge_fn).
  if (auto it = waiting_by_end_[o].find(offset_bytes); it != waiting_by_end_[o].end()) {
    std::uint64_t sequence = it->second;
    Request& r = waiting_.at(sequence);
    if (limits.merge_fits(r.length_bytes, r.segments, length_bytes, segments)) {
      waiting_by_end_[o].erase(it);
      merge_bio(r, length_bytes, segments, std::move(done), wbt_slot, wakes, completion_cpu_s);
      if (plugged_ > 0) plug_last_bytes_ = r.length_bytes;  // blk_attempt_plug_merge grew it
      // The grown request may now touch the next one (blk_attempt_req_merge).
      if (auto next = waiting_by_start_[o].find(end); next != waiting_by_start_[o].end()) {
        Request& n = waiting_.at(next->second);
        if (limits.merge_fits(r.length_bytes, r.segments, n.length_bytes, n.segments)) {
          std::uint64_t next_sequence = next->second;
          r.length_bytes += n.length_bytes;
          r.segments += n.segments;
          r.completion_cpu_s += n.completion_cpu_s;
          r.merged.push_back(std::move(n.done));
          for (auto& fn : n.merged) r.merged.push_back(std::move(fn));
          if (n.wakes) {
            --waking_requests_;  // counted again as r's
            note_wakes(r, true);
          }
          Request absorbed = std::move(n);
          unindex(next_sequence, absorbed);
          waiting_.erase(next_sequence);
          --totals_->queued_requests;
          // The absorbed request is freed: its slot goes back (wbt_done).
          if (absorbed.wbt_slot) wbt_done(now());
        }
      }
      waiting_by_end_[o][r.offset_bytes + r.length_bytes] = sequence;
      return;
    }
  }
  // Front merge: a waiting request starts where this one ends (ll_front_merge_fn).
  if (auto it = waiting_by_start_[o].find(end); it != waiting_by_start_[o].end()) {
    std::uint64_t sequence = it->second;
    Request& r = waiting_.at(sequence);
    if (limits.merge_fits(r.length_bytes, r.segments, length_bytes, segments)) {
      waiting_by_start_[o].erase(it);
      r.offset_bytes = offset_bytes;
      waiting_by_start_[o][offset_bytes] = sequence;
      merge_bio(r, length_bytes, segments, std::move(done), wbt_slot, wakes, completion_cpu_s);
      return;
    }
  }
  // A new request: the plug may be flushed before it joins it.
  if (plugged_ > 0) add_to_plug(length_bytes);
  std::uint64_t sequence = next_sequence_++;
  Request request{op, offset_bytes, length_bytes, segments, std::move(done), {}, wbt_slot};
  request.completion_cpu_s = completion_cpu_s;
  note_wakes(request, wakes);
  waiting_by_start_[o].emplace(offset_bytes, sequence);
  waiting_by_end_[o].emplace(end, sequence);
  waiting_.emplace(sequence, std::move(request));
  ++totals_->queued_requests;
}

void BlockDevice::unindex(std::uint64_t sequence, const Request& request) {
  const int o = static_cast<int>(request.op);
  auto drop = [sequence](PooledMap<std::uint64_t, std::uint64_t>& index, std::uint64_t key) {
    if (auto it = index.find(key); it != index.end() && it->second == sequence) index.erase(it);
  };
  drop(waiting_by_start_[o], request.offset_bytes);
  drop(waiting_by_end_[o], request.offset_bytes + request.length_bytes);
}

std::uint64_t BlockDevice::write_queued_bytes() const {
  std::uint64_t bytes = 0;
  for (const auto& [sequence, request] : waiting_)
    if (request.op == Op::kWrite && !request.log) bytes += request.length_bytes;
  return bytes;
}

double BlockDevice::busy_s() const {
  return busy_until_idle_s_ + (in_service_.empty() ? 0 : engine_clock_s() - busy_since_s_);
}

void BlockDevice::dispatch(double now) {
  while (in_service_.size() < params_.queue_depth && !waiting_.empty()) {
    auto first = waiting_.begin();
    std::uint64_t sequence = first->first;
    Request request = std::move(first->second);
    unindex(sequence, request);
    waiting_.erase(first);
    start_service(sequence, std::move(request), now);
  }
  if (room_waiters_ > 0 && !congested()) room_->notify_all();
}

void BlockDevice::start_service(std::uint64_t sequence, Request request, double now) {
  const bool write = request.op == Op::kWrite;
  const double bandwidth = write ? params_.write_bandwidth_Bps : params_.read_bandwidth_Bps;
  // A request that does not follow the last one waits longer to start
  // (discontiguous_latency), overlapped like request_latency.
  const double seek_s = request.offset_bytes == channel_end_bytes_ ? 0 : params_.discontiguous_latency_s;
  channel_end_bytes_ = request.offset_bytes + request.length_bytes;
  const double transfer_start = std::max(now + params_.request_latency_s + seek_s, channel_free_at_s_);
  // A flush before and after (the FUA) with a volatile cache: blk-flush's
  // sequence, serialised with the data as a loop device's worker does.
  const double flushes_s = request.flush && params_.write_cache ? 2 * params_.flush_latency_s : 0;
  const double spread = median_one_lognormal(rng_, params_.service_sigma);
  double transfer_s = static_cast<double>(request.length_bytes) / bandwidth;
  if (copy_load_ && copy_load_->any()) transfer_s *= params_.copy_slowdown;
  // The device holds the request from its dispatch, or from the end of the
  // transfer before it; a stall in that time holds it too.
  channel_free_at_s_ = stalls_.end_of(
      std::max(now, channel_free_at_s_), transfer_start,
      flushes_s + spread * (params_.request_overhead_s +
                            static_cast<double>(request.segments) * params_.segment_overhead_s + transfer_s));
  (write ? stats_.write_bytes : stats_.read_bytes) += request.length_bytes;
  (write ? totals_->write_bytes : totals_->read_bytes) += request.length_bytes;
  ++(write ? stats_.write_requests : stats_.read_requests);
  if (request.log) {
    stats_.log_write_bytes += request.length_bytes;
    ++stats_.log_write_requests;
  }
  if (!write && wbt_enabled() && !wbt_.sync_issued) {
    // wbt_issue: the first read issued while none is tracked.
    wbt_.sync_issued = true;
    wbt_.sync_sequence = sequence;
    wbt_.sync_issue_s = now;
  }
  if (in_service_.empty()) busy_since_s_ = now;
  const double done_s = channel_free_at_s_;
  // The completion work it raises runs where the worker would serve the
  // next request when copying tasks leave the worker a single CPU.
  if (params_.served_on_cpus && request.completion_cpu_s > 0 && copy_load_ && copy_load_->tasks() + 1 >= cpus_)
    channel_free_at_s_ += request.completion_cpu_s;
  in_service_.push_back(InService{done_s, now, sequence, std::move(request)});
}

void BlockDevice::complete_due(double now) {
  while (!in_service_.empty() && in_service_.front().done_at_s <= now + kClockSlack_s) {
    // Moved out first: its completion may put requests in service.
    InService done = in_service_.pop_front();
    --totals_->queued_requests;
    const double dispatched_s = done.dispatched_s;
    const std::uint64_t sequence = done.sequence;
    Request& request = done.request;
    if (request.wakes) --waking_requests_;
    if (in_service_.empty()) busy_until_idle_s_ += now - busy_since_s_;
    Completion completion{request.op, request.offset_bytes, request.length_bytes, true, dispatched_s, now};
    if (request.op == Op::kWrite) {
      for (const auto& window : params_.write_errors)
        if (window.fails(now, request.offset_bytes, request.length_bytes)) completion.ok = false;
      if (!completion.ok) {
        stats_.failed_write_bytes += request.length_bytes;
        ++stats_.failed_write_requests;
      }
    }
    // blk_update_request ends the bios first; __blk_mq_end_request then adds
    // the request to the stats window and gives its blk-wbt slot back.
    request.done(completion);
    for (auto& done : request.merged) done(completion);
    if (wbt_enabled()) {
      wbt_advance(now);
      if (request.op == Op::kRead) {
        ++wbt_.read_samples;
        const double latency = now - dispatched_s;
        if (wbt_.read_samples == 1 || latency < wbt_.read_min_latency_s) wbt_.read_min_latency_s = latency;
        wbt_.last_read_s = now;  // wbt_done stamps last_comp
        if (wbt_.sync_issued && wbt_.sync_sequence == sequence) wbt_.sync_issued = false;
      } else {
        ++wbt_.write_samples;
      }
      if (request.wbt_slot) wbt_done(now);
    }
  }
}

// ---- blk-wbt (block/blk-wbt.c, block/blk-rq-qos.c) ----

bool BlockDevice::wbt_calc_max_depth() {
  const WbtDepths d = wbt_depths(params_.queue_depth, wbt_.scale_step);
  wbt_.max_depth = d.max_depth;
  wbt_.wb_normal = d.wb_normal;
  wbt_.wb_background = d.wb_background;
  return d.at_max;
}

bool BlockDevice::wbt_recent_wait(double now) const {
  return now < wbt_.last_dirty_sleep_s + kWbtRecentWait_s;
}

std::uint64_t BlockDevice::wbt_limit(WbtClass cls, double now) const {
  // get_limit: REQ_SYNC (WB_SYNC_ALL) or a recent balance_dirty_pages sleep
  // may fill max_depth; background writeback, or any while reads were issued
  // or completed in the last 100 ms (close_io), only wb_background.
  if (cls == WbtClass::kSync || wbt_recent_wait(now)) return wbt_.max_depth;
  if (cls == WbtClass::kBackground || now < wbt_.last_read_s + kWbtCloseIo_s) return wbt_.wb_background;
  return wbt_.wb_normal;
}

void BlockDevice::note_dirty_sleep() { wbt_.last_dirty_sleep_s = engine_clock_s(); }

void BlockDevice::wbt_wake_waiters(double now) {
  // wake_up_all with rq_qos_wake_function: waiters take slots in arrival
  // order; the first that cannot stops the walk.
  bool woke = false;
  while (!wbt_.waiters.empty()) {
    Wbt::Waiter* w = wbt_.waiters.front();
    if (wbt_.inflight >= wbt_limit(w->cls, now)) break;
    ++wbt_.inflight;
    w->granted = true;
    wbt_.waiters.pop_front();
    woke = true;
  }
  if (woke) wbt_wakeup_->notify_all();
}

void BlockDevice::wbt_done(double now) {
  // wbt_rqw_done. With a volatile write cache, and no task recently paused in
  // balance_dirty_pages, waiters wake only when nothing is left in flight.
  --wbt_.inflight;
  const std::uint64_t limit = params_.write_cache && !wbt_recent_wait(now) ? 0 : wbt_.wb_normal;
  if (wbt_.inflight > 0 && wbt_.inflight >= limit) return;
  if (wbt_.waiters.empty()) return;
  if (wbt_.inflight == 0 || limit - wbt_.inflight >= wbt_.wb_background / 2) wbt_wake_waiters(now);
}

void BlockDevice::wbt_arm_timer(double now) {
  // rwb_arm_timer: positive steps shrink the window to 100 ms / sqrt(step + 1).
  wbt_.window_s = wbt_.scale_step > 0
                      ? params_.wbt_window_s / std::sqrt(static_cast<double>(wbt_.scale_step + 1))
                      : params_.wbt_window_s;
  wbt_.timer_armed = true;
  wbt_.window_end_s = now + wbt_.window_s;
  wbt_.read_samples = wbt_.write_samples = 0;
}

void BlockDevice::wbt_advance(double now) {
  while (wbt_.timer_armed && wbt_.window_end_s <= now + kClockSlack_s) wbt_window_end();
}

void BlockDevice::wbt_window_end() {
  // wb_timer_fn at the end of a window, with latency_exceeded's verdict.
  const double now = wbt_.window_end_s;
  enum { kOk, kUnknown, kUnknownWrites, kExceeded } status;
  const double sync_latency = wbt_.sync_issued ? now - wbt_.sync_issue_s : 0;
  if (sync_latency > wbt_.window_s || (sync_latency > params_.wbt_latency_s && wbt_.read_samples == 0)) {
    status = kExceeded;
  } else if (wbt_.read_samples < 1 || wbt_.write_samples < kWbtMinWriteSamples) {
    // Only writes (or nothing): writes, a recent pause or writeback in
    // flight let the depth grow.
    status = wbt_.write_samples > 0 || wbt_recent_wait(now) || wbt_.inflight > 0 ? kUnknownWrites : kUnknown;
  } else {
    status = wbt_.read_min_latency_s > params_.wbt_latency_s ? kExceeded : kOk;
  }
  bool scaled_up = false;
  auto scale_up = [&] {
    if (wbt_.scaled_max) return;
    --wbt_.scale_step;
    wbt_.scaled_max = wbt_calc_max_depth();
    wbt_.unknown_count = 0;
    scaled_up = true;
  };
  auto scale_down = [&](bool hard) {
    if (wbt_.max_depth == 1) return;
    if (wbt_.scale_step < 0 && hard) {
      wbt_.scale_step = 0;
    } else {
      ++wbt_.scale_step;
    }
    wbt_.scaled_max = false;
    wbt_calc_max_depth();
    wbt_.unknown_count = 0;
  };
  switch (status) {
    case kExceeded:
      scale_down(true);
      break;
    case kOk:
    case kUnknownWrites:
      scale_up();
      break;
    case kUnknown:
      if (++wbt_.unknown_count < kWbtUnknownBump) break;
      // Back towards the centre when nothing tells either way.
      if (wbt_.scale_step > 0) {
        scale_up();
      } else if (wbt_.scale_step < 0) {
        scale_down(false);
      }
      break;
  }
  if (wbt_.scale_step != 0 || wbt_.inflight > 0) {
    wbt_arm_timer(now);
  } else {
    wbt_.timer_armed = false;
  }
  // rwb_wake_all, once the next window is set: waking is a simcall, and an
  // actor that runs meanwhile must not find this window still due (the
  // kernel's wb_timer_fn runs as one).
  if (scaled_up) wbt_wake_waiters(now);
}

double BlockDevice::wbt_wait(WbtClass cls, bool plugged) {
  if (!wbt_enabled()) return 0;
  double now = this->now();
  wbt_advance(now);
  double slept = 0;
  // rq_qos_wait: no barging past waiters.
  if (!wbt_.waiters.empty() || wbt_.inflight >= wbt_limit(cls, now)) {
    Wbt::Waiter waiter{cls};
    wbt_.waiters.push_back(&waiter);
    rouse();  // a completion (wbt_done) wakes it
    ++stats_.wbt_waits;
    if (plugged) unplug();  // io_schedule flushes the caller's plug before sleeping
    {
      ActorLock lock(*wbt_mutex_);
      while (!waiter.granted) {
        // A window's end may scale the limits up and let it in.
        if (wbt_.timer_armed) {
          wbt_wakeup_->wait_until(lock, wbt_.window_end_s);
        } else {
          wbt_wakeup_->wait(lock);
        }
        wbt_advance(engine_clock_s());
      }
    }
    if (plugged) plug();
    slept = engine_clock_s() - now;
    stats_.wbt_wait_s += slept;
    now = engine_clock_s();
  } else {
    ++wbt_.inflight;
  }
  if (!wbt_.timer_armed) wbt_arm_timer(now);
  return slept;
}

void BlockDevice::run() {
  // Killed with the other daemons when the last job ends: from then on, the
  // engine must not complete anything for it (its timer would keep the
  // clock going and wake tasks that are gone).
  struct StopOnKill {
    BlockDevice& device;
    ~StopOnKill() { device.stop(); }
  } stop_on_kill{*this};
  ActorLock lock(*mutex_);
  while (true) {
    const double now = engine_clock_s();
    complete_due(now);
    dispatch(now);
    if (in_service_.empty()) {
      // Requests queued while this actor yielded inside complete_due or
      // dispatch (every notify is a simcall, and the woken submitter may
      // run first) found it awake: their wake() was lost. Dispatch them now,
      // as blk-mq runs the hardware queue whenever requests wait and a tag
      // is free, rather than sleeping on a wake-up that will not come.
      if (!waiting_.empty()) continue;
      wakeup_->wait(lock);
    } else if (lazy_) {
      // Completions are applied without this actor (lazy_completions.hpp),
      // which waits for the device to go idle and a submission to wake it.
      if (!parked_ && !timer_) await_completion(now);
      wakeup_->wait(lock);
    } else {
      // Nothing wakes it earlier: wake() notifies only an idle device, and a
      // request dispatched meanwhile ends after every one in service. A
      // plain sleep costs SimGrid less than a timed wait.
      sg4::this_actor::sleep_until(in_service_.front().done_at_s);
    }
  }
}

}  // namespace foliosim::block_device
