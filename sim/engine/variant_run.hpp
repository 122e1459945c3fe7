// What one variant's run measured, as the models counted it: the engine's
// result, which sim/output turns into summary.json, the CSVs and
// tail_writes.json. Plain data, copied out of the machine when its engine
// has stopped.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/block_device/block_device.hpp"
#include "models/common/pages.hpp"
#include "models/cpu/cpu.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/workload/workload_stats.hpp"
#include "models/writeback/bandwidth_estimate.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"
#include "sim/engine/memory_meter.hpp"

namespace foliosim {

struct DeviceRun {
  std::string name;
  block_device::DeviceStats stats;
  double busy_s = 0;
  std::uint64_t write_queued_bytes = 0;  // queued, not dispatched, when the run ended
  // The bdi's writeback estimates, for a device that holds job files.
  std::optional<writeback::BandwidthEstimate> estimate;
};

struct VariantRun {
  double sim_time_s = 0;
  workload::WorkloadStats workload;
  std::vector<DeviceRun> devices;
  writeback::WritebackStats writeback;            // all devices
  std::uint64_t writeback_unsubmitted_pages = 0;  // under writeback, bios not yet submitted, all devices
  page_cache::CacheTotals cache_end;
  std::uint64_t file_extents = 0;
  MemorySample cached_peak, dirty_peak, writeback_peak, after_writes;
  std::vector<MemorySample> series;  // timeseries.csv's rows
  SamplerStats sampler;              // how they were sampled
  std::uint64_t memory_bytes = 0;
  std::uint64_t memory_limit_bytes = 0;
  reclaim::ReclaimStats reclaim;
  writeback::ThrottleStats throttle;
  cpu::CpuStats cpu;

  // summary.json's entry for the variant.
  template <class F>
  void stats(F& f) const {
    f.seconds("sim_time_s", sim_time_s, "simulated time when the run ended");
    workload.stats(f);
    device_totals(f);
    sampler.stats(f);
    f.list("devices", "each device", devices, [](auto& g, const DeviceRun& d) {
      g.text("name", d.name, "the device's name in the scenario");
      d.stats.stats(g);
      g.seconds("busy_s", d.busy_s, "time with a request in service");
      if (d.estimate) d.estimate->stats(g);
    });
    writeback.stats(f);
    cache_end.stats(f);
    f.count("file_extents", file_extents, "extents of every file at the end: how fragmented the files ended");
    f.pages("page_cache_peak_bytes", cached_peak.cached_pages, "the most ever cached");
    f.pages("dirty_peak_bytes", dirty_peak.dirty_pages, "the most ever dirty");
    f.pages("writeback_peak_bytes", writeback_peak.writeback_pages, "the most ever under writeback");
    f.group("after_write_phase", "the machine when the last write call returned",
            [&](auto& g) { after_writes.snapshot(g); });
    f.bytes("memory_bytes", memory_bytes, "the machine's memory");
    f.bytes("memory_limit_bytes", memory_limit_bytes, "the memory cgroup's limit (0: none)");
    reclaim.stats(f);
    throttle.stats(f);
    cpu.stats(f);
  }

 private:
  template <class F>
  void device_totals(F& f) const {
    std::uint64_t read = 0, read_requests = 0, written = 0, requests = 0, failed_requests = 0, failed_bytes = 0,
                  queued = 0, log = 0;
    for (const auto& d : devices) {
      read += d.stats.read_bytes;
      read_requests += d.stats.read_requests;
      written += d.stats.write_bytes;
      log += d.stats.log_write_bytes;
      requests += d.stats.write_requests;
      failed_requests += d.stats.failed_write_requests;
      failed_bytes += d.stats.failed_write_bytes;
      queued += d.write_queued_bytes;
    }
    f.bytes("device_read_bytes", read, "bytes the devices read");
    f.count("device_read_requests", read_requests, "read requests the devices served, after merging");
    f.bytes("device_write_bytes", written, "bytes the devices wrote, failed writes included");
    f.bytes("device_log_write_bytes", log, "of device_write_bytes, the filesystem's log / journal writes");
    f.count("device_write_requests", requests, "write requests the devices served, after merging");
    f.bytes("device_write_ok_bytes", written - failed_bytes, "bytes the devices wrote without error");
    f.count("write_errors", failed_requests, "write requests that completed with EIO");
    // Every byte written is placed: app_write_bytes + zeroed_bytes = device_write_bytes
    // - device_log_write_bytes + dirty_end_bytes + writeback_undispatched_bytes (without overwrites).
    f.bytes("writeback_undispatched_bytes", queued + writeback_unsubmitted_pages * kPageBytes,
            "under writeback when the run ended but not yet dispatched to a device (waiting for blk-wbt, a tag, "
            "or in the device's queue)");
  }
};

}  // namespace foliosim
