// Buffered writes end to end: page cache, writeback, throttling and reclaim,
// against values worked out by hand.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "models/reclaim/watermarks.hpp"
#include "models/common/latency_histogram.hpp"
#include "models/writeback/dirty_limits.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

constexpr std::uint64_t kPage = 4096;
constexpr std::size_t kCached = 1, kFree = 4, kDeviceBytes = 9;

// Rows of the time series (columns in sim/engine/memory_meter.hpp).
std::vector<std::vector<double>> series(const VariantOutput& result) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(result.time_series_csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream cells(line);
    std::string cell;
    while (std::getline(cells, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

TEST_CASE("a 64 MiB buffered write below the thresholds reaches the device only at fsync") {
  Scenario s = bare_scenario();
  auto job = buffered_job("w", 1 * MiB, 64 * MiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  const VariantOutput out = simulate_isolated(s);
  const Json& r = out.summary;
  // 24 GiB of memory: the background threshold is about 2.3 GiB, far above.
  CHECK(r["after_write_phase"]["device_write_bytes"] == 0);
  CHECK(r["after_write_phase"]["dirty_bytes"] == 64 * MiB);
  CHECK(r["after_write_phase"]["cached_bytes"] == 64 * MiB);
  CHECK(r["device_write_bytes"] == 64 * MiB);
  CHECK(r["page_cache_end_bytes"] == 64 * MiB);
  CHECK(r["dirty_end_bytes"] == 0);
  CHECK(r["throttle_time_s"].get<double>() == 0);
  CHECK(r["reclaimed_bytes"] == 0);
  // fsync writes 64 MiB at 3 GB/s behind 95 us of latency; with 128 requests
  // in flight the transfer is the bound: 64 MiB / 3 GB/s = 22.37 ms, plus
  // the first request's latency.
  CHECK(r["fsync_latency_us"]["max"].get<double>() ==
        doctest::Approx((64.0 * MiB / 3e9 + 95e-6) * 1e6).epsilon(0.001));
  {
    // Nothing copies during fsync: a device slowed by writers' calls
    // (copy_slowdown) moves it as fast.
    Scenario slowed = s;
    slowed.devices[0].copy_slowdown = 1.5;
    CHECK(simulate_isolated(slowed).summary["fsync_latency_us"]["max"] == r["fsync_latency_us"]["max"]);
  }
  // fsync takes the 64 folios as one ioend: all under writeback at once, a
  // moment no sample between the write calls (all before fsync) sees.
  CHECK(r["writeback_peak_bytes"] == 64 * MiB);
  CHECK(r["peak_between_writes"]["writeback_bytes"] == 0);
  CHECK(r["peak_between_writes"]["dirty_bytes"] == 64 * MiB);
  CHECK(r["peak_between_writes"]["cached_bytes"] == 64 * MiB);
  // fsync took 22 ms, less than BANDWIDTH_INTERVAL, and nothing was
  // throttled: the bdi's estimates are still a new bdi's, INIT_BW.
  CHECK(r["devices"][0]["writeback_bandwidth_estimate_Bps"] == 100.0 * MiB);
  CHECK(r["devices"][0]["dirty_ratelimit_Bps"] == 100.0 * MiB);
  CHECK(out.bdi_estimates_csv ==
        "time_s,device,write_bandwidth_Bps,avg_write_bandwidth_Bps,dirty_ratelimit_Bps,balanced_dirty_ratelimit_Bps,"
        "updated_by\n");
}

TEST_CASE("1 GiB written under a 256 MiB memory limit: the cache stays within it") {
  Scenario s = bare_scenario();
  s.page_cache.memory_limit_bytes = 256 * MiB;
  auto job = buffered_job("w", 1 * MiB, 1 * GiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  const VariantOutput out = simulate_isolated(s);
  const Json& r = out.summary;
  CHECK(r["page_cache_peak_bytes"] == 256 * MiB);
  // Sequential new folios: reclaim frees exactly what each write needs once
  // the limit is reached, 1 GiB - 256 MiB in all.
  CHECK(r["reclaimed_bytes"] == 768 * MiB);
  CHECK(r["page_cache_end_bytes"] == 256 * MiB);
  CHECK(r["device_write_bytes"] == 1 * GiB);
  CHECK(r["dirty_end_bytes"] == 0);
  CHECK(r["direct_reclaim_time_s"].get<double>() > 0);
  for (const auto& row : series(out)) CHECK(row[kCached] <= 256.0 * MiB);
}

TEST_CASE("fsync's requests reach the device as writepages builds them, beside its CPU (blk_add_rq_to_plug)") {
  // ext4 maps and submits 2048 blocks (8 MiB) at a time: 32 MiB are four
  // chunks of 1 ms of writepages CPU each. A plugged request of 128 KiB or
  // more is flushed to the device when the next is added, so the device
  // starts after the first chunk's CPU and stays busy while the other three
  // are built: 1 ms + 95 us + 32 MiB at 3 GB/s. Held to the end of the plug,
  // it would wait for all four: 4 ms + 95 us + 11.18 ms.
  Scenario s = bare_scenario();
  s.filesystem.type = filesystem::FilesystemKind::kExt4;
  s.cpu.ext4_writepages_per_block_s = 1e-3 / 2048;
  auto job = buffered_job("w", 1 * MiB, 32 * MiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  const Json r = simulate_isolated(s).summary;
  CHECK(r["device_write_bytes"] == 32 * MiB);
  CHECK(r["fsync_latency_us"]["max"].get<double>() ==
        doctest::Approx((1e-3 + 95e-6 + 32.0 * MiB / 3e9) * 1e6).epsilon(1e-6));
}

TEST_CASE("the memory cgroup is also charged the task's memory and ext4's buffer heads") {
  Scenario s = bare_scenario();
  s.page_cache.memory_limit_bytes = 256 * MiB;  // 65536 pages
  s.page_cache.cgroup_other_memory_bytes = 100 * kPage;
  s.jobs.push_back(buffered_job("w", 1 * MiB, 1 * GiB));
  SUBCASE("xfs: 100 pages leave room for 255 whole 1 MiB folios") {
    Json r = simulate_isolated(s).summary;
    CHECK(r["page_cache_peak_bytes"] == 255 * MiB);
    CHECK(r["reclaimed_bytes"] == 1 * GiB - 255 * MiB);
  }
  SUBCASE("ext4: a 1 MiB folio also costs 256 x 112 B = 7 pages of buffer heads") {
    // 248 folios: 248 x 263 + 100 = 65324 pages fit; 249 x 263 + 100 = 65587 do not.
    s.filesystem.type = filesystem::FilesystemKind::kExt4;
    Json r = simulate_isolated(s).summary;
    CHECK(r["page_cache_peak_bytes"] == 248 * MiB);
  }
}

TEST_CASE("dirty pages never pass the dirty threshold by more than one write's slack") {
  Scenario s = bare_scenario();
  s.machine.memory_bytes = 1 * GiB;
  s.page_cache.other_memory_bytes = 0;
  s.devices[0].write_bandwidth_Bps = 100e6;  // slow enough for dirtying to outrun it
  s.jobs.push_back(buffered_job("w", 1 * MiB, 1 * GiB));
  Json r = simulate_isolated(s).summary;
  // 262144 pages; min_free = sqrt(1 GiB in KiB * 16) = 4096 KiB = 1024 pages,
  // step = max(1024/4, 262144 * 10 / 10000) = 262: high = 1548 pages.
  // Dirtyable = all pages less the reserve: 260596; 20 % = 52119 pages.
  auto limits = writeback::dirty_limits(260596, s.writeback);
  CHECK(limits.thresh_pages == 52119);
  // A task checks after each 1 MiB write (256 pages >= the 32-page ratelimit).
  CHECK(r["dirty_peak_bytes"].get<std::uint64_t>() <= (limits.thresh_pages + 256) * kPage);
  CHECK(r["dirty_peak_bytes"].get<std::uint64_t>() > limits.bg_thresh_pages * kPage);
  CHECK(r["throttle_time_s"].get<double>() > 0);
  // The writer is held to about the device's speed: 1 GiB at 100 MB/s, less
  // what fits under the threshold.
  CHECK(r["write_phase_s"].get<double>() > (1.0 * GiB - 52119.0 * kPage) / 100e6 * 0.9);
}

TEST_CASE("a folio dirtied at t is written by the first periodic wake-up after t + dirty_expire") {
  Scenario s = bare_scenario();
  s.run_for_s = 40;
  s.sample_interval_s = 0.01;
  auto job = buffered_job("w", 4 * KiB, 4 * KiB);
  job.startdelay_s = 1;
  s.jobs.push_back(job);
  const VariantOutput out = simulate_isolated(s);
  const Json& r = out.summary;
  CHECK(r["device_write_bytes"] == 4 * KiB);
  // Dirtied at 1 s, expired at 31 s; wake-ups every 5 s: written at 35 s and
  // done 95 us + 4 KiB / 3 GB/s later.
  double written_at = -1;
  for (const auto& row : series(out))
    if (row[kDeviceBytes] > 0 && written_at < 0) written_at = row[0];
  CHECK(written_at == doctest::Approx(35.01).epsilon(1e-9));
  for (const auto& row : series(out))
    if (row[0] < 35) CHECK(row[kDeviceBytes] == 0);
}

TEST_CASE("kswapd keeps free memory above the min watermark by reclaiming clean pages") {
  Scenario s = bare_scenario();
  s.machine.memory_bytes = 512 * MiB;
  s.page_cache.other_memory_bytes = 0;
  s.writeback.dirty_ratio_percent = 10;  // keep most of memory clean
  s.writeback.dirty_background_ratio_percent = 5;
  s.cpu.reclaim_scan_per_folio_s = 0.1e-6;
  s.cpu.reclaim_free_per_folio_s = 0.4e-6;
  s.jobs.push_back(buffered_job("w", 1 * MiB, 2 * GiB));
  const VariantOutput out = simulate_isolated(s);
  const Json& r = out.summary;
  // min_free = sqrt(512 MiB in KiB * 16) = 2896 KiB = 724 pages.
  auto w = reclaim::kernel_watermarks(131072, s.reclaim);
  CHECK(w.min_pages == 724);
  CHECK(r["kswapd_wakeups"].get<int>() > 0);
  CHECK(r["cpu_busy_s"]["kswapd"].get<double>() > 0);
  CHECK(r["page_cache_peak_bytes"].get<std::uint64_t>() <= (131072 - w.min_pages) * kPage);
  CHECK(r["reclaimed_bytes"].get<std::uint64_t>() >= 2 * GiB - 512 * MiB);
  for (const auto& row : series(out)) CHECK(row[kFree] >= w.min_pages * kPage);
}

TEST_CASE("kernel formulas: watermarks and dirty limits") {
  // 24 GiB: min_free = sqrt(25165824 KiB * 16) = 20066 KiB = 5016 pages;
  // step = max(5016/4, 6291456 * 10 / 10000) = 6291.
  auto w = reclaim::kernel_watermarks(6291456, reclaim::ReclaimParams{});
  CHECK(w.min_pages == 5016);
  CHECK(w.low_pages == 5016 + 6291);
  CHECK(w.high_pages == 5016 + 2 * 6291);
  // Tiny and huge memories clamp min_free to [128 KiB, 256 MiB].
  CHECK(reclaim::kernel_watermarks(256, reclaim::ReclaimParams{}).min_pages == 32);
  CHECK(reclaim::kernel_watermarks(1ULL << 28, reclaim::ReclaimParams{}).min_pages == 32768);  // 1 TiB: 128 MiB
  CHECK(reclaim::kernel_watermarks(1ULL << 32, reclaim::ReclaimParams{}).min_pages == 65536);  // 16 TiB: clamped

  writeback::WritebackParams p;
  auto l = writeback::dirty_limits(1000000, p);
  CHECK(l.thresh_pages == 200000);
  CHECK(l.bg_thresh_pages == 100000);
  CHECK(l.freerun_pages == 150000);
  CHECK(l.setpoint_pages == 175000);
  CHECK(writeback::position_ratio(l, 175000) == doctest::Approx(1.0));
  CHECK(writeback::position_ratio(l, 150000) == doctest::Approx(2.0));
  CHECK(writeback::position_ratio(l, 200000) == 0);
}

TEST_CASE("wb_position_ratio: the bdi's own line around its share of the setpoint") {
  const writeback::DirtyLimits l{200000, 100000, 150000, 175000};
  auto global = [&l](std::uint64_t dirty) { return writeback::position_ratio(l, dirty); };
  // One bdi (its share: the whole threshold), 10000 pages/s: span 8 x 10000,
  // x_intercept 175000 + 80000.
  CHECK(writeback::wb_position_ratio(global(175000), l, 175000, 200000, 175000, 10000) == doctest::Approx(1.0));
  CHECK(writeback::wb_position_ratio(global(165000), l, 165000, 200000, 165000, 10000) ==
        doctest::Approx((1 + 0.4 * 0.4 * 0.4) * 90000.0 / 80000));
  CHECK(writeback::wb_position_ratio(global(190000), l, 190000, 200000, 190000, 10000) ==
        doctest::Approx((1 - 0.6 * 0.6 * 0.6) * 65000.0 / 80000));
  // Half the writeout: wb_setpoint 87500, span (200000 - 100000 + 80000) / 2,
  // x_intercept 177500. Holding 160000 of 170000 dirty is past three
  // quarters of the span: a quarter of the global ratio.
  const double g = 1 + 0.2 * 0.2 * 0.2;
  CHECK(writeback::wb_position_ratio(g, l, 170000, 100000, 160000, 10000) == doctest::Approx(g / 4));
  // Holding 20000, under half its share: raised by 50000 / 20000 too.
  CHECK(writeback::wb_position_ratio(g, l, 170000, 100000, 20000, 10000) ==
        doctest::Approx(g * 157500.0 / 90000 * 2.5));
  // No writeout yet: a share of an eighth of what is left, (200000 - 170000) / 8.
  const double share = 3750.0 / 200000, span = (200000 - 3750 + 80000) * share, x = 175000 * share + span;
  CHECK(writeback::wb_position_ratio(g, l, 170000, 0, 1000, 10000) ==
        doctest::Approx(g * (x - 1000) / span * (1875.0 / 1000)));
}

TEST_CASE("balance_dirty_pages: checks further apart below freerun, pauses of about 10 ms above it") {
  // dirty_poll_interval: 1 << (ilog2(thresh - dirty) / 2).
  CHECK(writeback::dirty_poll_interval(0, 52119) == 128);  // ilog2(52119) = 15
  CHECK(writeback::dirty_poll_interval(52000, 52119) == 8);
  CHECK(writeback::dirty_poll_interval(60000, 52119) == 1);
  // wb_max_pause: 100 MiB dirty at 25600 pages/s is 1 s of writeout: 1/8 s + 1 ms.
  CHECK(writeback::max_pause_s(25600, 25600, 0.2) == doctest::Approx(0.126));
  CHECK(writeback::max_pause_s(256000, 25600, 0.2) == 0.2);
  // One dirtier at 1 GiB/s (262144 pages/s): a 10 ms target, 2621 pages
  // between pauses, sleeping once it owes 5 ms.
  auto t = writeback::pause_target(262144, 262144, 262144, 0.2);
  CHECK(t.pages == 2621);
  CHECK(t.min_pause_s == doctest::Approx(0.005));
  // Four dirtiers sharing it: 2 doublings, 10 ms + 2 x 9.77 ms.
  t = writeback::pause_target(262144, 65536, 65536, 0.2);
  CHECK(t.pages == 1935);
  CHECK(t.min_pause_s == doctest::Approx(0.02953125 / 2));
  // A slow task: 10 ms is under 32 pages, so 32 pages and a 32 ms target.
  t = writeback::pause_target(1000, 1000, 1000, 0.2);
  CHECK(t.pages == 32);
  CHECK(t.min_pause_s == doctest::Approx(0.016));
}

TEST_CASE("a throttled writer sleeps in pauses of at least 5 ms, not one per 32 pages") {
  Scenario s = bare_scenario();
  s.machine.memory_bytes = 1 * GiB;
  s.page_cache.other_memory_bytes = 0;
  s.devices[0].write_bandwidth_Bps = 100e6;
  s.jobs.push_back(buffered_job("w", 4 * KiB, 1 * GiB));
  const VariantOutput out = simulate_isolated(s);
  const Json& r = out.summary;
  // 24414 pages/s: about 244 pages (writes) between pauses of 5 to 10 ms once
  // past freerun, so more than 1 in 1000 writes carries one.
  const auto& lat = r["write_latency_us"];
  CHECK(lat["p999"].get<double>() >= 5000);
  // The throttled writer updates the bdi's estimates, 200 ms apart at least.
  std::istringstream estimates(out.bdi_estimates_csv);
  std::string line;
  std::getline(estimates, line);
  double last_s = -1;
  int by_dirtier = 0;
  while (std::getline(estimates, line)) {
    const double at_s = std::stod(line);
    CHECK(at_s - last_s >= 0.2 - 1e-9);
    last_s = at_s;
    const std::string by = line.substr(line.rfind(',') + 1);
    by_dirtier += line.find(",dev0,") != std::string::npos && by == "dirtier";
  }
  CHECK(by_dirtier > 0);
  CHECK(lat["max"].get<double>() <= 200e3 * (1 + 1.0 / 2048));
  CHECK(r["throttle_time_s"].get<double>() > 0);
  CHECK(r["app_write_bytes"] == 1 * GiB);
}

TEST_CASE("batching the writer's CPU work keeps results within the histogram's error") {
  // 1 GiB in 4 KiB writes under a 256 MiB limit: reclaim, writeback and the
  // flusher all interleave with the writer. Batching lets the cache see a
  // write up to one window (20 us) early, so the flusher may cut its ranges
  // differently: bytes are identical, times and reclaim within the
  // histogram's relative error, request counts within 2 %.
  Scenario s = bare_scenario();
  s.cpu = cpu::CpuCostParams{};  // real costs: batching has work to batch
  s.page_cache.memory_limit_bytes = 256 * MiB;
  auto job = buffered_job("w", 4 * KiB, 1 * GiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  Json batched = simulate_isolated(s).summary;
  s.cpu.batch_window_s = 0;
  Json unbatched = simulate_isolated(s).summary;
  const double bound = LatencyHistogram::kRelativeErrorBound;
  CHECK(batched["device_write_bytes"] == unbatched["device_write_bytes"]);
  CHECK(batched["app_write_bytes"] == unbatched["app_write_bytes"]);
  CHECK(batched["device_write_requests"].get<double>() ==
        doctest::Approx(unbatched["device_write_requests"].get<double>()).epsilon(0.02));
  CHECK(batched["reclaimed_bytes"].get<double>() ==
        doctest::Approx(unbatched["reclaimed_bytes"].get<double>()).epsilon(bound));
  CHECK(batched["write_phase_s"].get<double>() ==
        doctest::Approx(unbatched["write_phase_s"].get<double>()).epsilon(bound));
  for (const char* p : {"p50", "p90", "p99", "p999", "max"})
    CHECK(batched["write_latency_us"][p].get<double>() ==
          doctest::Approx(unbatched["write_latency_us"][p].get<double>()).epsilon(bound));
}

TEST_CASE("an XFS write past EOF pays the zeroing pass (xfs_zero_eof); appends and ext4 do not") {
  // Eight 4 KiB writes, no CPU cost but the pass's 10 us.
  auto run = [](filesystem::FilesystemKind type, std::uint64_t stride_bytes) {
    Scenario s = bare_scenario();
    s.filesystem.type = type;
    s.cpu.xfs_zero_eof_s = 10e-6;
    auto job = buffered_job("w", 4 * KiB, 0);
    job.number_ios = 8;
    job.stride_bytes = stride_bytes;
    s.jobs = {job};
    return simulate_isolated(s).summary;
  };
  // 64 KiB apart: the first write starts at EOF (0), the seven others past it.
  const Json sparse = run(filesystem::FilesystemKind::kXfs, 64 * KiB);
  CHECK(sparse["write_latency_us"]["max"].get<double>() == doctest::Approx(10.0).epsilon(1e-6));
  CHECK(sparse["write_latency_us"]["mean"].get<double>() == doctest::Approx(7 * 10.0 / 8).epsilon(1e-6));
  const Json appends = run(filesystem::FilesystemKind::kXfs, 4 * KiB);
  CHECK(appends["write_latency_us"]["max"].get<double>() == 0);
  const Json ext4 = run(filesystem::FilesystemKind::kExt4, 64 * KiB);
  CHECK(ext4["write_latency_us"]["max"].get<double>() == 0);
}
