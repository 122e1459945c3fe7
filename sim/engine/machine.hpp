// The simulated machine of one scenario: every model, wired together. Built
// and run inside one SimGrid engine (simulation.cpp); what it measured comes
// out as a VariantRun.
#pragma once

#include <map>
#include <memory>
#include <vector>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Mutex.hpp>
#include <simgrid/s4u/NetZone.hpp>

#include "models/block_device/block_device.hpp"
#include "models/common/copy_load.hpp"
#include "models/cpu/cpu.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/vfs/buffered_io.hpp"
#include "models/vfs/direct_io.hpp"
#include "models/workload/workload_stats.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"
#include "sim/engine/memory_meter.hpp"
#include "sim/engine/variant_run.hpp"
#include "sim/engine/watchdog.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {

class Machine {
 public:
  // Builds every model on `zone`; the engine must exist.
  Machine(const Scenario& scenario, simgrid::s4u::NetZone* zone);
  // Starts the daemons and the jobs.
  void start();
  // After the engine has run: what the models measured.
  VariantRun measured() const;

 private:
  // The models of one filesystem (one per device that holds job files).
  struct Mount {
    std::unique_ptr<filesystem::Filesystem> fs;
    std::unique_ptr<vfs::DirectIo> direct_io;
    std::unique_ptr<writeback::Writeback> writeback;
    std::unique_ptr<vfs::BufferedIo> buffered_io;
  };

  // A job's progress, for the jobs that wait for it (stonewall, wait_for).
  struct JobGate {
    std::uint64_t clones_left = 0;
    simgrid::s4u::MutexPtr mutex = simgrid::s4u::Mutex::create();
    simgrid::s4u::ConditionVariablePtr ended = simgrid::s4u::ConditionVariable::create();
  };
  writeback::DirtyLimits dirty_limits() const;
  Watchdog watchdog();
  Mount& mount_of(const workload::JobParams& job);
  // The scenario's workload/files, laid out and cached at time 0.
  void set_up_files();
  // The jobs job `index` waits for before it starts (stonewall, wait_for).
  std::vector<std::size_t> waits_of(std::size_t index) const;
  // Waits for those jobs, runs its steps, drops or fills its files' cache
  // (invalidate, pre_read), then starts its clones.
  void start_phase_job(std::size_t index);
  void prepare_files(const workload::JobParams& job);
  void run_step(const workload::JobStep& step);
  void start_clones(std::size_t index);
  // Whether the job's clones end the write phase (after_write_phase): the
  // writers, as the recorder counts them; every job when none writes.
  bool ends_write_phase(const workload::JobParams& job) const;

  Scenario scenario_;
  std::unique_ptr<cpu::Cpu> cpu_;
  // Before the devices: they are gone before it is (no completion is applied then).
  std::unique_ptr<block_device::LazyCompletions> lazy_completions_;
  CopyLoad copy_load_;  // buffered writers copying now: slows devices by copy_slowdown
  block_device::DeviceTotals device_totals_;  // every device's bytes and queued requests, for the meter
  std::vector<std::unique_ptr<block_device::BlockDevice>> devices_;
  std::unique_ptr<page_cache::PageCache> cache_;
  std::unique_ptr<writeback::WritebackWaitQueue> writeback_done_;
  std::unique_ptr<reclaim::Reclaim> reclaim_;
  std::unique_ptr<writeback::DirtyThrottle> throttle_;
  std::map<std::size_t, Mount> mounts_;  // by device index
  workload::WorkloadStats workload_;
  std::unique_ptr<MemoryMeter> meter_;
  int jobs_writing_ = 0;  // clones whose end of writes is still to come
  std::uint64_t clones_running_ = 0;
  std::vector<JobGate> gates_;  // by job index
};

}  // namespace foliosim
