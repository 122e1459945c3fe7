// What one job (all its clones) did: its calls, bytes and latencies, when it
// ran, and its files' cache state at its end. Counted at the same places as
// the variant's totals (WorkloadStats), so the jobs add up to them.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "models/common/latency_histogram.hpp"

namespace foliosim::workload {

// Pages of one file by state (cachestat's nr_cache, nr_dirty, nr_writeback).
struct FileStatePages {
  std::uint64_t cached = 0, dirty = 0, writeback = 0;
};

struct JobStats {
  std::string name;
  // fio's groupid: 0 for the first job, one more at each stonewall or
  // new_group job.
  std::uint64_t phase = 0;
  std::uint64_t write_calls = 0, write_bytes = 0;
  std::uint64_t read_calls = 0, read_bytes = 0;
  std::uint64_t fsync_calls = 0;
  LatencyHistogram write_latency, read_latency, fsync_latency;
  // When its first clone started (after waiting and its startdelay) and its
  // last one ended (after its fsync); -1 / 0 before.
  double start_s = -1, end_s = 0;
  // Each clone's file as the clone left it (the last clone to end on a
  // shared file gives its state).
  std::map<std::string, FileStatePages> files_at_end;

  void started(double now_s) { start_s = start_s < 0 ? now_s : std::min(start_s, now_s); }
  void ended(double now_s) { end_s = std::max(end_s, now_s); }
  FileStatePages files_total() const {
    FileStatePages total;
    for (const auto& [name, pages] : files_at_end) {
      total.cached += pages.cached;
      total.dirty += pages.dirty;
      total.writeback += pages.writeback;
    }
    return total;
  }

  template <class F>
  void stats(F& f) const {
    f.text("name", name, "the job's name");
    f.count("phase", phase, "its phase (fio's groupid): one more at each stonewall or new_group");
    f.seconds("start_s", std::max(0.0, start_s), "when its first clone started (after its wait and startdelay)");
    f.seconds("end_s", end_s, "when its last clone ended (after its fsync)");
    f.count("write_calls", write_calls, "its write calls");
    f.bytes("app_write_bytes", write_bytes, "bytes its write calls wrote");
    f.latency("write_latency_us", write_latency, "latency of its write calls");
    f.count("read_calls", read_calls, "its read calls");
    f.bytes("app_read_bytes", read_bytes, "bytes its read calls read");
    f.latency("read_latency_us", read_latency, "latency of its read calls");
    f.count("fsync_calls", fsync_calls, "its fsync calls");
    f.latency("fsync_latency_us", fsync_latency, "latency of its fsync calls");
    const FileStatePages files = files_total();
    f.group("files_at_end", "its files when its clones ended (cachestat)", [&](auto& g) {
      g.pages("cached_bytes", files.cached, "cached");
      g.pages("dirty_bytes", files.dirty, "dirty");
      g.pages("writeback_bytes", files.writeback, "under writeback");
    });
  }
};

// One phase: the jobs of one fio group together.
struct PhaseStats {
  std::uint64_t phase = 0;
  double start_s = -1, end_s = 0;
  std::uint64_t calls = 0, bytes = 0;

  template <class F>
  void stats(F& f) const {
    f.count("phase", phase, "the phase (fio's groupid)");
    f.seconds("start_s", std::max(0.0, start_s), "when its first job started");
    f.seconds("end_s", end_s, "when its last job ended");
    f.count("calls", calls, "its jobs' read, write and fsync calls");
    f.bytes("bytes", bytes, "bytes its jobs read and wrote");
  }
};

// The phases of `jobs`, in phase order.
inline std::vector<PhaseStats> phases_of(const std::vector<JobStats>& jobs) {
  std::vector<PhaseStats> phases;
  for (const auto& j : jobs) {
    if (phases.empty() || phases.back().phase != j.phase) phases.push_back({j.phase, -1, 0, 0, 0});
    PhaseStats& p = phases.back();
    if (j.start_s >= 0) p.start_s = p.start_s < 0 ? j.start_s : std::min(p.start_s, j.start_s);
    p.end_s = std::max(p.end_s, j.end_s);
    p.calls += j.write_calls + j.read_calls + j.fsync_calls;
    p.bytes += j.write_bytes + j.read_bytes;
  }
  return phases;
}

}  // namespace foliosim::workload
