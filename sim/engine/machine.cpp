#include "sim/engine/machine.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/actor_lock.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/random_streams.hpp"
#include "models/workload/job.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

Machine::Machine(const Scenario& scenario, sg4::NetZone* zone) : scenario_(scenario) {
  cpu_ = std::make_unique<cpu::Cpu>(zone, scenario.machine, scenario.cpu);
  lazy_completions_ = std::make_unique<block_device::LazyCompletions>();
  for (const auto& params : scenario.devices) {
    devices_.push_back(
        std::make_unique<block_device::BlockDevice>(params, random_stream(scenario.seed, "device/" + params.name),
                                                    random_stream(scenario.seed, "device_stalls/" + params.name)));
    if (params.lazy_completions) lazy_completions_->attach(*devices_.back());
    devices_.back()->set_copy_load(&copy_load_, scenario.machine.cpus);
    devices_.back()->count_into(&device_totals_);
  }
  cache_ = std::make_unique<page_cache::PageCache>(scenario.page_cache);
  writeback_done_ = std::make_unique<writeback::WritebackWaitQueue>();
  writeback_done_->set_lazy_completions(lazy_completions_.get());
  auto wake_flushers = [this] {
    for (auto& [index, mount] : mounts_) mount.writeback->wake_for_reclaim();
  };
  const auto& fs = scenario.filesystem;
  const auto& fs_traits = filesystem::traits_of(fs.type);
  reclaim_ = std::make_unique<reclaim::Reclaim>(
      scenario.reclaim, scenario.machine.memory_bytes, scenario.page_cache,
      reclaim::FilesystemPageData{fs_traits.cgroup_bytes_per_page(fs), fs_traits.release_per_page_s(fs, scenario.cpu)},
      *cpu_, *cache_, *writeback_done_, wake_flushers);
  throttle_ = std::make_unique<writeback::DirtyThrottle>(
      scenario.writeback, *cache_, [this] { return dirty_limits(); },
      [this] {
        for (auto& [index, mount] : mounts_) mount.writeback->wake_background();
      });
  std::vector<std::size_t> used;  // devices holding job files or files that exist before the run
  std::vector<std::uint64_t> tasks(devices_.size(), 0);
  for (const auto& job : scenario.jobs) {
    used.push_back(scenario.device_of(job));
    tasks[scenario.device_of(job)] += job.numjobs;
  }
  for (const auto& file : scenario.files) {
    used.push_back(scenario.device_index(file.device));
    // The flusher writes a file dirty from the start whenever it likes.
    if (file.cached != workload::CachedPart::kNone && file.cache_state == workload::CacheState::kDirty)
      ++tasks[scenario.device_index(file.device)];
  }
  for (std::size_t d = 0; d < devices_.size(); ++d) devices_[d]->set_one_task(tasks[d] == 1);
  for (const std::size_t dev : used) {
    Mount& mount = mounts_[dev];
    if (mount.fs) continue;
    block_device::BlockDevice& device = *devices_[dev];
    mount.fs = std::make_unique<filesystem::Filesystem>(scenario.filesystem, device.params().capacity_bytes);
    mount.writeback =
        std::make_unique<writeback::Writeback>(scenario.writeback, scenario.page_cache, *cpu_, *cache_, *mount.fs,
                                               device, *writeback_done_, [this] { return dirty_limits(); },
                                               stream_seed(scenario.seed, "completion_work/" + device.params().name));
    mount.direct_io = std::make_unique<vfs::DirectIo>(*cpu_, *mount.fs, device, *cache_, *mount.writeback);
    throttle_->add_bdi(*mount.writeback);
    mount.buffered_io = std::make_unique<vfs::BufferedIo>(*cpu_, *mount.fs, *cache_, scenario.page_cache, *reclaim_,
                                                          *mount.writeback, *throttle_, device, *writeback_done_);
    mount.buffered_io->set_copy_load(&copy_load_);
  }
  meter_ = std::make_unique<MemoryMeter>(*cache_, *reclaim_, *cpu_, device_totals_, workload_,
                                         [this] { return dirty_limits(); });
  cache_->set_observer([this] { meter_->observe(); });
}

writeback::DirtyLimits Machine::dirty_limits() const {
  const std::uint64_t global_pages = writeback::global_dirtyable_pages(reclaim_->free_pages(), cache_->cached_pages(),
                                                                      reclaim_->watermarks().high_pages);
  writeback::DirtyLimits limits = writeback::dirty_limits(global_pages, scenario_.writeback);
  if (scenario_.page_cache.cgroup_writeback && reclaim_->cgroup_limited()) {
    // balance_dirty_pages with a memcg domain: the page cache is the
    // workload's cgroup's, so both domains count the same dirty pages and
    // the one with the lower thresholds throttles (the smaller pos_ratio)
    // and starts background writeback first.
    const std::uint64_t dirty = cache_->dirty_pages() + cache_->writeback_pages();
    const writeback::DirtyLimits memcg = writeback::dirty_limits(
        writeback::memcg_dirtyable_pages(cache_->cached_pages(), dirty, reclaim_->cgroup_headroom_pages(),
                                         global_pages, dirty),
        scenario_.writeback);
    if (memcg.thresh_pages < limits.thresh_pages) limits = memcg;
  }
  return limits;
}

void Machine::start() {
  double expected_writes = 0, expected_reads = 0;
  for (const auto& job : scenario_.jobs)
    (job.reads() ? expected_reads : expected_writes) +=
        job.expected_write_calls(scenario_.devices[scenario_.device_of(job)].write_bandwidth_Bps) *
        static_cast<double>(job.numjobs);
  workload_.tail.size_for(expected_writes, scenario_.tail_percentile, scenario_.tail_writes_max);
  if (expected_reads > 0)
    workload_.read_tail.size_for(expected_reads, scenario_.tail_percentile, scenario_.tail_writes_max);
  // Actors that run kernel work: every job clone, each mount's flusher, kswapd.
  std::uint64_t runners = mounts_.size() + scenario_.reclaim.kswapd_threads;
  for (const auto& job : scenario_.jobs) runners += job.numjobs;
  cpu_->set_max_runners(runners);
  for (auto& d : devices_) d->start(cpu_->host());
  for (auto& [index, mount] : mounts_) mount.writeback->start(cpu_->host());
  reclaim_->start(cpu_->host());
  start_actor(
      "sampler", cpu_->host(),
      [this] { meter_->sample_every(scenario_.sample_interval_s, scenario_.timeseries_rows_max); }, ActorKind::kDaemon);
  start_actor(
      "watchdog", cpu_->host(), [this] { watchdog().watch(); }, ActorKind::kDaemon);
  if (scenario_.run_for_s > 0)
    start_actor(
        "run_for", cpu_->host(), [this] { sg4::this_actor::sleep_for(scenario_.run_for_s); }, ActorKind::kJob);

  set_up_files();
  workload_.jobs.resize(scenario_.jobs.size());
  gates_.resize(scenario_.jobs.size());
  std::uint64_t phase = 0;
  for (std::size_t i = 0; i < scenario_.jobs.size(); ++i) {
    const auto& job = scenario_.jobs[i];
    // fio's groupid: a stonewall or new_group job opens the next group.
    if (i > 0 && (job.stonewall || job.new_group)) ++phase;
    workload_.jobs[i].name = job.name;
    workload_.jobs[i].phase = phase;
    gates_[i].clones_left = job.numjobs;
    if (ends_write_phase(job)) jobs_writing_ += static_cast<int>(job.numjobs);
  }
  for (std::size_t i = 0; i < scenario_.jobs.size(); ++i) {
    const auto& job = scenario_.jobs[i];
    if (waits_of(i).empty() && job.before.empty()) {
      // Nothing to wait for: its clones start now, as every job did before phases.
      prepare_files(job);
      start_clones(i);
    } else {
      start_actor(
          job.name + ".phase", cpu_->host(), [this, i] { start_phase_job(i); }, ActorKind::kJob);
    }
  }
}

Machine::Mount& Machine::mount_of(const workload::JobParams& job) { return mounts_.at(scenario_.device_of(job)); }

void Machine::set_up_files() {
  for (const auto& spec : scenario_.files) {
    Mount& mount = mounts_.at(scenario_.device_index(spec.device));
    filesystem::File& file = mount.fs->open(spec.name);
    mount.fs->lay_out(file, spec.size_bytes, spec.layout, spec.extents, spec.hole_ranges());
    const filesystem::ByteRange cached = spec.cached_range();
    // The scenario checked that it fits in memory: nothing to reclaim.
    mount.buffered_io->place_in_cache(file, cached.offset_bytes, cached.length_bytes,
                                      spec.cache_state == workload::CacheState::kDirty, false);
  }
}

std::vector<std::size_t> Machine::waits_of(std::size_t index) const {
  const auto& job = scenario_.jobs[index];
  std::vector<std::size_t> waits;
  for (std::size_t j = 0; j < index; ++j)
    if (job.stonewall || scenario_.jobs[j].name == job.wait_for) waits.push_back(j);
  return waits;
}

void Machine::prepare_files(const workload::JobParams& job) {
  if (!job.invalidate && !job.pre_read) return;
  Mount& mount = mount_of(job);
  const bool on_actor = sg4::Actor::self() != nullptr;
  for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
    const std::string name = job.file_for_clone(clone);
    if (!mount.fs->files().count(name)) continue;  // created empty when the clone opens it
    filesystem::File& file = mount.fs->open(name);
    if (job.pre_read)
      mount.buffered_io->place_in_cache(file, 0, file.size_bytes, false, on_actor);
    else
      mount.buffered_io->drop_clean(file);
  }
}

void Machine::run_step(const workload::JobStep& step) {
  switch (step.step) {
    case workload::StepKind::kSleep:
      sg4::this_actor::sleep_for(step.duration_s);
      return;
    case workload::StepKind::kDropCaches:
      for (auto& [index, mount] : mounts_)
        for (const auto& [name, file] : mount.fs->files()) mount.buffered_io->drop_clean(*file);
      return;
    case workload::StepKind::kFsync:
    case workload::StepKind::kSync:
      // sync(2) writes every file out and waits (sync_inodes_sb), as an fsync of each would.
      for (auto& [index, mount] : mounts_)
        for (const auto& [name, file] : mount.fs->files()) {
          if (step.step == workload::StepKind::kFsync && name != step.file) continue;
          if (step.step == workload::StepKind::kSync &&
              (!file->cache || file->cache->dirty_pages() + file->cache->writeback_pages() == 0))
            continue;
          vfs::OpenFile fd{file.get(), file->error_seq, {}, {}};
          mount.buffered_io->fsync(fd);
        }
      return;
  }
}

void Machine::start_phase_job(std::size_t index) {
  for (const std::size_t j : waits_of(index)) {
    JobGate& gate = gates_[j];
    ActorLock lock(*gate.mutex);
    while (gate.clones_left > 0) gate.ended->wait(lock);
  }
  const auto& job = scenario_.jobs[index];
  for (const auto& step : job.before) run_step(step);
  prepare_files(job);
  start_clones(index);
}

bool Machine::ends_write_phase(const workload::JobParams& job) const {
  const bool any_writer = std::any_of(scenario_.jobs.begin(), scenario_.jobs.end(),
                                      [](const workload::JobParams& j) { return !j.reads(); });
  return !job.reads() || !any_writer;
}

void Machine::start_clones(std::size_t index) {
  const auto& job = scenario_.jobs[index];
  Mount& mount = mount_of(job);
  for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
    workload::KernelPaths kernel{*cpu_,
                                 *mount.fs,
                                 *mount.direct_io,
                                 *mount.buffered_io,
                                 *mount.writeback,
                                 *throttle_,
                                 [this, counts = ends_write_phase(job)] {
                                   if (counts && --jobs_writing_ == 0) meter_->mark_after_writes();
                                 },
                                 clones_running_,
                                 [this, index] {
                                   if (--gates_[index].clones_left == 0) gates_[index].ended->notify_all();
                                 }};
    const std::string clone_name = job.name + "/" + std::to_string(clone);
    workload::start_job(job, clone, random_stream(scenario_.seed, "workload/" + clone_name),
                        random_stream(scenario_.seed, "cpu_spread/" + clone_name), kernel, workload_,
                        workload_.jobs[index]);
  }
}

Watchdog Machine::watchdog() {
  auto progress = [this] {
    std::uint64_t moved = workload_.write_calls + workload_.read_calls + workload_.fsync_calls;
    for (const auto& d : devices_) moved += d->stats().write_requests + d->stats().read_requests;
    return moved;
  };
  auto state = [this] {
    std::string text = "cache: " + std::to_string(cache_->dirty_pages()) + " pages dirty, " +
                       std::to_string(cache_->writeback_pages()) + " under writeback; free " +
                       std::to_string(reclaim_->free_pages()) + " pages";
    for (const auto& d : devices_)
      text += "; device " + d->params().name + ": " + std::to_string(d->queued_requests()) +
              " requests queued or in service, " + std::to_string(d->wbt_inflight()) + " in blk-wbt";
    return text;
  };
  return Watchdog(
      progress, [this] { return clones_running_ > 0; }, state);
}

VariantRun Machine::measured() const {
  VariantRun run;
  const MemorySample end = meter_->sample();
  run.sim_time_s = end.time_s;
  run.workload = workload_;
  // A call is recorded in its job's histogram only (one update a call); the
  // total is their merge, exact to the bucket.
  for (const auto& job : run.workload.jobs) run.workload.write_latency.merge(job.write_latency);
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    DeviceRun device{devices_[i]->params().name, devices_[i]->stats(), devices_[i]->busy_s(),
                     devices_[i]->write_queued_bytes(), std::nullopt};
    const auto mount = mounts_.find(i);
    if (mount != mounts_.end()) device.estimate = mount->second.writeback->estimate();
    run.devices.push_back(std::move(device));
  }
  for (const auto& [index, mount] : mounts_) {
    run.writeback += mount.writeback->stats();
    run.writeback_unsubmitted_pages += mount.writeback->unsubmitted_pages();
    for (const auto& [name, file] : mount.fs->files()) run.file_extents += mount.fs->summary(*file).extents;
  }
  run.cache_end = cache_->totals();
  run.cached_peak = meter_->cached_peak();
  run.dirty_peak = meter_->dirty_peak();
  run.writeback_peak = meter_->writeback_peak();
  run.after_writes = meter_->after_writes();
  run.series = meter_->series(end);
  run.sampler = meter_->sampler_stats();
  run.memory_bytes = scenario_.machine.memory_bytes;
  run.memory_limit_bytes = scenario_.page_cache.memory_limit_bytes;
  run.reclaim = reclaim_->stats();
  run.throttle = throttle_->stats();
  run.cpu = cpu_->stats();
  return run;
}

}  // namespace foliosim
