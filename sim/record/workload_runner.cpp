#include "sim/record/workload_runner.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "models/common/random_streams.hpp"
#include "models/workload/write_pattern.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace foliosim::record {
namespace {

using workload::IoMode;
using workload::JobParams;

// cachestat(2), Linux 6.5 (include/uapi/linux/mman.h); named apart from the
// uapi structs, which newer headers define.
constexpr long kSysCachestat = 451;  // x86_64 (arch/x86/entry/syscalls/syscall_64.tbl)
struct CachestatRange {
  std::uint64_t off;
  std::uint64_t len;  // 0: to the end of the file
};
struct CachestatResult {
  std::uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};
constexpr std::uint64_t kPageBytes = 4096;
constexpr std::size_t kBufferAlign = 4096;  // O_DIRECT needs the logical block size; a page covers every device

double now_s() {
  timespec t{};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

struct FileState {
  std::uint64_t cached = 0, dirty = 0, writeback = 0;  // pages

  void add(const FileState& o) {
    cached += o.cached;
    dirty += o.dirty;
    writeback += o.writeback;
  }
  void raise_to(const FileState& o) {
    cached = std::max(cached, o.cached);
    dirty = std::max(dirty, o.dirty);
    writeback = std::max(writeback, o.writeback);
  }
  Json bytes() const {
    return Json{{"cached_bytes", cached * kPageBytes},
                {"dirty_bytes", dirty * kPageBytes},
                {"writeback_bytes", writeback * kPageBytes}};
  }
};

FileState file_state(int fd) {
  CachestatRange range{0, 0};
  CachestatResult result{};
  if (syscall(kSysCachestat, fd, &range, &result, 0) != 0) {
    if (errno == ENOSYS) throw Refused("this kernel has no cachestat(2) (Linux 6.5 or later): cannot sample the cache");
    throw std::runtime_error(std::string("cachestat: ") + std::strerror(errno));
  }
  return FileState{result.nr_cache, result.nr_dirty, result.nr_writeback};
}

struct AlignedFree {
  void operator()(char* p) const { std::free(p); }
};

// One clone of a job, as its thread ran it.
struct CloneRun {
  const JobParams* job = nullptr;
  std::uint64_t clone = 0;
  std::string path;
  std::atomic<int> fd{-1};
  std::vector<double> write_latency_s, read_latency_s, fsync_latency_s;
  std::uint64_t write_calls = 0, app_write_bytes = 0, write_errors = 0, read_calls = 0, app_read_bytes = 0;
  std::uint64_t fsync_errors = 0;
  FileState peak;
  double untimed_s = 0;  // in the loop but not the workload's: cachestat samples, mmap touches
  double first_call_start_s = 0;  // 0: no call made
  double last_write_end_s = 0;
  std::string error;  // what stopped the clone
  bool refused = false;
};

struct Shared {
  double t0_s = 0;
  std::atomic<std::uint64_t> writers_left{0};
  std::vector<std::unique_ptr<CloneRun>>* clones = nullptr;
  std::string device_stat;
  Json after_write_phase;  // its time_s is absolute until run_workload makes it relative
};

// Sum over the distinct files (clones may share one) of their cache state.
FileState files_state(const std::vector<std::unique_ptr<CloneRun>>& clones) {
  FileState total;
  std::vector<std::string> seen;
  for (const auto& c : clones) {
    const int fd = c->fd.load();
    if (fd < 0 || std::find(seen.begin(), seen.end(), c->path) != seen.end()) continue;
    seen.push_back(c->path);
    total.add(file_state(fd));
  }
  return total;
}

// The last write call of all clones returned: the cache and the device then.
void snapshot_after_writes(Shared& shared, double at_s) {
  Json snapshot = {{"time_s", at_s}};
  snapshot.update(files_state(*shared.clones).bytes());
  snapshot["device_write_bytes"] = read_block_stat(shared.device_stat).write_bytes;
  shared.after_write_phase = snapshot;
}

// Reads each page of [offset, offset + length) through the mapping, so the
// written folios are mapped and drop-behind cannot drop them (the model's mmap).
void touch_mapped(const char* map, std::uint64_t offset, std::uint64_t length) {
  volatile char sink = 0;
  for (std::uint64_t at = offset - offset % kPageBytes; at < offset + length; at += kPageBytes) sink = map[at];
  (void)sink;
}

std::uint64_t region_end_bytes(const JobParams& job) {
  if (job.random()) return job.offset_bytes + std::max(job.size_bytes, job.bs_bytes);
  return job.offset_bytes + job.write_calls() * job.stride_or_bs();
}

void write_loop(CloneRun& c, int fd, char* buffer, const char* map, workload::WritePattern& pattern) {
  const JobParams& job = *c.job;
  const int flags = job.mode == IoMode::kDontcache ? kRwfDontcache : 0;
  const double stop_s = job.runtime_s > 0 ? now_s() + job.runtime_s : 1e300;
  std::uint64_t written = 0;
  auto sample = [&] {
    const double start_s = now_s();
    c.peak.raise_to(file_state(fd));
    c.untimed_s += now_s() - start_s;
  };
  workload::WriteCall call{};
  while (pattern.next(call)) {
    const double start_s = now_s();
    if (start_s >= stop_s) break;
    if (c.first_call_start_s == 0) c.first_call_start_s = start_s;
    ++c.write_calls;
    iovec iov{buffer, call.length_bytes};
    const ssize_t done = pwritev2(fd, &iov, 1, static_cast<off_t>(call.offset_bytes), flags);
    const double end_s = now_s();
    if (done < 0) {
      if (errno == EOPNOTSUPP && flags) {
        c.refused = true;
        throw Refused(c.path + ": pwritev2(RWF_DONTCACHE) failed with EOPNOTSUPP: this kernel or filesystem has no "
                      "uncached buffered writes (Linux 6.14 or later, a filesystem with FOP_DONTCACHE)");
      }
      if (errno == EINVAL && job.mode == IoMode::kDirect)
        throw Refused(c.path + ": O_DIRECT write of " + std::to_string(call.length_bytes) + " bytes at " +
                      std::to_string(call.offset_bytes) + " refused (EINVAL): bs and offset must be aligned to the "
                      "device's logical block");
      ++c.write_errors;
      continue;
    }
    c.write_latency_s.push_back(end_s - start_s);
    c.app_write_bytes += static_cast<std::uint64_t>(done);
    c.last_write_end_s = end_s;
    if (map) {
      const double touch_start_s = now_s();
      touch_mapped(map, call.offset_bytes, static_cast<std::uint64_t>(done));
      c.untimed_s += now_s() - touch_start_s;
    }
    if (++written % job.cachestat_every == 0) sample();
  }
  if (written % job.cachestat_every != 0) sample();
}

void read_loop(CloneRun& c, int fd, char* buffer, workload::WritePattern& pattern) {
  workload::WriteCall call{};
  while (pattern.next(call)) {
    iovec iov{buffer, call.length_bytes};
    const double start_s = now_s();
    const ssize_t done = preadv2(fd, &iov, 1, static_cast<off_t>(call.offset_bytes), 0);
    if (done <= 0) break;  // the model's reader stops at end of file too
    c.read_latency_s.push_back(now_s() - start_s);
    ++c.read_calls;
    c.app_read_bytes += static_cast<std::uint64_t>(done);
  }
}

void run_clone(CloneRun& c, Shared& shared, std::mt19937_64 rng) {
  const JobParams& job = *c.job;
  std::unique_ptr<char, AlignedFree> buffer;
  const bool writes = !job.reads();
  bool counted = false;  // this clone's end of writes was counted in writers_left
  try {
    if (job.startdelay_s > 0)
      std::this_thread::sleep_for(std::chrono::duration<double>(shared.t0_s + job.startdelay_s - now_s()));
    void* memory = nullptr;
    if (posix_memalign(&memory, kBufferAlign, job.bs_bytes) != 0) throw std::runtime_error("out of memory");
    buffer.reset(static_cast<char*>(memory));
    std::memset(buffer.get(), 0xa5, job.bs_bytes);  // real data, nothing a device could skip as zeros
    const int open_flags = O_RDWR | O_CREAT | O_CLOEXEC | (job.mode == IoMode::kDirect ? O_DIRECT : 0);
    const int fd = open(c.path.c_str(), open_flags, 0644);
    if (fd < 0) {
      if (errno == EINVAL && job.mode == IoMode::kDirect)
        throw Refused(c.path + ": the filesystem refuses O_DIRECT (EINVAL)");
      throw std::runtime_error(c.path + ": cannot open: " + std::strerror(errno));
    }
    c.fd = fd;
    char* map = nullptr;
    const std::uint64_t map_bytes = region_end_bytes(job);
    if (job.mmap) {
      void* m = mmap(nullptr, map_bytes, PROT_READ, MAP_SHARED, fd, 0);
      if (m == MAP_FAILED) throw std::runtime_error(c.path + ": cannot mmap: " + std::strerror(errno));
      map = static_cast<char*>(m);
    }
    workload::WritePattern pattern(job, std::move(rng));
    if (writes)
      write_loop(c, fd, buffer.get(), map, pattern);
    else
      read_loop(c, fd, buffer.get(), pattern);
    counted = writes;
    if (writes && --shared.writers_left == 0) snapshot_after_writes(shared, now_s());
    if (job.end_fsync) {
      const double start_s = now_s();
      if (fsync(fd) != 0) ++c.fsync_errors;
      c.fsync_latency_s.push_back(now_s() - start_s);
    }
    if (map) munmap(map, map_bytes);
  } catch (const Refused& e) {
    c.refused = true;
    c.error = e.what();
  } catch (const std::exception& e) {
    c.error = e.what();
  }
  if (!c.error.empty() && writes && !counted) --shared.writers_left;  // the run fails: no snapshot needed
}

template <class Field>
std::uint64_t sum_of(const std::vector<std::unique_ptr<CloneRun>>& clones, Field field) {
  std::uint64_t total = 0;
  for (const auto& c : clones) total += (*c).*field;
  return total;
}

std::vector<double> all_of(const std::vector<std::unique_ptr<CloneRun>>& clones,
                           std::vector<double> CloneRun::*field) {
  std::vector<double> out;
  for (const auto& c : clones) out.insert(out.end(), ((*c).*field).begin(), ((*c).*field).end());
  return out;
}

}  // namespace

double nearest_rank(const std::vector<double>& sorted_values, double percent) {
  if (sorted_values.empty()) return 0;
  const double rank = std::ceil(percent / 100 * static_cast<double>(sorted_values.size()));
  const std::size_t index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
  return sorted_values[std::min(index, sorted_values.size() - 1)];
}

Json latency_figures_us(std::vector<double> latencies_s) {
  std::sort(latencies_s.begin(), latencies_s.end());
  double sum = 0;
  for (double v : latencies_s) sum += v;
  const double mean = latencies_s.empty() ? 0 : sum / static_cast<double>(latencies_s.size());
  const double us = 1e6;
  return Json{{"p50", nearest_rank(latencies_s, 50) * us},   {"p90", nearest_rank(latencies_s, 90) * us},
              {"p99", nearest_rank(latencies_s, 99) * us},   {"p999", nearest_rank(latencies_s, 99.9) * us},
              {"max", nearest_rank(latencies_s, 100) * us}, {"mean", mean * us}};
}

Json run_workload(const Scenario& scenario, const RunnerTarget& target) {
  std::vector<std::unique_ptr<CloneRun>> clones;
  std::vector<std::mt19937_64> streams;
  Shared shared;
  shared.clones = &clones;
  shared.device_stat = target.device_stat;
  for (const auto& job : scenario.jobs)
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
      auto c = std::make_unique<CloneRun>();
      c->job = &job;
      c->clone = clone;
      c->path = target.directory + "/" + job.file_for_clone(clone);
      clones.push_back(std::move(c));
      // The simulator's stream for the clone (sim/engine/machine.cpp): the same randwrite order.
      streams.push_back(random_stream(scenario.seed, "workload/" + job.name + "/" + std::to_string(clone)));
      if (!job.reads()) ++shared.writers_left;
    }
  const BlockStat device_start = read_block_stat(target.device_stat);
  shared.t0_s = now_s();
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < clones.size(); ++i)
    threads.emplace_back(run_clone, std::ref(*clones[i]), std::ref(shared), streams[i]);
  for (auto& t : threads) t.join();
  const BlockStat device_end = read_block_stat(target.device_stat);
  for (const auto& c : clones)
    if (c->refused) throw Refused(c->error);
  for (const auto& c : clones)
    if (!c->error.empty()) throw std::runtime_error(c->error);

  // The write phase runs from the first call (less its clone's startdelay: the
  // simulator's clock starts with the jobs, and opening a file is free there)
  // to the end of the last write; the last clone's own sampling is taken out,
  // as the simulator samples for free.
  double origin_s = shared.t0_s;
  bool first = true;
  for (const auto& c : clones)
    if (c->first_call_start_s > 0 && (first || c->first_call_start_s - c->job->startdelay_s < origin_s)) {
      origin_s = c->first_call_start_s - c->job->startdelay_s;
      first = false;
    }
  const CloneRun* last = clones.front().get();
  for (const auto& c : clones)
    if (c->last_write_end_s > last->last_write_end_s) last = c.get();
  const double phase_s = last->last_write_end_s > 0 ? last->last_write_end_s - origin_s : 0;
  FileState peak;
  for (const auto& c : clones) peak.raise_to(c->peak);
  const FileState after_fsync = files_state(clones);
  for (const auto& c : clones)
    if (c->fd >= 0 && close(c->fd) != 0) throw std::runtime_error(c->path + ": close failed");

  Json out;
  out["write_phase_s"] = std::max(0.0, phase_s - last->untimed_s);
  out["write_phase_with_sampling_s"] = phase_s;
  out["write_calls"] = sum_of(clones, &CloneRun::write_calls);
  out["app_write_bytes"] = sum_of(clones, &CloneRun::app_write_bytes);
  out["write_latency_us"] = latency_figures_us(all_of(clones, &CloneRun::write_latency_s));
  out["write_call_errors"] = sum_of(clones, &CloneRun::write_errors);
  if (sum_of(clones, &CloneRun::read_calls) > 0) {
    out["read_calls"] = sum_of(clones, &CloneRun::read_calls);
    out["app_read_bytes"] = sum_of(clones, &CloneRun::app_read_bytes);
    out["read_latency_us"] = latency_figures_us(all_of(clones, &CloneRun::read_latency_s));
  }
  const std::vector<double> fsyncs = all_of(clones, &CloneRun::fsync_latency_s);
  out["fsync_calls"] = fsyncs.size();
  out["fsync_latency_us"] = latency_figures_us(fsyncs);
  out["fsync_errors"] = sum_of(clones, &CloneRun::fsync_errors);
  out["device_write_bytes"] = device_end.write_bytes - device_start.write_bytes;
  out["device_write_requests"] = device_end.write_requests - device_start.write_requests;
  out["device_read_bytes"] = device_end.read_bytes - device_start.read_bytes;
  out["device_read_requests"] = device_end.read_requests - device_start.read_requests;
  Json after = shared.after_write_phase;
  if (after.is_object()) {
    after["time_s"] = after["time_s"].get<double>() - origin_s;
    after["device_write_bytes"] = after["device_write_bytes"].get<std::uint64_t>() - device_start.write_bytes;
  }
  out["after_write_phase"] = after;
  out["peak_between_writes"] = peak.bytes();
  out["after_fsync"] = after_fsync.bytes();
  return out;
}

}  // namespace foliosim::record
