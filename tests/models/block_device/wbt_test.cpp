// blk-wbt (block/blk-wbt.c) in the block device: the depth each class of
// buffered writeback may have in flight, when throttled submitters wake, and
// how the depth scales with 100 ms windows of writes.
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
namespace sg4 = simgrid::s4u;
using block_device::WbtClass;

namespace {

constexpr double kLatency_s = 100e-6;
constexpr double kMiB_s = 1.048576e-3;  // 1 MiB at 1 GB/s

// One submitter writes `count` requests of 1 MiB, each after taking a slot of
// class `cls`; `before` runs first on the same actor. Returns when each slot
// was granted, the largest number in flight at a grant and the device's stats.
Json writeback_run(std::uint64_t count, WbtClass cls, bool write_cache,
                   const std::function<void(block_device::BlockDevice&)>& before = {}) {
  return run_isolated([&] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params;
    params.name = "dev0";
    params.write_bandwidth_Bps = 1e9;
    params.read_bandwidth_Bps = 1e9;
    params.request_latency_s = kLatency_s;
    params.request_overhead_s = 0;
    params.queue_depth = 128;
    params.max_request_bytes = 1 * MiB;
    params.write_cache = write_cache;
    block_device::BlockDevice device(params);
    device.start(host);
    std::vector<double> granted;
    std::uint64_t peak_inflight = 0;
    sg4::Actor::create("submitter", host, [&] {
      if (before) before(device);
      block_device::IoWaiter waiter;
      for (std::uint64_t i = 0; i < count; ++i) {
        device.wbt_wait(cls);
        granted.push_back(sg4::Engine::get_clock());
        peak_inflight = std::max(peak_inflight, device.wbt_inflight());
        device.submit(block_device::Op::kWrite, (i + 1) * GiB, 1 * MiB, waiter.expect(), true);
      }
      waiter.wait();
    });
    engine->run();
    CHECK(device.wbt_inflight() == 0);  // every slot came back
    return Json{{"granted", granted},
                {"peak_inflight", peak_inflight},
                {"waits", device.stats().wbt_waits},
                {"wait_s", device.stats().wbt_wait_s}};
  });
}

double granted(const Json& r, std::size_t i) { return r["granted"][i].get<double>(); }

}  // namespace

TEST_CASE("blk-wbt: kicked writeback goes in bursts of wb_normal, 8, and waits for the device to drain") {
  // Scale step 0: max_depth 16, wb_normal 8. With a volatile write cache and
  // no task paused in balance_dirty_pages, completions wake the submitter
  // only when none is left in flight (wbt_rqw_done).
  Json r = writeback_run(24, WbtClass::kNormal, true);
  for (std::size_t i = 0; i < 8; ++i) CHECK(granted(r, i) == 0);
  // The 8 complete one after the other: the last after 100 us + 8 transfers.
  const double drain = kLatency_s + 8 * kMiB_s;
  CHECK(granted(r, 8) == doctest::Approx(drain).epsilon(1e-12));
  CHECK(granted(r, 15) == doctest::Approx(drain).epsilon(1e-12));
  CHECK(granted(r, 16) == doctest::Approx(2 * drain).epsilon(1e-12));
  CHECK(r["peak_inflight"] == 8);
  CHECK(r["waits"] == 2);
  CHECK(r["wait_s"].get<double>() == doctest::Approx(2 * drain).epsilon(1e-12));
}

TEST_CASE("blk-wbt: without a write cache, a waiter wakes once wb_background / 2 slots are free") {
  // wb_background 4: wake when at most 8 - 2 = 6 are in flight, i.e. after
  // the second completion.
  Json r = writeback_run(12, WbtClass::kNormal, false);
  CHECK(granted(r, 7) == 0);
  CHECK(granted(r, 8) == doctest::Approx(kLatency_s + 2 * kMiB_s).epsilon(1e-12));
  CHECK(granted(r, 9) == doctest::Approx(kLatency_s + 2 * kMiB_s).epsilon(1e-12));
  CHECK(r["peak_inflight"] == 8);
}

TEST_CASE("blk-wbt: WB_SYNC_ALL writeback may fill max_depth, background writeback only wb_background") {
  SUBCASE("sync (fsync): 16") {
    Json r = writeback_run(20, WbtClass::kSync, true);
    CHECK(granted(r, 15) == 0);
    CHECK(granted(r, 16) == doctest::Approx(kLatency_s + 16 * kMiB_s).epsilon(1e-12));
    CHECK(r["peak_inflight"] == 16);
  }
  SUBCASE("background: 4") {
    Json r = writeback_run(8, WbtClass::kBackground, true);
    CHECK(granted(r, 3) == 0);
    CHECK(granted(r, 4) == doctest::Approx(kLatency_s + 4 * kMiB_s).epsilon(1e-12));
    CHECK(r["peak_inflight"] == 4);
  }
}

TEST_CASE("blk-wbt: a read in the last 100 ms holds other writeback to wb_background (close_io)") {
  Json r = writeback_run(8, WbtClass::kNormal, true, [](block_device::BlockDevice& device) {
    block_device::IoWaiter waiter;
    device.submit(block_device::Op::kRead, 0, 4 * KiB, waiter.expect());
    waiter.wait();
  });
  const double read_done = kLatency_s + 4096 / 1e9;
  CHECK(granted(r, 3) == doctest::Approx(read_done).epsilon(1e-12));
  CHECK(r["peak_inflight"] == 4);
}

TEST_CASE("blk-wbt: after a pause in balance_dirty_pages, writeback may use max_depth for a second") {
  Json r = writeback_run(20, WbtClass::kNormal, true, [](block_device::BlockDevice& device) { device.note_dirty_sleep(); });
  CHECK(granted(r, 15) == 0);
  CHECK(r["peak_inflight"] == 16);
  // Completions then wake the waiter below wb_normal, not at an empty queue
  // (wbt_rqw_done): once wb_normal - in flight >= wb_background / 2, i.e. at
  // 8 - 6 = 2, after 10 of the 16 have completed.
  CHECK(granted(r, 16) == doctest::Approx(kLatency_s + 10 * kMiB_s).epsilon(1e-12));
}

TEST_CASE("blk-wbt: with writes alone, every 100 ms window doubles the depth, up to 3/4 of the queue") {
  // Windows end 100, 200 and 300 ms after the first write: wb_normal 16, 31,
  // then 48 (max_depth 96 = 3/4 of 128, scaled_max: no further).
  Json r = writeback_run(600, WbtClass::kNormal, true);
  auto bursts_between = [&r](double from_s, double to_s) {
    // The longest run of grants at one instant within [from, to).
    std::size_t best = 0, run = 0;
    double at = -1;
    for (std::size_t i = 0; i < r["granted"].size(); ++i) {
      const double t = granted(r, i);
      if (t < from_s || t >= to_s) continue;
      run = t == at ? run + 1 : 1;
      at = t;
      best = std::max(best, run);
    }
    return best;
  };
  CHECK(bursts_between(0, 0.1) == 8);
  CHECK(bursts_between(0.1, 0.2) == 16);
  CHECK(bursts_between(0.2, 0.3) == 31);
  CHECK(bursts_between(0.3, 0.6) == 48);
  CHECK(r["peak_inflight"] == 48);
}

TEST_CASE("blk-wbt holds a dontcache writer's inline kicks: writeback in flight stays near wb_normal") {
  Scenario s = bare_scenario();
  s.devices[0].wbt_latency_s = 75e-3;
  s.devices[0].write_cache = true;
  auto job = buffered_job("w", 1 * MiB, 64 * MiB);
  job.mode = workload::IoMode::kDontcache;
  job.end_fsync = true;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s);
  // Copies are free: the writer kicks 8 requests at once, then its 9th kick
  // waits with its folio under writeback until the device drains.
  CHECK(r["writeback_peak_bytes"] == 9 * MiB);
  CHECK(r["page_cache_peak_bytes"] == 9 * MiB);
  CHECK(r["device_write_requests"] == 64);
  CHECK(r["page_cache_end_bytes"] == 0);
  // 8 cycles of 95 us + 8 transfers of 1 MiB at 3 GB/s; the last 8 are the
  // writer's last kicks, so the write phase ends when the 57th is granted.
  const double cycle = 95e-6 + 8 * (1.0 * MiB / 3e9);
  CHECK(r["write_phase_s"].get<double>() == doctest::Approx(7 * cycle).epsilon(1e-9));
  // Between calls: after call 8k + j, requests 8k + 1 to 8k + j are in flight.
  CHECK(r["peak_between_writes"]["writeback_bytes"] == 8 * MiB);

  SUBCASE("sampled every 9 calls: after call 9j, j requests are in flight") {
    s.jobs[0].size_bytes = 63 * MiB;
    s.jobs[0].cachestat_every = 9;
    Json sampled = simulate_isolated(s);
    CHECK(sampled["writeback_peak_bytes"] == 9 * MiB);
    CHECK(sampled["peak_between_writes"]["writeback_bytes"] == 7 * MiB);
    CHECK(sampled["peak_between_writes"]["cached_bytes"] == 7 * MiB);
    CHECK(sampled["peak_between_writes"]["dirty_bytes"] == 0);
  }
}
