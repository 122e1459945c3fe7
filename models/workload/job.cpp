#include "models/workload/job.hpp"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <utility>

#include <simgrid/s4u/Actor.hpp>

#include "models/block_device/io_waiter.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/sim_clock.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/workload/write_pattern.hpp"

namespace foliosim::workload {

namespace sg4 = simgrid::s4u;

namespace {

// Events one after another, each waiting for the one before; parts of no
// time are left out.
void chain(TailWrite& w, double t, std::initializer_list<std::pair<const char*, double>> parts) {
  for (const auto& [component, seconds] : parts) {
    if (seconds <= 0) continue;
    std::vector<int> after;
    if (!w.events.empty()) after.push_back(static_cast<int>(w.events.size()) - 1);
    w.events.push_back({component, t, t + seconds, after});
    t += seconds;
  }
}

// The events a buffered write waited on, in the order the write path meets them.
TailWrite buffered_tail(double start_s, double end_s, const vfs::WriteOutcome& o) {
  TailWrite w{start_s, end_s - start_s, {}};
  const double waits =
      o.lock_wait_s + o.partial_read_s + o.free_space_s + o.stable_wait_s + o.reclaim_s + o.throttle_s + o.kick_s;
  chain(w, start_s,
        {{"inode_lock", o.lock_wait_s},
         {"partial_page_read", o.partial_read_s},
         {"free_space_writeback", o.free_space_s},
         {"stable_page_wait", o.stable_wait_s},
         {"direct_reclaim", o.reclaim_s},
         {"cpu", std::max(0.0, w.latency_s - waits)},
         {"dirty_throttle", o.throttle_s},
         {"writeback_submission", o.kick_s}});
  return w;
}

// A buffered read: the lock, then reclaim and the device reads it waited
// for (filemap_get_pages), then the copy.
TailWrite buffered_read_tail(double start_s, double end_s, const vfs::ReadOutcome& o) {
  TailWrite w{start_s, end_s - start_s, {}};
  const double device_s = std::max(0.0, o.device_s - o.reclaim_s);
  chain(w, start_s,
        {{"inode_lock", o.lock_wait_s},
         {"direct_reclaim", o.reclaim_s},
         {"device_read", device_s},
         {"cpu", std::max(0.0, w.latency_s - o.lock_wait_s - o.reclaim_s - device_s)}});
  return w;
}

// A direct call: the lock, CPU until submission, then each request's
// queueing and service in parallel, then the completion work once all are done.
TailWrite direct_tail(double start_s, const vfs::DirectOutcome& o, double end_s,
                      const std::vector<block_device::Completion>& completions) {
  TailWrite w{start_s, end_s - start_s, {}};
  chain(w, start_s, {{"inode_lock", o.lock_wait_s}});
  const int cpu = static_cast<int>(w.events.size());
  w.events.push_back({"cpu", start_s + o.lock_wait_s, o.submitted_s, cpu ? std::vector<int>{0} : std::vector<int>{}});
  std::vector<int> services;
  double last_s = o.submitted_s;
  for (const auto& c : completions) {
    const int queue = static_cast<int>(w.events.size());
    w.events.push_back({"device_queue", o.submitted_s, c.dispatched_s, {cpu}});
    services.push_back(static_cast<int>(w.events.size()));
    w.events.push_back({"device_service", c.dispatched_s, c.completed_s, {queue}});
    last_s = std::max(last_s, c.completed_s);
  }
  w.events.push_back({"completion", last_s, end_s, services});
  return w;
}

vfs::Advice advice_of(Fadvise fadvise) {
  switch (fadvise) {
    case Fadvise::kNone:
    case Fadvise::kNormal:
      return vfs::Advice::kNormal;
    case Fadvise::kSequential:
      return vfs::Advice::kSequential;
    case Fadvise::kRandom:
      return vfs::Advice::kRandom;
    case Fadvise::kWillneed:
      return vfs::Advice::kWillneed;
    case Fadvise::kDontneed:
      return vfs::Advice::kDontneed;
  }
  invalid_enum_value("fadvise");
}

// What one job clone holds open while it runs.
struct JobContext {
  const JobParams& job;
  KernelPaths& kernel;
  WorkloadStats& stats;
  JobStats& own;  // this job's share of stats
  filesystem::File& file;
  vfs::OpenFile fd;
  block_device::IoWaiter waiter;
  writeback::Dirtier dirtier;
  cpu::CallSpread spread;
  cpu::CpuBatch batch;
  double now_s() const { return batch.now_s(); }
};

// Reads of what other jobs wrote (buffered, dontcache or O_DIRECT); the job
// stops at end of file.
void read_loop(JobContext& c, WritePattern& pattern) {
  WriteCall call{};
  auto& stats = c.stats;
  const double stop_s = c.job.runtime_s > 0 ? c.now_s() + c.job.runtime_s : 1e300;
  while (pattern.next(call)) {
    const double start_s = c.now_s();
    if (start_s >= stop_s) break;
    c.batch.begin_call();
    std::uint64_t bytes = 0;
    std::optional<TailWrite> tail;
    if (c.job.mode == IoMode::kDirect) {
      const auto outcome = c.kernel.direct_io.read(c.file, call.offset_bytes, call.length_bytes, c.waiter, c.batch);
      bytes = outcome.bytes;
      stats.read_lock_wait_s += outcome.lock_wait_s;
      stats.read_device_wait_s += c.now_s() - outcome.submitted_s;
      if (bytes && stats.read_tail.wants(c.now_s() - start_s))
        tail = direct_tail(start_s, outcome, c.now_s(), c.waiter.completions());
    } else {
      const auto outcome = c.job.mmap
                               ? c.kernel.buffered_io.mmap_read(c.fd, call.offset_bytes, call.length_bytes, c.batch)
                               : c.kernel.buffered_io.read(c.fd, call.offset_bytes, call.length_bytes,
                                                           c.job.mode == IoMode::kDontcache, c.batch);
      if (outcome.eopnotsupp) {
        ++stats.read_eopnotsupp_errors;
        break;  // every call would fail the same way
      }
      bytes = outcome.bytes;
      stats.read_lock_wait_s += outcome.lock_wait_s;
      stats.read_reclaim_s += outcome.reclaim_s;
      stats.read_device_wait_s += std::max(0.0, outcome.device_s - outcome.reclaim_s);
      stats.read_pages += outcome.asked_pages;
      stats.read_missed_pages += outcome.missed_pages;
      stats.readahead_pages += outcome.ahead_pages;
      stats.readahead_used_pages += outcome.ahead_used_pages;
      stats.read_dropped_pages += outcome.dropped_pages;
      stats.read_page_faults += outcome.faults;
      stats.read_major_faults += outcome.major_faults;
      if (bytes && stats.read_tail.wants(c.now_s() - start_s)) tail = buffered_read_tail(start_s, c.now_s(), outcome);
    }
    if (bytes == 0) break;
    const double end_s = c.now_s();
    ++stats.read_calls;
    stats.app_read_bytes += bytes;
    stats.read_latency.record(end_s - start_s);
    stats.total_read_time_s += end_s - start_s;
    if (stats.first_read_start_s < 0 || start_s < stats.first_read_start_s) stats.first_read_start_s = start_s;
    stats.last_read_end_s = std::max(stats.last_read_end_s, end_s);
    if (tail) stats.read_tail.offer(std::move(*tail));
    ++c.own.read_calls;
    c.own.read_bytes += bytes;
    c.own.read_latency.record(end_s - start_s);
  }
}

// An O_DIRECT call: CPU, then the requests, waited for.
bool direct_write_once(JobContext& c, const WriteCall& call, double start_s) {
  const auto outcome = c.kernel.direct_io.write(c.file, call.offset_bytes, call.length_bytes, c.waiter, c.batch);
  c.stats.lock_wait_time_s += outcome.lock_wait_s;
  const double end_s = c.now_s();
  if (c.stats.tail.wants(end_s - start_s))
    c.stats.tail.offer(direct_tail(start_s, outcome, end_s, c.waiter.completions()));
  return true;
}

// A buffered call, RWF_DONTCACHE when `dontcache`; false when it failed.
bool buffered_write_once(JobContext& c, const WriteCall& call, double start_s, bool dontcache) {
  auto outcome = c.kernel.buffered_io.write(c.fd, call.offset_bytes, call.length_bytes, dontcache, c.dirtier, c.batch);
  c.stats.throttle_time_s += outcome.throttle_s;
  c.stats.reclaim_time_s += outcome.reclaim_s;
  c.stats.kick_time_s += outcome.kick_s;
  c.stats.stable_wait_time_s += outcome.stable_wait_s;
  c.stats.lock_wait_time_s += outcome.lock_wait_s;
  c.stats.partial_read_time_s += outcome.partial_read_s;
  c.stats.free_space_time_s += outcome.free_space_s;
  c.stats.zeroed_bytes += outcome.zeroed_bytes;
  if (outcome.error != vfs::WriteError::kNone) {
    ++(outcome.error == vfs::WriteError::kEopnotsupp ? c.stats.eopnotsupp_errors : c.stats.eio_write_errors);
    return false;
  }
  const double end_s = c.now_s();
  if (c.stats.tail.wants(end_s - start_s)) c.stats.tail.offer(buffered_tail(start_s, end_s, outcome));
  return true;
}

// One write call; false when it failed (and so wrote nothing).
bool write_once(JobContext& c, const WriteCall& call, double start_s) {
  switch (c.job.mode) {
    case IoMode::kBuffered:
      return buffered_write_once(c, call, start_s, false);
    case IoMode::kDontcache:
      return buffered_write_once(c, call, start_s, true);
    case IoMode::kDirect:
      return direct_write_once(c, call, start_s);
  }
  invalid_enum_value("mode");
}

// cachestat of the clone's file, for the peaks a write loop can see.
void sample_file_state(JobContext& c) {
  if (!c.file.cache) return;
  auto& peak = c.stats.peak_between_writes;
  peak.cached = std::max(peak.cached, c.file.cache->cached_pages());
  peak.dirty = std::max(peak.dirty, c.file.cache->dirty_pages());
  peak.writeback = std::max(peak.writeback, c.file.cache->writeback_pages());
  c.stats.writeback_waves.sample(c.file.cache->writeback_pages());
}

void write_loop(JobContext& c, WritePattern& pattern) {
  std::uint64_t unsampled = 0;  // successful calls since the last sample (no division a call)
  WriteCall call{};
  const double stop_s = c.job.runtime_s > 0 ? c.now_s() + c.job.runtime_s : 1e300;
  while (pattern.next(call)) {
    const double start_s = c.now_s();
    if (start_s >= stop_s) break;
    ++c.stats.write_calls;  // a call that failed is still a call
    ++c.own.write_calls;
    c.batch.begin_call();
    if (!write_once(c, call, start_s)) continue;
    const double end_s = c.now_s();
    c.stats.total_write_time_s += end_s - start_s;
    c.stats.app_write_bytes += call.length_bytes;
    c.own.write_latency.record(end_s - start_s);
    c.own.write_bytes += call.length_bytes;
    c.stats.last_write_end_s = std::max(c.stats.last_write_end_s, end_s);
    if (++unsampled == c.job.cachestat_every) {
      unsampled = 0;
      sample_file_state(c);
    }
  }
  if (unsampled != 0) sample_file_state(c);
  c.batch.flush();
}

void run_job(const JobParams& job, std::uint64_t clone, std::mt19937_64 rng, std::mt19937_64 spread_rng,
             KernelPaths kernel, WorkloadStats& stats, JobStats& own) {
  if (job.startdelay_s > 0) sg4::this_actor::sleep_for(job.startdelay_s);
  ++kernel.clones_running;
  own.started(engine_clock_s());
  const std::string name = job.file_for_clone(clone);
  const bool creates = !kernel.fs.files().count(name);
  filesystem::File& file = kernel.fs.open(name);
  {
    // The first create reads the inode btrees (xfs_dialloc, under the AGI's
    // lock) or the directory block and inode bitmap (ext4); other opens wait
    // for it, a file being created included (the directory's lock).
    RwHold lock(kernel.fs.create_lock, LockMode::kExclusive, kernel.cpu.machine().wakeup_latency_s, [] {}, [] {});
    if (creates) kernel.writeback.read_metadata(kernel.fs.create_reads());
  }
  kernel.buffered_io.attach(file);
  JobContext c{job,
               kernel,
               stats,
               own,
               file,
               {&file, file.error_seq, {}, {}},
               {},
               {},
               {kernel.cpu.costs(), kernel.cpu.machine(), std::move(spread_rng)},
               {kernel.cpu, cpu::Component::kWriters, nullptr}};
  c.batch.set_spread(&c.spread);
  if (job.mmap) kernel.buffered_io.map(c.fd);
  if (job.fadvise != Fadvise::kNone) {
    // fio: posix_fadvise(fd, file_offset, io_size, advice) at open.
    const std::uint64_t region_bytes = job.write_calls() * job.stride_or_bs();
    stats.readahead_pages +=
        kernel.buffered_io.fadvise(c.fd, advice_of(job.fadvise), job.offset_bytes, region_bytes, c.batch);
  }
  WritePattern pattern(job, std::move(rng));
  if (job.reads()) {
    read_loop(c, pattern);
    c.batch.flush();
  } else {
    write_loop(c, pattern);
  }
  kernel.writes_done();
  if (job.end_fsync) {
    const double start_s = engine_clock_s();
    // Writes out and waits for what the file has dirty (nothing after O_DIRECT).
    if (kernel.buffered_io.fsync(c.fd)) ++stats.fsync_errors;
    stats.fsync_latency.record(engine_clock_s() - start_s);
    ++stats.fsync_calls;
    own.fsync_latency.record(engine_clock_s() - start_s);
    ++own.fsync_calls;
  }
  if (file.cache)
    own.files_at_end[file.name] = {file.cache->cached_pages(), file.cache->dirty_pages(),
                                   file.cache->writeback_pages()};
  own.ended(engine_clock_s());
  --kernel.clones_running;
  if (kernel.clone_ended) kernel.clone_ended();
}

}  // namespace

void start_job(const JobParams& job, std::uint64_t clone, std::mt19937_64 rng, std::mt19937_64 spread_rng,
               KernelPaths kernel, WorkloadStats& stats, JobStats& own) {
  start_actor(
      job.name + "." + std::to_string(clone), kernel.cpu.host(),
      [job, clone, rng, spread_rng, kernel, &stats, &own]() mutable {
        run_job(job, clone, std::move(rng), std::move(spread_rng), kernel, stats, own);
      },
      ActorKind::kJob);
}

}  // namespace foliosim::workload
