// What the application saw: its calls, bytes and per-write latency.
#pragma once

#include <cstdint>

#include "models/workload/tail_writes.hpp"
#include "models/common/latency_histogram.hpp"

namespace foliosim::workload {

// Pages of one file by state (cachestat's nr_cache, nr_dirty, nr_writeback).
struct FileStatePages {
  std::uint64_t cached = 0, dirty = 0, writeback = 0;
};

struct WorkloadStats {
  std::uint64_t write_calls = 0;
  std::uint64_t app_write_bytes = 0;
  std::uint64_t fsync_calls = 0;
  std::uint64_t read_calls = 0;
  std::uint64_t app_read_bytes = 0;
  LatencyHistogram read_latency;
  LatencyHistogram write_latency;
  LatencyHistogram fsync_latency;
  // Where the write calls' time went, summed over calls: the rest of each
  // call's latency is CPU (copy, folio work) and waiting for the CPU.
  double throttle_time_s = 0;     // in balance_dirty_pages
  double reclaim_time_s = 0;      // in direct reclaim
  double kick_time_s = 0;         // dontcache writeback submitted inline
  double stable_wait_time_s = 0;  // waiting for writeback of a rewritten folio
  double total_write_time_s = 0;
  std::uint64_t eopnotsupp_errors = 0;  // dontcache on a filesystem without it
  std::uint64_t eio_write_errors = 0;   // write calls that returned EIO
  std::uint64_t fsync_errors = 0;       // fsync calls that returned EIO
  std::uint64_t zeroed_bytes = 0;       // XFS zeroing done before extending writes
  TailRecorder tail;  // the slowest calls, for latency attribution
  double last_write_end_s = 0;  // end of the write phase (before fsync)
  // The most of each state a writer saw of its own file between its calls:
  // what cachestat sampled in a write loop sees, never the moments a writer
  // is inside a call (blocked in reclaim or blk-wbt, say).
  FileStatePages peak_between_writes;
};

}  // namespace foliosim::workload
