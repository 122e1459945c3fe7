#include "sim/engine/machine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/workload/job.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/random_streams.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

Machine::Machine(const Scenario& scenario, sg4::NetZone* zone) : scenario_(scenario) {
  cpu_ = std::make_unique<cpu::Cpu>(zone, scenario.machine, scenario.cpu);
  for (const auto& params : scenario.devices) devices_.push_back(std::make_unique<block_device::BlockDevice>(params));
  cache_ = std::make_unique<page_cache::PageCache>(scenario.page_cache);
  writeback_done_ = std::make_unique<writeback::WritebackWaitQueue>();
  auto wake_flushers = [this] {
    for (auto& [index, mount] : mounts_) mount.writeback->wake_for_reclaim();
  };
  const auto& fs = scenario.filesystem;
  reclaim_ = std::make_unique<reclaim::Reclaim>(scenario.reclaim, scenario.machine.memory_bytes, scenario.page_cache,
                                                filesystem::traits_of(fs.type).cgroup_bytes_per_page(fs),
                                                *cpu_, *cache_, *writeback_done_, wake_flushers);
  throttle_ = std::make_unique<writeback::DirtyThrottle>(
      scenario.writeback, *cache_, [this] { return dirty_limits(); },
      [this] {
        for (auto& [index, mount] : mounts_) mount.writeback->wake_background();
      });
  for (const auto& job : scenario.jobs) {
    const std::size_t dev = scenario.device_of(job);
    Mount& mount = mounts_[dev];
    if (mount.fs) continue;
    block_device::BlockDevice& device = *devices_[dev];
    mount.fs = std::make_unique<filesystem::Filesystem>(scenario.filesystem, device.params().capacity_bytes);
    mount.direct_io = std::make_unique<vfs::DirectIo>(*cpu_, *mount.fs, device);
    mount.writeback = std::make_unique<writeback::Writeback>(
        scenario.writeback, scenario.page_cache, *cpu_, *cache_, *mount.fs, device, *writeback_done_, [this] { return dirty_limits(); },
        [this] { observe(); });
    throttle_->add_bdi(*mount.writeback);
    mount.buffered_io = std::make_unique<vfs::BufferedIo>(
        *cpu_, *mount.fs, *cache_, scenario.page_cache, *reclaim_, *mount.writeback, *throttle_, device,
        *writeback_done_, [this] { observe(); });
  }
}

writeback::DirtyLimits Machine::dirty_limits() const {
  return writeback::dirty_limits(writeback::global_dirtyable_pages(reclaim_->free_pages(), cache_->cached_pages(),
                                                                  reclaim_->watermarks().high_pages),
                                 scenario_.writeback);
}

MemorySample Machine::sample() const {
  MemorySample s;
  s.time_s = sg4::Engine::get_clock();
  s.cached_pages = cache_->cached_pages();
  s.dirty_pages = cache_->dirty_pages();
  s.writeback_pages = cache_->writeback_pages();
  s.free_pages = reclaim_->free_pages();
  s.dropbehind_pages = cache_->dropbehind_pages();
  s.zeroed_pages = cache_->zeroed_pages();
  const auto limits = dirty_limits();
  s.dirty_thresh_pages = limits.thresh_pages;
  s.dirty_bg_thresh_pages = limits.bg_thresh_pages;
  for (const auto& d : devices_) {
    s.device_write_bytes += d->stats().write_bytes;
    s.device_queued_requests += d->queued_requests();
  }
  s.app_write_bytes = workload_.app_write_bytes;
  for (int c = 0; c < static_cast<int>(cpu::Component::kCount); ++c)
    s.cpu_busy_s[c] = cpu_->busy_s(static_cast<cpu::Component>(c));
  return s;
}

void Machine::observe() {
  // Each peak keeps the whole state at its moment, so the time series can
  // show it exactly although it is sampled.
  // Called at every change: sample (the costly part) only at a new peak.
  const bool cached = cache_->cached_pages() > cached_peak_.cached_pages;
  const bool dirty = cache_->dirty_pages() > dirty_peak_.dirty_pages;
  const bool writeback = cache_->writeback_pages() > writeback_peak_.writeback_pages;
  if (!cached && !dirty && !writeback) return;
  const MemorySample now = sample();
  if (cached) cached_peak_ = now;
  if (dirty) dirty_peak_ = now;
  if (writeback) writeback_peak_ = now;
}

void Machine::sampler() {
  while (true) {
    series_.push_back(sample());
    sg4::this_actor::sleep_for(scenario_.sample_interval_s);
  }
}

namespace {

// Write calls the run is expected to make, to size the tail. A time-based job
// (runtime) stops before its size: expect what its device takes in that time.
double expected_write_calls(const Scenario& s) {
  double calls = 0;
  for (const auto& job : s.jobs) {
    double per_clone = static_cast<double>(job.write_calls());
    if (job.runtime_s > 0)
      per_clone = std::min(per_clone, std::ceil(job.runtime_s * s.devices[s.device_of(job)].write_bandwidth_Bps /
                                                static_cast<double>(job.bs_bytes)));
    calls += per_clone * static_cast<double>(job.numjobs);
  }
  return calls;
}

}  // namespace

void Machine::start() {
  const double tail = std::min(expected_write_calls(scenario_) * (1 - scenario_.tail_percentile / 100),
                               static_cast<double>(scenario_.tail_writes_max));
  workload_.tail.set_capacity(static_cast<std::size_t>(std::max(1.0, std::ceil(tail - 1e-9))));
  // Actors that run kernel work: every job clone, each mount's flusher, kswapd.
  std::uint64_t runners = mounts_.size() + scenario_.reclaim.kswapd_threads;
  for (const auto& job : scenario_.jobs) runners += job.numjobs;
  cpu_->set_max_runners(runners);
  for (auto& d : devices_) d->start(cpu_->host());
  for (auto& [index, mount] : mounts_) mount.writeback->start(cpu_->host());
  reclaim_->start(cpu_->host());
  start_actor("sampler", cpu_->host(), [this] { sampler(); }, ActorKind::kDaemon);
  if (scenario_.run_for_s > 0)
    start_actor("run_for", cpu_->host(), [this] { sg4::this_actor::sleep_for(scenario_.run_for_s); }, ActorKind::kJob);

  for (const auto& job : scenario_.jobs) {
    Mount& mount = mounts_.at(scenario_.device_of(job));
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
      ++jobs_writing_;
      workload::KernelPaths kernel{*cpu_, *mount.fs, *mount.direct_io, *mount.buffered_io, *throttle_,
                                   [this] {
                                     if (--jobs_writing_ == 0) after_writes_ = sample();
                                   }};
      workload::start_job(job, clone,
                          random_stream(scenario_.seed, "workload/" + job.name + "/" + std::to_string(clone)), kernel,
                          workload_);
    }
  }
}

namespace {

Json latency_us(const LatencyHistogram& h) {
  Json out;
  for (auto [key, p] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p999", 99.9}})
    out[key] = h.percentile_s(p) * 1e6;
  out["max"] = h.max_s() * 1e6;
  out["mean"] = h.mean_s() * 1e6;
  return out;
}

Json state_bytes(const MemorySample& s) {
  return Json{{"time_s", s.time_s},
              {"cached_bytes", s.cached_pages * kPageBytes},
              {"dirty_bytes", s.dirty_pages * kPageBytes},
              {"writeback_bytes", s.writeback_pages * kPageBytes},
              {"device_write_bytes", s.device_write_bytes}};
}

}  // namespace

Json Machine::results() const {
  const MemorySample end = sample();
  Json out;
  out["sim_time_s"] = end.time_s;
  out["write_phase_s"] = workload_.last_write_end_s;
  out["write_calls"] = workload_.write_calls;
  out["app_write_bytes"] = workload_.app_write_bytes;
  out["write_latency_us"] = latency_us(workload_.write_latency);
  out["read_calls"] = workload_.read_calls;
  out["app_read_bytes"] = workload_.app_read_bytes;
  out["read_latency_us"] = latency_us(workload_.read_latency);
  std::uint64_t read_bytes = 0;
  for (const auto& d : devices_) read_bytes += d->stats().read_bytes;
  out["device_read_bytes"] = read_bytes;
  out["fsync_calls"] = workload_.fsync_calls;
  out["fsync_latency_us"] = latency_us(workload_.fsync_latency);
  std::uint64_t write_bytes = 0, write_requests = 0;
  Json devices = Json::array();
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    const auto& st = devices_[i]->stats();
    write_bytes += st.write_bytes;
    write_requests += st.write_requests;
    devices.push_back({{"name", devices_[i]->params().name},
                       {"write_bytes", st.write_bytes},
                       {"write_requests", st.write_requests},
                       {"merges", st.merges},
                       {"peak_queued_requests", st.peak_queued},
                       {"busy_s", devices_[i]->busy_s()}});
    // The bdi's estimates at the end: avg_write_bandwidth, dirty_ratelimit.
    const auto mount = mounts_.find(i);
    if (mount != mounts_.end()) {
      const auto& estimate = mount->second.writeback->estimate();
      devices.back()["writeback_bandwidth_estimate_Bps"] = estimate.avg_pages_per_s() * kPageBytes;
      devices.back()["dirty_ratelimit_Bps"] = estimate.dirty_ratelimit_pages_per_s() * kPageBytes;
    }
  }
  out["device_write_bytes"] = write_bytes;
  out["device_write_requests"] = write_requests;
  out["devices"] = devices;

  // Uncached writes and their side effects.
  std::uint64_t dropped = 0, kept_dropbehind = 0, failed_pages = 0, failed_requests = 0;
  std::uint64_t submitted = 0, by_flusher = 0;
  for (const auto& [index, mount] : mounts_) {
    const auto& wb = mount.writeback->stats();
    dropped += wb.dropbehind_dropped_pages;
    kept_dropbehind += wb.kept_dropbehind_pages;
    failed_pages += wb.failed_pages;
    submitted += wb.submitted_pages;
    by_flusher += wb.flusher_pages;
  }
  // Who wrote the data back: the flusher, or the tasks (fsync, dontcache kicks).
  out["writeback_submitted_bytes"] = {{"total", submitted * kPageBytes}, {"by_flusher", by_flusher * kPageBytes}};
  for (const auto& d : devices_) failed_requests += d->stats().failed_write_requests;
  out["dropbehind_dropped_bytes"] = dropped * kPageBytes;
  out["dropbehind_kept_bytes"] = kept_dropbehind * kPageBytes;
  out["dropbehind_end_bytes"] = end.dropbehind_pages * kPageBytes;
  out["zeroed_bytes"] = workload_.zeroed_bytes;
  out["page_cache_end_bytes_by_origin"] = {{"application", (end.cached_pages - end.zeroed_pages) * kPageBytes},
                                           {"filesystem_zeroing", end.zeroed_pages * kPageBytes}};
  // Errors: nothing the application wrote may vanish from the accounting.
  out["write_errors"] = failed_requests;
  out["write_call_errors"] = {{"EIO", workload_.eio_write_errors}, {"EOPNOTSUPP", workload_.eopnotsupp_errors}};
  out["fsync_errors"] = workload_.fsync_errors;
  out["writeback_failed_bytes"] = failed_pages * kPageBytes;
  out["bytes_at_risk"] = (cache_->write_error_pages() + cache_->lost_pages()) * kPageBytes;
  out["bytes_lost"] = cache_->lost_pages() * kPageBytes;
  std::uint64_t device_ok_bytes = write_bytes;
  for (const auto& d : devices_) device_ok_bytes -= d->stats().failed_write_bytes;
  out["device_write_ok_bytes"] = device_ok_bytes;

  // Mean time per write call in each part of the write path, in us.
  const double calls = static_cast<double>(std::max<std::uint64_t>(1, workload_.write_latency.count()));
  const double waits = workload_.reclaim_time_s + workload_.throttle_time_s + workload_.kick_time_s +
                       workload_.stable_wait_time_s;
  Json tail = Json::array();
  for (const auto& w : workload_.tail.slowest()) {
    Json events = Json::array();
    for (const auto& e : w.events)
      events.push_back({{"component", e.component}, {"start_s", e.start_s}, {"end_s", e.end_s}, {"after", e.after}});
    tail.push_back({{"start_s", w.start_s}, {"latency_s", w.latency_s}, {"events", events}});
  }
  out["tail_writes"] = tail;
  out["write_latency_split_mean_us"] = {{"cpu", (workload_.total_write_time_s - waits) / calls * 1e6},
                                        {"kick_submission", workload_.kick_time_s / calls * 1e6},
                                        {"throttle", workload_.throttle_time_s / calls * 1e6},
                                        {"reclaim", workload_.reclaim_time_s / calls * 1e6},
                                        {"stable_page_wait", workload_.stable_wait_time_s / calls * 1e6}};

  // How fragmented the cache and the files ended: memory and time grow with these.
  out["page_cache_runs"] = cache_->run_count();
  std::uint64_t extents = 0;
  for (const auto& [index, mount] : mounts_)
    for (const auto& [name, file] : mount.fs->files()) extents += mount.fs->summary(*file).extents;
  out["file_extents"] = extents;
  out["page_cache_peak_bytes"] = cached_peak_.cached_pages * kPageBytes;
  out["page_cache_end_bytes"] = end.cached_pages * kPageBytes;
  out["dirty_peak_bytes"] = dirty_peak_.dirty_pages * kPageBytes;
  out["dirty_end_bytes"] = end.dirty_pages * kPageBytes;
  out["writeback_peak_bytes"] = writeback_peak_.writeback_pages * kPageBytes;
  out["after_write_phase"] = state_bytes(after_writes_);
  const auto& seen = workload_.peak_between_writes;
  out["peak_between_writes"] = {{"cached_bytes", seen.cached * kPageBytes},
                                {"dirty_bytes", seen.dirty * kPageBytes},
                                {"writeback_bytes", seen.writeback * kPageBytes}};
  out["memory_bytes"] = scenario_.machine.memory_bytes;
  out["memory_limit_bytes"] = scenario_.page_cache.memory_limit_bytes;
  const auto& rs = reclaim_->stats();
  out["reclaimed_bytes"] = (rs.kswapd_reclaimed_pages + rs.direct_reclaimed_pages) * kPageBytes;
  out["reclaim_scanned_bytes"] = rs.scanned_pages * kPageBytes;
  out["kswapd_wakeups"] = rs.kswapd_wakeups;
  out["throttle_time_s"] = throttle_->throttle_time_s();
  out["direct_reclaim_time_s"] = rs.direct_reclaim_time_s;
  out["reclaim_lock_wait_s"] = rs.serial_wait_s;
  Json cpu_busy;
  for (int c = 0; c < static_cast<int>(cpu::Component::kCount); ++c)
    cpu_busy[cpu::component_name(static_cast<cpu::Component>(c))] = cpu_->busy_s(static_cast<cpu::Component>(c));
  out["cpu_busy_s"] = cpu_busy;
  return out;
}

std::string Machine::time_series_csv() const {
  std::string csv =
      "time_s,cached_bytes,dirty_bytes,writeback_bytes,free_bytes,dropbehind_bytes,zeroed_bytes,"
      "dirty_thresh_bytes,dirty_bg_thresh_bytes,device_write_bytes,app_write_bytes,device_queued_requests";
  for (int c = 0; c < static_cast<int>(cpu::Component::kCount); ++c)
    csv += std::string(",cpu_") + cpu::component_name(static_cast<cpu::Component>(c)) + "_busy_s";
  csv += "\n";
  auto row = [&csv](const MemorySample& s) {
    char line[512];
    auto bytes = [](std::uint64_t pages) { return static_cast<unsigned long long>(pages * kPageBytes); };
    int n = std::snprintf(line, sizeof line, "%.9f,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu", s.time_s,
                          bytes(s.cached_pages), bytes(s.dirty_pages), bytes(s.writeback_pages), bytes(s.free_pages),
                          bytes(s.dropbehind_pages), bytes(s.zeroed_pages), bytes(s.dirty_thresh_pages),
                          bytes(s.dirty_bg_thresh_pages), static_cast<unsigned long long>(s.device_write_bytes),
                          static_cast<unsigned long long>(s.app_write_bytes),
                          static_cast<unsigned long long>(s.device_queued_requests));
    for (double busy : s.cpu_busy_s) n += std::snprintf(line + n, sizeof line - n, ",%.9f", busy);
    csv.append(line, static_cast<std::size_t>(n));
    csv += "\n";
  };
  // The samples and the moments of the peaks, in time order.
  std::vector<MemorySample> rows = series_;
  // A peak was reached only if something was cached then.
  for (const MemorySample* p : {&cached_peak_, &dirty_peak_, &writeback_peak_})
    if (p->cached_pages > 0) rows.push_back(*p);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const MemorySample& a, const MemorySample& b) { return a.time_s < b.time_s; });
  for (const auto& s : rows) row(s);
  row(sample());
  return csv;
}

std::string Machine::bdi_estimates_csv() const {
  struct Row {
    const writeback::EstimateUpdate* update;
    const std::string* device;
  };
  std::vector<Row> rows;
  for (const auto& [index, mount] : mounts_)
    for (const auto& u : mount.writeback->estimate().updates()) rows.push_back({&u, &devices_[index]->params().name});
  // By time; devices in index order at the same moment (mounts_ is ordered).
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.update->time_s < b.update->time_s; });
  std::string csv =
      "time_s,device,write_bandwidth_Bps,avg_write_bandwidth_Bps,dirty_ratelimit_Bps,"
      "balanced_dirty_ratelimit_Bps,updated_by\n";
  char line[160];
  const auto bytes = [](double pages_per_s) { return pages_per_s * static_cast<double>(kPageBytes); };
  for (const auto& [u, device] : rows) {
    std::snprintf(line, sizeof line, "%.9f,", u->time_s);
    csv += line;
    csv += *device;
    std::snprintf(line, sizeof line, ",%.3f,%.3f,%.3f,%.3f,", bytes(u->write_pages_per_s), bytes(u->avg_pages_per_s),
                  bytes(u->dirty_ratelimit_pages_per_s), bytes(u->balanced_dirty_ratelimit_pages_per_s));
    csv += line;
    csv += u->by_dirtier ? "dirtier\n" : "writepages\n";
  }
  return csv;
}

std::string Machine::latency_cdf_csv() const {
  // One row per non-empty histogram bucket: its upper value and the fraction
  // of writes at or below it (exact to the histogram's 1/2048).
  std::string csv = "latency_us,cumulative_fraction\n";
  char line[64];
  for (const auto& [latency_s, fraction] : workload_.write_latency.cdf()) {
    int n = std::snprintf(line, sizeof line, "%.3f,%.9f\n", latency_s * 1e6, fraction);
    csv.append(line, static_cast<std::size_t>(n));
  }
  return csv;
}

}  // namespace foliosim
