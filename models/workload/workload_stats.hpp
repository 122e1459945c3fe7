// What the application saw: its calls, bytes and per-write latency.
#pragma once

#include <cstdint>

#include <vector>

#include "models/common/latency_histogram.hpp"
#include "models/common/pages.hpp"
#include "models/workload/job_stats.hpp"
#include "models/workload/tail_writes.hpp"
#include "models/workload/writeback_waves.hpp"

namespace foliosim::workload {

struct WorkloadStats {
  std::uint64_t write_calls = 0;
  std::uint64_t app_write_bytes = 0;
  std::uint64_t fsync_calls = 0;
  std::uint64_t read_calls = 0;
  std::uint64_t app_read_bytes = 0;
  LatencyHistogram read_latency;
  // Where the read calls' time went, summed over calls (the rest is CPU).
  double read_lock_wait_s = 0;    // waiting for the inode lock
  double read_device_wait_s = 0;  // waiting for the device: their reads, or readahead under way
  double read_reclaim_s = 0;      // making room for the folios read in
  double total_read_time_s = 0;
  std::uint64_t read_pages = 0;              // pages the buffered reads asked for
  std::uint64_t read_missed_pages = 0;       // of those, not in the cache when the call looked
  double first_read_start_s = -1;            // when the first read call started; -1: none yet
  double last_read_end_s = 0;                // when the last read call returned
  TailRecorder read_tail;                    // the slowest read calls
  std::uint64_t readahead_pages = 0;         // read from the device ahead of the reads' requests
  std::uint64_t readahead_used_pages = 0;    // of those (and of readahead before), pages a read then asked for
  std::uint64_t read_dropped_pages = 0;      // dontcache reads: folios read in and dropped after the copy
  std::uint64_t read_eopnotsupp_errors = 0;  // dontcache reads on a filesystem without it
  std::uint64_t read_page_faults = 0;        // mmap reads: faults on the mapping
  std::uint64_t read_major_faults = 0;       // of those, faults that read their page from the device
  LatencyHistogram write_latency;  // the jobs' merged at the end (a call updates its job's only)
  LatencyHistogram fsync_latency;
  // Where the write calls' time went, summed over calls: the rest of each
  // call's latency is CPU (copy, folio work) and waiting for the CPU.
  double throttle_time_s = 0;     // in balance_dirty_pages
  double reclaim_time_s = 0;      // in direct reclaim
  double kick_time_s = 0;         // dontcache writeback submitted inline
  double stable_wait_time_s = 0;  // waiting for writeback of a rewritten folio
  double lock_wait_time_s = 0;    // waiting for the inode lock
  double partial_read_time_s = 0;  // reading pages written only in part
  double free_space_time_s = 0;    // ext4: waiting for writeback pushed as free space ran low
  double total_write_time_s = 0;
  std::uint64_t eopnotsupp_errors = 0;  // dontcache on a filesystem without it
  std::uint64_t eio_write_errors = 0;   // write calls that returned EIO
  std::uint64_t fsync_errors = 0;       // fsync calls that returned EIO
  std::uint64_t zeroed_bytes = 0;       // XFS zeroing done before extending writes
  TailRecorder tail;                    // the slowest calls, for latency attribution
  double last_write_end_s = 0;          // end of the write phase (before fsync)
  // The most of each state a writer saw of its own file between its calls:
  // what cachestat sampled in a write loop sees, never the moments a writer
  // is inside a call (blocked in reclaim or blk-wbt, say).
  FileStatePages peak_between_writes;
  // The writeback counts those samples saw, all writers together.
  WritebackWaves writeback_waves;
  // Per job, in the scenario's order: the same calls, split by job.
  std::vector<JobStats> jobs;

  template <class F>
  void stats(F& f) const {
    f.seconds("write_phase_s", last_write_end_s, "when the last write call returned (fsync may follow)");
    f.count("write_calls", write_calls, "write calls made, all jobs");
    f.bytes("app_write_bytes", app_write_bytes, "bytes the write calls wrote");
    f.latency("write_latency_us", write_latency, "latency of a write call");
    f.count("read_calls", read_calls, "read calls made, all jobs");
    f.bytes("app_read_bytes", app_read_bytes, "bytes the read calls read");
    f.latency("read_latency_us", read_latency, "latency of a read call");
    const double read_phase_s = first_read_start_s < 0 ? 0 : last_read_end_s - first_read_start_s;
    f.seconds("read_phase_s", read_phase_s, "from the first read call's start to the last read's return");
    f.rate("read_throughput_Bps",
           read_phase_s > 0 ? static_cast<double>(app_read_bytes) / kPageBytes / read_phase_s : 0,
           "bytes read over the read phase");
    f.fraction("read_cache_hit_ratio",
               read_pages ? static_cast<double>(read_pages - read_missed_pages) / static_cast<double>(read_pages) : 0,
               "buffered and dontcache reads: share of the pages asked for that were in the cache when the call "
               "looked (a page still being read ahead counts: it is found)");
    const double reads = static_cast<double>(read_latency.count() ? read_latency.count() : 1);
    f.group("read_latency_split_mean_us", "mean time per read call in each part of the read path", [&](auto& g) {
      g.micros("cpu", (total_read_time_s - read_lock_wait_s - read_device_wait_s - read_reclaim_s) / reads,
               "copying, folio work, and waiting for a CPU");
      g.micros("inode_lock", read_lock_wait_s / reads, "waiting for the inode lock (XFS: behind a writer of the file)");
      g.micros("device", read_device_wait_s / reads, "waiting for the device: its reads or readahead under way");
      g.micros("reclaim", read_reclaim_s / reads, "making room for the folios read in (direct reclaim)");
    });
    f.pages("readahead_bytes", readahead_pages, "read from the device by readahead, ahead of what a read asked");
    f.pages("readahead_used_bytes", readahead_used_pages, "read-ahead bytes a read then asked for");
    f.pages("read_dropped_bytes", read_dropped_pages, "dontcache reads: bytes read in and dropped after the copy");
    f.count("read_page_faults", read_page_faults, "mmap readers: page faults on their mapping");
    f.count("read_major_faults", read_major_faults, "of those, faults that read their page from the device");
    f.count("read_eopnotsupp_errors", read_eopnotsupp_errors,
            "dontcache read calls refused (EOPNOTSUPP) by a filesystem without support for it");
    f.count("fsync_calls", fsync_calls, "fsync calls made");
    f.latency("fsync_latency_us", fsync_latency, "latency of an fsync call");
    f.bytes("zeroed_bytes", zeroed_bytes, "bytes XFS zeroed before file-extending writes");
    f.group("write_call_errors", "write calls that failed, by error", [&](auto& g) {
      g.count("EIO", eio_write_errors, "write calls that returned EIO (a dontcache write after a failed writeback)");
      g.count("EOPNOTSUPP", eopnotsupp_errors, "dontcache write calls on a filesystem without support for it");
    });
    f.count("fsync_errors", fsync_errors, "fsync calls that returned EIO");
    // The rest of a call's latency is CPU work and waiting for a CPU.
    const double calls = static_cast<double>(write_latency.count() ? write_latency.count() : 1);
    const double waits = reclaim_time_s + throttle_time_s + kick_time_s + stable_wait_time_s + lock_wait_time_s +
                         partial_read_time_s + free_space_time_s;
    f.group("write_latency_split_mean_us", "mean time per write call in each part of the write path", [&](auto& g) {
      g.micros("cpu", (total_write_time_s - waits) / calls, "copying, folio work, and waiting for a CPU");
      g.micros("inode_lock", lock_wait_time_s / calls,
               "waiting for the inode lock (another call on the file holds it)");
      g.micros("partial_page_read", partial_read_time_s / calls,
               "reading in the uncached pages a write covers only in part (read-modify-write)");
      g.micros("free_space_writeback", free_space_time_s / calls,
               "ext4, free space low: waiting for the writeback of every dirty page to be submitted");
      g.micros("kick_submission", kick_time_s / calls, "submitting a dontcache write's writeback inline");
      g.micros("throttle", throttle_time_s / calls, "paused in balance_dirty_pages");
      g.micros("reclaim", reclaim_time_s / calls, "in direct reclaim");
      g.micros("stable_page_wait", stable_wait_time_s / calls, "waiting for writeback of a folio being rewritten");
    });
    f.group("peak_between_writes", "the most of its own file each writer saw between its calls (cachestat)",
            [&](auto& g) {
              g.pages("cached_bytes", peak_between_writes.cached, "cached");
              g.pages("dirty_bytes", peak_between_writes.dirty, "dirty");
              g.pages("writeback_bytes", peak_between_writes.writeback, "under writeback");
            });
    f.group("writeback_waves_between_writes", "the writers' own files under writeback, as those samples saw them",
            [&](auto& g) {
              g.pages("first_bytes", writeback_waves.first_pages(), "the first sample with any under writeback");
              g.pages("most_frequent_bytes", writeback_waves.most_frequent_pages(),
                      "the most frequent count under writeback (ties: the larger)");
            });
    f.list("jobs", "each job: its calls, bytes, latencies, times and files (they add up to the totals)", jobs,
           [](auto& g, const JobStats& j) { j.stats(g); });
    f.list("phases", "each phase (fio's group): its jobs' times, calls and bytes", phases_of(jobs),
           [](auto& g, const PhaseStats& p) { p.stats(g); });
  }
};

}  // namespace foliosim::workload
