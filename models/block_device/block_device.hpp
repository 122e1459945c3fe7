// A block device with a real queue: requests wait in a FIFO, adjacent waiting
// requests merge (the elevator's back and front merges), at most queue_depth
// are in service at once. A request in service costs a fixed latency, which
// overlaps with other requests, plus a per-request overhead and its bytes over
// the bandwidth, which are serialised: so queue depth 1 gives latency +
// overhead + size/bandwidth per request, and a deep queue makes the bandwidth
// (large requests) or the overhead (small ones, an IOPS limit) the bound.
//
// Buffered writeback passes blk-wbt first (block/blk-wbt.c): a submitter of
// writeback takes a slot with wbt_wait() before each request, and sleeps while
// as many as its class may have are in flight.
//
// One daemon actor per device; its SimGrid activities in flight are one wait at
// a time, whatever the queue holds (DESIGN.md section 5). With lazy
// completions (lazy_completions.hpp, the default) it has none: it dispatches
// to an idle device, and completions are applied as the clock passes them or
// by an engine timer.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include <simgrid/forward.h>
#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/bio_split.hpp"
#include "models/block_device/channel_stalls.hpp"
#include "models/block_device/device_params.hpp"
#include "models/block_device/device_totals.hpp"
#include "models/block_device/lazy_completions.hpp"
#include "models/common/actor_lock.hpp"
#include "models/common/copy_load.hpp"
#include "models/common/inplace_function.hpp"
#include "models/common/node_pool.hpp"
#include "models/common/ring_fifo.hpp"

namespace foliosim::block_device {

enum class Op { kWrite, kRead };

struct Completion {
  Op op;
  std::uint64_t offset_bytes;
  std::uint64_t length_bytes;
  bool ok = true;
  double dispatched_s = 0;  // left the queue for the device
  double completed_s = 0;
};

// Called when the request completes; must not block (it runs in interrupt
// context, as bio_endio does; here in the engine, outside any actor: it may
// notify, never wait). Kept in place: no allocation a request.
using CompletionFn = InplaceFunction<void(const Completion&)>;

// A writeback request's class for blk-wbt, from its flags (wbc_to_write_flags):
// WB_SYNC_ALL writeback (fsync) is REQ_SYNC and may fill max_depth; kupdate
// and background writeback are REQ_BACKGROUND, held to wb_background; the rest
// (dontcache kicks, writeback woken by reclaim) to wb_normal.
enum class WbtClass { kSync, kNormal, kBackground };

struct DeviceStats {
  std::uint64_t write_bytes = 0;
  std::uint64_t write_requests = 0;  // as dispatched, after merging
  std::uint64_t read_bytes = 0;
  std::uint64_t read_requests = 0;
  std::uint64_t log_write_bytes = 0;     // of write_bytes: filesystem log / journal writes
  std::uint64_t log_write_requests = 0;  // of write_requests
  std::uint64_t merges = 0;              // submissions merged into a waiting request
  std::uint64_t failed_write_bytes = 0;  // completed with EIO
  std::uint64_t failed_write_requests = 0;
  std::uint64_t peak_queued = 0;  // waiting + in service
  std::uint64_t wbt_waits = 0;    // writeback submissions that slept in blk-wbt
  double wbt_wait_s = 0;          // and how long, in all

  template <class F>
  void stats(F& f) const {
    f.bytes("write_bytes", write_bytes, "bytes written (failed writes included)");
    f.count("write_requests", write_requests, "write requests dispatched, after merging");
    f.bytes("read_bytes", read_bytes, "bytes read");
    f.count("read_requests", read_requests, "read requests dispatched, after merging");
    f.bytes("log_write_bytes", log_write_bytes, "of write_bytes, the filesystem's log / journal writes");
    f.count("log_write_requests", log_write_requests, "of write_requests, the log / journal writes");
    f.count("merges", merges, "submissions merged into a waiting request");
    f.count("peak_queued_requests", peak_queued, "most requests waiting or in service at once");
  }
};

class BlockDevice {
 public:
  // `rng` draws each request's service spread (service_sigma; unused when
  // that is 0), `stall_rng` the channel's stalls (stall_rate: a stream of
  // their own, so stalls on or off do not move the spread).
  explicit BlockDevice(const DeviceParams& params, std::mt19937_64 rng = std::mt19937_64(),
                       std::mt19937_64 stall_rng = std::mt19937_64(0));
  BlockDevice(const BlockDevice&) = delete;
  BlockDevice& operator=(const BlockDevice&) = delete;

  // Starts the device's daemon actor on `host`.
  void start(simgrid::s4u::Host* host);
  // The machine's copying tasks, which slow transfers by copy_slowdown, and
  // its CPUs, which they may leave to the worker alone (served_on_cpus);
  // none (nullptr, the default): never slowed.
  void set_copy_load(const CopyLoad* load, std::uint64_t cpus) {
    copy_load_ = load;
    cpus_ = cpus;
  }
  // Adds this device's bytes and queued requests to `totals` from now on
  // (before its first request; shared by a machine's devices).
  void count_into(DeviceTotals* totals) { totals_ = totals; }

  // Queues an I/O whose memory is `segments` physically contiguous pieces
  // (bio_vecs) of about equal size; never blocks. I/O beyond
  // max_request_size or max_segments is split (bio_split_rw_at); `done` runs
  // once, when every piece has completed.
  // `wbt_slot`: the caller took a blk-wbt slot for it (wbt_wait), which the
  // request gives back when it completes, or at once if it merges into
  // another (a merged bio never holds one in the kernel).
  // `wakes`: `done` may wake a task (an IoWaiter, a reader); false for
  // writeback, whose waiters watch LazyCompletions instead.
  // `completion_cpu_s`: the completion work its completion raises
  // (served_on_cpus).
  void submit(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, std::uint64_t segments, CompletionFn done,
              bool wbt_slot = false, bool wakes = true, double completion_cpu_s = 0);

  // A filesystem log or journal write (`flush`: REQ_PREFLUSH | REQ_FUA, a
  // commit record; else REQ_SYNC metadata): one request that nothing merges
  // with (rq_mergeable refuses REQ_NOMERGE_FLAGS), counted apart in
  // log_write_bytes. The log block is one contiguous buffer: one segment.
  void submit_log(std::uint64_t offset_bytes, std::uint64_t length_bytes, bool flush, CompletionFn done);

  // wbt_wait: takes a blk-wbt slot for one writeback request of class `cls`,
  // sleeping while the class's limit is reached or others wait before it;
  // a caller holding a plug (`plugged`) has it flushed while it sleeps, as
  // io_schedule does. Returns the seconds slept; 0 at once when blk-wbt is
  // off (wbt_latency 0).
  double wbt_wait(WbtClass cls, bool plugged = false);
  // balance_dirty_pages paused a task writing to this device
  // (bdi->last_bdp_sleep): for a second, writeback may use max_depth and
  // completions wake waiters at wb_normal instead of at an empty queue.
  void note_dirty_sleep();
  bool wbt_enabled() const { return params_.wbt_latency_s > 0; }
  // Requests of buffered writeback in flight, as blk-wbt counts them.
  std::uint64_t wbt_inflight() const { return wbt_.inflight; }

  // While plugged (blk_start_plug), submissions queue and the device is woken
  // at unplug, so a burst merges before any of it is dispatched. A plug that
  // holds 32 requests, or whose last is 128 KiB or more, is flushed before
  // the next is added (blk_add_rq_to_plug): large writeback requests reach
  // the device as writepages builds them, beside its CPU work.
  void plug() {
    if (plugged_++ == 0) plug_requests_ = 0;
  }
  void unplug();

  // More requests wait than the device has tags for (nr_requests): a
  // submitter of bulk I/O (writeback) sleeps in wait_for_room() until the
  // device dispatches, as blk_mq_get_tag sleeps.
  bool congested() const { return queued() >= params_.queue_depth; }
  void wait_for_room();

  // How many requests submit() makes of `length_bytes` in `segments` before
  // any merging.
  std::uint64_t requests_for(std::uint64_t length_bytes, std::uint64_t segments) const;
  RequestLimits limits() const { return {params_.max_request_bytes, params_.max_segments}; }

  std::uint64_t queued_requests() const { return queued(); }
  // Bytes of data write requests queued and not yet dispatched (not yet
  // counted in write_bytes; log writes left out).
  std::uint64_t write_queued_bytes() const;
  const DeviceParams& params() const { return params_; }
  const DeviceStats& stats() const { return stats_; }
  // Time with at least one request in service so far, the stretch still
  // going on included.
  double busy_s() const;

  // Whether a task whose own time is `at_s`, ahead of the clock by CPU work
  // it has not run yet, may submit one writeback request of class `cls` at
  // that time without running the work first (DeviceParams::submit_ahead):
  // nothing sleeps on the device or holds it plugged, nothing waits in its
  // queue, it stays busy through `at_s` (so the request is dispatched in
  // place, as at `at_s`), has room and a blk-wbt slot then, and no blk-wbt
  // window ends before. Applies the completions due by `at_s` first, so the
  // request finds the device as it would at `at_s`.
  bool may_submit_at(double at_s, WbtClass cls);
  // Whether one task alone does I/O on the device (one job clone; the
  // flusher aside): only then may it submit ahead, since another's
  // submission before its time would have gone first.
  void set_one_task(bool one) { one_task_ = one; }
  // Where its completions are applied without its actor; null: by the actor.
  LazyCompletions* lazy_completions() const { return lazy_; }
  // Whether submissions ahead are on for this device at all.
  bool submits_ahead() const { return params_.submit_ahead && one_task_ && lazy_; }

  // A task is about to sleep on one of this device's completions: they are
  // applied at their times again (an engine timer), not only when the clock
  // passes them.
  void rouse();
  // Applies the completions due at `due_s` and what the actor would then
  // have dispatched, and waits for the next one or goes idle.
  void complete_at(double due_s);
  ~BlockDevice();

 private:
  friend class LazyCompletions;
  friend class SubmitAt;

  struct Request {
    Op op;
    std::uint64_t offset_bytes;
    std::uint64_t length_bytes;
    std::uint64_t segments;          // nr_phys_segments
    CompletionFn done;                // the first submission's
    std::vector<CompletionFn> merged;  // one per submission merged into it since
    bool wbt_slot = false;           // holds a blk-wbt slot until it completes
    bool log = false;                // a filesystem log write: never merged
    bool flush = false;              // REQ_PREFLUSH | REQ_FUA: the device's cache flushed before and after
    bool wakes = false;              // a submission merged into it has a completion that may wake a task
    double completion_cpu_s = 0;     // completion work its submissions raise (served_on_cpus)
  };

  // blk-wbt's state (struct rq_wb, struct rq_depth) and its stats window
  // (the blk_stat callback).
  struct Wbt {
    struct Waiter {
      WbtClass cls;
      bool granted = false;
    };
    std::uint64_t inflight = 0;
    int scale_step = 0;
    bool scaled_max = false;
    std::uint64_t max_depth = 0, wb_normal = 0, wb_background = 0;
    unsigned unknown_count = 0;
    bool timer_armed = false;
    double window_s = 0;      // cur_win_nsec
    double window_end_s = 0;  // when wb_timer_fn runs next
    // Completions in the current window (a request counts in its window).
    std::uint64_t read_samples = 0, write_samples = 0;
    double read_min_latency_s = 0;
    // The oldest read in flight that is tracked (sync_issue, sync_cookie).
    bool sync_issued = false;
    std::uint64_t sync_sequence = 0;
    double sync_issue_s = 0;
    double last_read_s = -1e300;         // last read issued or completed (close_io)
    double last_dirty_sleep_s = -1e300;  // bdi->last_bdp_sleep
    std::deque<Waiter*> waiters;         // in arrival order (exclusive wait)
  };
  struct InService {
    double done_at_s;
    double dispatched_s;
    std::uint64_t sequence;
    Request request;
  };

  // A submitted bio joins the waiting request `r` (a back or front merge):
  // its completion runs with r's.
  void merge_bio(Request& r, std::uint64_t length_bytes, std::uint64_t segments, CompletionFn done, bool wbt_slot,
                 bool wakes, double completion_cpu_s);
  void enqueue(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, std::uint64_t segments, CompletionFn done,
               bool wbt_slot, bool wakes, double completion_cpu_s);
  // Counts a request whose completion may wake a task, in flight.
  void note_wakes(Request& request, bool wakes);
  // blk-wbt: limits from the scale step, the limit a class acquires under,
  // giving a slot back (wbt_done), waking waiters in order, and the monitoring
  // windows up to `now` (wb_timer_fn, run when due).
  bool wbt_calc_max_depth();
  std::uint64_t wbt_limit(WbtClass cls, double now) const;
  bool wbt_recent_wait(double now) const;
  void wbt_done(double now);
  void wbt_wake_waiters(double now);
  void wbt_arm_timer(double now);
  void wbt_advance(double now);
  void wbt_window_end();
  void unindex(std::uint64_t sequence, const Request& request);
  // A new request of `length_bytes` joins the plug, which is flushed first
  // when full (merges into a waiting request add none, as in the kernel).
  void add_to_plug(std::uint64_t length_bytes);
  void run();
  void dispatch(double now);
  // Puts `request` in service at `now`, behind what the channel holds.
  void start_service(std::uint64_t sequence, Request request, double now);
  void complete_due(double now);
  void wake();
  // The completions may wait for the clock to pass them: nothing sleeps on
  // one, and the next lies ahead of `now`.
  bool may_park(double now) const;
  // With requests in service: parks with LazyCompletions when it may, else
  // sets a timer at the next completion.
  void await_completion(double now);
  // The run is over: no timer, no parking.
  void stop();
  std::size_t queued() const { return waiting_.size() + in_service_.size(); }
  // The time submissions happen at: the clock, or a task's own (SubmitAt).
  double now() const;

  DeviceParams params_;
  std::mt19937_64 rng_;
  ChannelStalls stalls_;
  const CopyLoad* copy_load_ = nullptr;
  DeviceTotals own_totals_;  // none shared: counted here, read by no one
  DeviceTotals* totals_ = &own_totals_;
  std::uint64_t cpus_ = 0;
  DeviceStats stats_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr wakeup_;
  simgrid::s4u::MutexPtr room_mutex_;
  simgrid::s4u::ConditionVariablePtr room_;
  int room_waiters_ = 0;

  // Waiting requests in arrival order, with indexes by start and end offset so
  // a merge candidate is found in O(log n), per operation.
  PooledMap<std::uint64_t, Request> waiting_;
  PooledMap<std::uint64_t, std::uint64_t> waiting_by_start_[2];
  PooledMap<std::uint64_t, std::uint64_t> waiting_by_end_[2];
  std::uint64_t next_sequence_ = 0;

  // In dispatch order, which is completion order: the channel is FIFO
  // (start_service), so each request completes no earlier than the one
  // dispatched before it, and ties complete in dispatch order.
  RingFifo<InService> in_service_;
  double channel_free_at_s_ = 0;  // when the data transfer channel is next free
  std::uint64_t channel_end_bytes_ = 0;  // where the last request dispatched to it ended
  double busy_since_s_ = 0;
  double busy_until_idle_s_ = 0;  // busy time up to the last moment the device went idle
  int plugged_ = 0;
  std::uint64_t plug_requests_ = 0;    // requests added since the plug last flushed
  std::uint64_t plug_last_bytes_ = 0;  // the size of the last of them

  // Lazy completions (lazy_completions.hpp); null: the actor sleeps until each.
  LazyCompletions* lazy_ = nullptr;
  std::uint64_t lazy_order_ = 0;
  bool parked_ = false;       // LazyCompletions applies its completions, the front's next
  double lazy_entry_s_ = -1;  // the due time of its entry in LazyCompletions; < 0: none
  simgrid::kernel::timer::Timer* timer_ = nullptr;       // set at its next completion
  bool stopped_ = false;                                 // the actor is gone: nothing is completed
  std::uint64_t waking_requests_ = 0;  // requests waiting or in service whose completion may wake a task

  bool one_task_ = false;
  double submit_at_s_ = -1;  // a task's time, while it submits ahead (SubmitAt); < 0: none
  Wbt wbt_;
  simgrid::s4u::MutexPtr wbt_mutex_;
  simgrid::s4u::ConditionVariablePtr wbt_wakeup_;
};

// For one scope, the device's submissions happen at `at_s`, a task's own
// time, once may_submit_at(at_s) said they may.
class SubmitAt {
 public:
  SubmitAt(BlockDevice& device, double at_s) : device_(device) { device_.submit_at_s_ = at_s; }
  ~SubmitAt() { device_.submit_at_s_ = -1; }
  SubmitAt(const SubmitAt&) = delete;
  SubmitAt& operator=(const SubmitAt&) = delete;

 private:
  BlockDevice& device_;
};

// blk_start_plug / blk_finish_plug for one scope. Unplugging may wake the
// device (a simcall): not while an exception unwinds the actor (actor_lock.hpp).
class Plug {
 public:
  explicit Plug(BlockDevice& device) : device_(device) { device_.plug(); }
  ~Plug() {
    if (!unwind_.unwinding()) device_.unplug();
  }
  Plug(const Plug&) = delete;
  Plug& operator=(const Plug&) = delete;

 private:
  BlockDevice& device_;
  UnwindCheck unwind_;
};

}  // namespace foliosim::block_device
