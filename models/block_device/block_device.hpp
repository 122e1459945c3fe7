// A block device with a real queue: requests wait in a FIFO, adjacent waiting
// requests merge (the elevator's back and front merges), at most queue_depth
// are in service at once. A request in service costs a fixed latency, which
// overlaps with other requests, plus a per-request overhead and its bytes over
// the bandwidth, which are serialised: so queue depth 1 gives latency +
// overhead + size/bandwidth per request, and a deep queue makes the bandwidth
// (large requests) or the overhead (small ones, an IOPS limit) the bound.
//
// One daemon actor per device; its SimGrid activities in flight are one wait at
// a time, whatever the queue holds (DESIGN.md section 5).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <vector>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/device_params.hpp"

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

// Called by the device actor when the request completes; must not block (it
// runs in interrupt context, as bio_endio does).
using CompletionFn = std::function<void(const Completion&)>;

struct DeviceStats {
  std::uint64_t write_bytes = 0;
  std::uint64_t write_requests = 0;  // as dispatched, after merging
  std::uint64_t read_bytes = 0;
  std::uint64_t read_requests = 0;
  std::uint64_t merges = 0;          // submissions merged into a waiting request
  std::uint64_t failed_write_bytes = 0;     // completed with EIO
  std::uint64_t failed_write_requests = 0;
  std::uint64_t peak_queued = 0;     // waiting + in service
  double busy_s = 0;                 // time with at least one request in service
};

class BlockDevice {
 public:
  explicit BlockDevice(const DeviceParams& params);
  BlockDevice(const BlockDevice&) = delete;
  BlockDevice& operator=(const BlockDevice&) = delete;

  // Starts the device's daemon actor on `host`.
  void start(simgrid::s4u::Host* host);

  // Queues an I/O; never blocks. I/O larger than max_request_size is split
  // (bio_split); `done` runs once, when every piece has completed.
  void submit(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, CompletionFn done);

  // While plugged (blk_start_plug), submissions only queue: the device is
  // woken once, at unplug, so a burst merges before any of it is dispatched.
  void plug() { ++plugged_; }
  void unplug();

  // More requests wait than the device has tags for (nr_requests): a
  // submitter of bulk I/O (writeback) sleeps in wait_for_room() until the
  // device dispatches, as blk_mq_get_tag sleeps.
  bool congested() const { return queued() >= params_.queue_depth; }
  void wait_for_room();

  // How many requests submit() makes of `length_bytes` before any merging.
  std::uint64_t requests_for(std::uint64_t length_bytes) const;

  std::uint64_t queued_requests() const { return queued(); }
  const DeviceParams& params() const { return params_; }
  const DeviceStats& stats() const { return stats_; }

 private:
  struct Request {
    Op op;
    std::uint64_t offset_bytes;
    std::uint64_t length_bytes;
    std::vector<CompletionFn> done;  // one per submission merged into it
  };
  struct InService {
    double done_at_s;
    double dispatched_s;
    std::uint64_t sequence;  // ties complete in dispatch order
    Request request;
    bool operator>(const InService& other) const {
      return done_at_s != other.done_at_s ? done_at_s > other.done_at_s : sequence > other.sequence;
    }
  };

  void enqueue(Op op, std::uint64_t offset_bytes, std::uint64_t length_bytes, CompletionFn done);
  void unindex(std::uint64_t sequence, const Request& request);
  void run();
  void dispatch();
  void complete_due();
  void wake();
  std::size_t queued() const { return waiting_.size() + in_service_.size(); }

  DeviceParams params_;
  DeviceStats stats_;
  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr wakeup_;
  simgrid::s4u::MutexPtr room_mutex_;
  simgrid::s4u::ConditionVariablePtr room_;
  int room_waiters_ = 0;

  // Waiting requests in arrival order, with indexes by start and end offset so
  // a merge candidate is found in O(log n), per operation.
  std::map<std::uint64_t, Request> waiting_;
  std::map<std::uint64_t, std::uint64_t> waiting_by_start_[2];
  std::map<std::uint64_t, std::uint64_t> waiting_by_end_[2];
  std::uint64_t next_sequence_ = 0;

  std::priority_queue<InService, std::vector<InService>, std::greater<>> in_service_;
  double channel_free_at_s_ = 0;  // when the data transfer channel is next free
  double busy_since_s_ = 0;
  int plugged_ = 0;
};

// blk_start_plug / blk_finish_plug for one scope.
class Plug {
 public:
  explicit Plug(BlockDevice& device) : device_(device) { device_.plug(); }
  ~Plug() { device_.unplug(); }
  Plug(const Plug&) = delete;
  Plug& operator=(const Plug&) = delete;

 private:
  BlockDevice& device_;
};

}  // namespace foliosim::block_device
