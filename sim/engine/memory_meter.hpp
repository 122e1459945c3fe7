// What the machine's memory, devices and CPUs looked like over a run: a
// sample every sample_interval, the whole state at the moment each page-cache
// count peaked (exact, although sampled: the page cache's observer calls
// observe() after every change that can raise a count), and the state when
// the last job stopped writing.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "models/block_device/device_totals.hpp"
#include "models/common/stat_fields.hpp"
#include "models/cpu/cpu.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/workload/workload_stats.hpp"
#include "models/writeback/dirty_limits.hpp"

namespace foliosim {

// The machine at one instant. One row of timeseries.csv.
struct MemorySample {
  double time_s = 0;
  std::uint64_t cached_pages = 0;
  std::uint64_t dirty_pages = 0;
  std::uint64_t writeback_pages = 0;
  std::uint64_t free_pages = 0;
  std::uint64_t dropbehind_pages = 0;
  std::uint64_t zeroed_pages = 0;
  std::uint64_t dirty_thresh_pages = 0;
  std::uint64_t dirty_bg_thresh_pages = 0;
  std::uint64_t device_write_bytes = 0;
  std::uint64_t app_write_bytes = 0;
  std::uint64_t device_read_bytes = 0;
  std::uint64_t app_read_bytes = 0;
  std::uint64_t device_queued_requests = 0;  // waiting + in service, all devices
  cpu::CpuStats cpu;                         // cumulative

  template <class F>
  void stats(F& f) const {
    f.seconds("time_s", time_s, "simulated time");
    f.pages("cached_bytes", cached_pages, "in the page cache");
    f.pages("dirty_bytes", dirty_pages, "dirty");
    f.pages("writeback_bytes", writeback_pages, "under writeback");
    f.pages("free_bytes", free_pages, "free memory");
    f.pages("dropbehind_bytes", dropbehind_pages, "cached and marked drop-behind");
    f.pages("zeroed_bytes", zeroed_pages, "cached, written by XFS zeroing");
    f.pages("dirty_thresh_bytes", dirty_thresh_pages, "the dirty threshold (dirty_ratio of dirtyable memory)");
    f.pages("dirty_bg_thresh_bytes", dirty_bg_thresh_pages, "the background writeback threshold");
    f.bytes("device_write_bytes", device_write_bytes, "written by the devices so far");
    f.bytes("app_write_bytes", app_write_bytes, "written by the jobs so far");
    f.bytes("device_read_bytes", device_read_bytes, "read by the devices so far");
    f.bytes("app_read_bytes", app_read_bytes, "read by the jobs so far");
    f.count("device_queued_requests", device_queued_requests, "requests waiting or in service, all devices");
    for (int c = 0; c < static_cast<int>(cpu::Component::kCount); ++c)
      f.seconds(std::string("cpu_") + cpu::component_name(static_cast<cpu::Component>(c)) + "_busy_s", cpu.busy_s[c],
                "CPU-seconds charged to the component so far");
  }

  // The part summary.json gives of a moment (after_write_phase).
  template <class F>
  void snapshot(F& f) const {
    OnlyKeys<F> only(f, {"time_s", "cached_bytes", "dirty_bytes", "writeback_bytes", "device_write_bytes"});
    stats(only);
  }
};

// How the time series was sampled. The sampler keeps at most
// Scenario::timeseries_rows_max rows: when full it drops every other row and
// doubles its interval (decimation), so a long run at a short interval keeps
// a bounded, evenly spaced series.
struct SamplerStats {
  double interval_s = 0;  // the interval between the kept rows
  std::uint64_t decimations = 0;

  template <class F>
  void stats(F& f) const {
    // Only when it differs from the scenario's sample_interval: results of
    // runs that fit are unchanged.
    if (decimations == 0) return;
    f.seconds("timeseries_interval_s", interval_s,
              "the time series' step: sample_interval doubled each time the series reached its row limit");
    f.count("timeseries_decimations", decimations, "times every other row of the time series was dropped");
  }
};

class MemoryMeter {
 public:
  MemoryMeter(const page_cache::PageCache& cache, const reclaim::Reclaim& reclaim, const cpu::Cpu& cpu,
              const block_device::DeviceTotals& device_totals, const workload::WorkloadStats& workload,
              std::function<writeback::DirtyLimits()> limits);

  MemorySample sample() const;
  // After a change of the page cache: keeps the peaks exact.
  void observe();
  // Samples every `interval_s` of simulated time, forever (a daemon actor),
  // keeping at most `max_samples` (even) by decimation.
  void sample_every(double interval_s, std::uint64_t max_samples);
  const SamplerStats& sampler_stats() const { return sampler_; }
  // The last job stopped writing.
  void mark_after_writes() { after_writes_ = sample(); }

  const MemorySample& cached_peak() const { return cached_peak_; }
  const MemorySample& dirty_peak() const { return dirty_peak_; }
  const MemorySample& writeback_peak() const { return writeback_peak_; }
  const MemorySample& after_writes() const { return after_writes_; }
  // The samples and the moments of the peaks, in time order, then `end`.
  std::vector<MemorySample> series(const MemorySample& end) const;

 private:
  const page_cache::PageCache& cache_;
  const reclaim::Reclaim& reclaim_;
  const cpu::Cpu& cpu_;
  const block_device::DeviceTotals& device_totals_;
  const workload::WorkloadStats& workload_;
  std::function<writeback::DirtyLimits()> limits_;
  // The whole state at the moment each count peaked.
  MemorySample cached_peak_, dirty_peak_, writeback_peak_;
  MemorySample after_writes_;
  std::vector<MemorySample> samples_;
  SamplerStats sampler_;
};

}  // namespace foliosim
