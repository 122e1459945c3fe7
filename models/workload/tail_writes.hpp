// The slowest write calls of a run (the tail past a percentile), each with the
// events it waited on as a dependency graph, for latency attribution.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace foliosim::workload {

struct TailEvent {
  std::string component;  // cpu, direct_reclaim, dirty_throttle, writeback_submission, ...
  double start_s;
  double end_s;
  std::vector<int> after;  // indices of the events it waited for
};

struct TailWrite {
  double start_s;
  double latency_s;
  std::vector<TailEvent> events;
};

// Keeps the `capacity` slowest writes offered, in bounded memory.
class TailRecorder {
 public:
  void set_capacity(std::size_t capacity) { capacity_ = capacity; }
  // Room for the writes slower than `percentile` of `expected_calls`, at
  // most `max_writes`, at least one.
  void size_for(double expected_calls, double percentile, std::uint64_t max_writes) {
    const double tail = std::min(expected_calls * (1 - percentile / 100), static_cast<double>(max_writes));
    set_capacity(static_cast<std::size_t>(std::max(1.0, std::ceil(tail - 1e-9))));
  }

  // Whether a write of `latency_s` would be kept: build its events only then.
  bool wants(double latency_s) const {
    return capacity_ > 0 && (heap_.size() < capacity_ || latency_s > heap_.front().latency_s);
  }

  void offer(TailWrite write) {
    if (!wants(write.latency_s)) return;
    if (heap_.size() == capacity_) {
      std::pop_heap(heap_.begin(), heap_.end(), faster_last);
      heap_.pop_back();
    }
    heap_.push_back(std::move(write));
    std::push_heap(heap_.begin(), heap_.end(), faster_last);
  }

  // Slowest first; ties by start time, so the order is reproducible.
  std::vector<TailWrite> slowest() const {
    std::vector<TailWrite> out = heap_;
    std::sort(out.begin(), out.end(), [](const TailWrite& a, const TailWrite& b) {
      return a.latency_s != b.latency_s ? a.latency_s > b.latency_s : a.start_s < b.start_s;
    });
    return out;
  }

 private:
  // A min-heap on latency: the fastest kept write is the first to go.
  static bool faster_last(const TailWrite& a, const TailWrite& b) {
    return a.latency_s != b.latency_s ? a.latency_s > b.latency_s : a.start_s < b.start_s;
  }

  std::size_t capacity_ = 0;
  std::vector<TailWrite> heap_;
};

}  // namespace foliosim::workload
