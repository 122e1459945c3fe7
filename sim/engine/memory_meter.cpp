#include "sim/engine/memory_meter.hpp"

#include <algorithm>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/sim_clock.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

MemoryMeter::MemoryMeter(const page_cache::PageCache& cache, const reclaim::Reclaim& reclaim, const cpu::Cpu& cpu,
                         const block_device::DeviceTotals& device_totals, const workload::WorkloadStats& workload,
                         std::function<writeback::DirtyLimits()> limits)
    : cache_(cache),
      reclaim_(reclaim),
      cpu_(cpu),
      device_totals_(device_totals),
      workload_(workload),
      limits_(std::move(limits)) {}

MemorySample MemoryMeter::sample() const {
  MemorySample s;
  s.time_s = sim_clock_s();  // a peak may be met in a completion applied late (lazy_completions.hpp)
  s.cached_pages = cache_.cached_pages();
  s.dirty_pages = cache_.dirty_pages();
  s.writeback_pages = cache_.writeback_pages();
  s.free_pages = reclaim_.free_pages();
  s.dropbehind_pages = cache_.dropbehind_pages();
  s.zeroed_pages = cache_.zeroed_pages();
  const auto limits = limits_();
  s.dirty_thresh_pages = limits.thresh_pages;
  s.dirty_bg_thresh_pages = limits.bg_thresh_pages;
  s.device_write_bytes = device_totals_.write_bytes;
  s.device_read_bytes = device_totals_.read_bytes;
  s.device_queued_requests = device_totals_.queued_requests;
  s.app_write_bytes = workload_.app_write_bytes;
  s.app_read_bytes = workload_.app_read_bytes;
  s.cpu = cpu_.stats();
  return s;
}

void MemoryMeter::observe() {
  // Called at every change: sample (the costly part) only at a new peak.
  const bool cached = cache_.cached_pages() > cached_peak_.cached_pages;
  const bool dirty = cache_.dirty_pages() > dirty_peak_.dirty_pages;
  const bool writeback = cache_.writeback_pages() > writeback_peak_.writeback_pages;
  if (!cached && !dirty && !writeback) return;
  const MemorySample now = sample();
  if (cached) cached_peak_ = now;
  if (dirty) dirty_peak_ = now;
  if (writeback) writeback_peak_ = now;
}

void MemoryMeter::sample_every(double interval_s, std::uint64_t max_samples) {
  sampler_.interval_s = interval_s;
  while (true) {
    if (samples_.size() >= max_samples) {
      // Keep rows 0, 2, 4, ...: the next sample, one doubled interval after
      // the last kept row, continues the even grid.
      std::size_t kept = 0;
      for (std::size_t i = 0; i < samples_.size(); i += 2) samples_[kept++] = samples_[i];
      samples_.resize(kept);
      sampler_.interval_s *= 2;
      ++sampler_.decimations;
    }
    samples_.push_back(sample());
    sg4::this_actor::sleep_for(sampler_.interval_s);
  }
}

std::vector<MemorySample> MemoryMeter::series(const MemorySample& end) const {
  std::vector<MemorySample> rows = samples_;
  // A peak was reached only if something was cached then.
  for (const MemorySample* p : {&cached_peak_, &dirty_peak_, &writeback_peak_})
    if (p->cached_pages > 0) rows.push_back(*p);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const MemorySample& a, const MemorySample& b) { return a.time_s < b.time_s; });
  rows.push_back(end);
  return rows;
}

}  // namespace foliosim
