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
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
namespace sg4 = simgrid::s4u;
using block_device::WbtClass;

namespace {

constexpr double kLatency_s = 100e-6;
constexpr double kMiB_s = 1.048576e-3;  // 1 MiB at 1 GB/s

struct WbtRun {
  std::vector<double> granted_s;  // when each slot was granted
  std::uint64_t peak_inflight;    // the most in flight at a grant
  std::uint64_t waits;            // the device's blk-wbt sleeps
  double wait_s;
};

// One submitter writes `count` requests of 1 MiB, each after taking a slot of
// class `cls`; `before` runs first on the same actor.
WbtRun writeback_run(std::uint64_t count, WbtClass cls, bool write_cache,
                     const std::function<void(block_device::BlockDevice&)>& before = {}) {
  struct Counts {
    std::uint64_t peak_inflight, inflight_at_end, waits;
    double wait_s;
  };
  const auto [counts, granted_s] = run_in_child([&] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.queue_depth = 128;
    params.write_cache = write_cache;
    block_device::BlockDevice device(params);
    device.start(host);
    std::uint64_t peak_inflight = 0;
    const std::vector<double> granted = run_actor(*engine, host, [&] {
      if (before) before(device);
      std::vector<double> granted_at;
      block_device::IoWaiter waiter;
      for (std::uint64_t i = 0; i < count; ++i) {
        device.wbt_wait(cls);
        granted_at.push_back(sg4::Engine::get_clock());
        peak_inflight = std::max(peak_inflight, device.wbt_inflight());
        device.submit(block_device::Op::kWrite, (i + 1) * GiB, 1 * MiB, 1, waiter.expect(), true);
      }
      waiter.wait();
      return granted_at;
    });
    const auto& st = device.stats();
    return std::pair{Counts{peak_inflight, device.wbt_inflight(), st.wbt_waits, st.wbt_wait_s}, granted};
  });
  CHECK(counts.inflight_at_end == 0);  // every slot came back
  return {granted_s, counts.peak_inflight, counts.waits, counts.wait_s};
}

double granted(const WbtRun& r, std::size_t i) { return r.granted_s.at(i); }

}  // namespace

TEST_CASE("blk-wbt: kicked writeback goes in bursts of wb_normal, 8, and waits for the device to drain") {
  // Scale step 0: max_depth 16, wb_normal 8. With a volatile write cache and
  // no task paused in balance_dirty_pages, completions wake the submitter
  // only when none is left in flight (wbt_rqw_done).
  WbtRun r = writeback_run(24, WbtClass::kNormal, true);
  for (std::size_t i = 0; i < 8; ++i) CHECK(granted(r, i) == 0);
  // The 8 complete one after the other: the last after 100 us + 8 transfers.
  const double drain = kLatency_s + 8 * kMiB_s;
  CHECK(granted(r, 8) == doctest::Approx(drain).epsilon(1e-12));
  CHECK(granted(r, 15) == doctest::Approx(drain).epsilon(1e-12));
  CHECK(granted(r, 16) == doctest::Approx(2 * drain).epsilon(1e-12));
  CHECK(r.peak_inflight == 8);
  CHECK(r.waits == 2);
  CHECK(r.wait_s == doctest::Approx(2 * drain).epsilon(1e-12));
}

TEST_CASE("blk-wbt: without a write cache, a waiter wakes once wb_background / 2 slots are free") {
  // wb_background 4: wake when at most 8 - 2 = 6 are in flight, i.e. after
  // the second completion.
  WbtRun r = writeback_run(12, WbtClass::kNormal, false);
  CHECK(granted(r, 7) == 0);
  CHECK(granted(r, 8) == doctest::Approx(kLatency_s + 2 * kMiB_s).epsilon(1e-12));
  CHECK(granted(r, 9) == doctest::Approx(kLatency_s + 2 * kMiB_s).epsilon(1e-12));
  CHECK(r.peak_inflight == 8);
}

TEST_CASE("blk-wbt: WB_SYNC_ALL writeback may fill max_depth, background writeback only wb_background") {
  SUBCASE("sync (fsync): 16") {
    WbtRun r = writeback_run(20, WbtClass::kSync, true);
    CHECK(granted(r, 15) == 0);
    CHECK(granted(r, 16) == doctest::Approx(kLatency_s + 16 * kMiB_s).epsilon(1e-12));
    CHECK(r.peak_inflight == 16);
  }
  SUBCASE("background: 4") {
    WbtRun r = writeback_run(8, WbtClass::kBackground, true);
    CHECK(granted(r, 3) == 0);
    CHECK(granted(r, 4) == doctest::Approx(kLatency_s + 4 * kMiB_s).epsilon(1e-12));
    CHECK(r.peak_inflight == 4);
  }
}

TEST_CASE("blk-wbt: a read in the last 100 ms holds other writeback to wb_background (close_io)") {
  WbtRun r = writeback_run(8, WbtClass::kNormal, true, [](block_device::BlockDevice& device) {
    block_device::IoWaiter waiter;
    device.submit(block_device::Op::kRead, 0, 4 * KiB, 1, waiter.expect());
    waiter.wait();
  });
  const double read_done = kLatency_s + 4096 / 1e9;
  CHECK(granted(r, 3) == doctest::Approx(read_done).epsilon(1e-12));
  CHECK(r.peak_inflight == 4);
}

TEST_CASE("blk-wbt: after a pause in balance_dirty_pages, writeback may use max_depth for a second") {
  WbtRun r =
      writeback_run(20, WbtClass::kNormal, true, [](block_device::BlockDevice& device) { device.note_dirty_sleep(); });
  CHECK(granted(r, 15) == 0);
  CHECK(r.peak_inflight == 16);
  // Completions then wake the waiter below wb_normal, not at an empty queue
  // (wbt_rqw_done): once wb_normal - in flight >= wb_background / 2, i.e. at
  // 8 - 6 = 2, after 10 of the 16 have completed.
  CHECK(granted(r, 16) == doctest::Approx(kLatency_s + 10 * kMiB_s).epsilon(1e-12));
}

TEST_CASE("blk-wbt: with writes alone, every 100 ms window doubles the depth, up to 3/4 of the queue") {
  // Windows end 100, 200 and 300 ms after the first write: wb_normal 16, 31,
  // then 48 (max_depth 96 = 3/4 of 128, scaled_max: no further).
  WbtRun r = writeback_run(600, WbtClass::kNormal, true);
  auto bursts_between = [&r](double from_s, double to_s) {
    // The longest run of grants at one instant within [from, to).
    std::size_t best = 0, run = 0;
    double at = -1;
    for (std::size_t i = 0; i < r.granted_s.size(); ++i) {
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
  CHECK(r.peak_inflight == 48);
}

namespace {

// A writeback submitter of 1 MiB requests (each after a slot of class
// normal) beside a reader of 4 KiB every 10 ms, for 0.35 s; blk-wbt's read
// latency target `target_s`. Returns, per grant, its time and the slots in
// flight then.
std::vector<std::pair<double, double>> writes_beside_reads(double target_s) {
  return run_in_child([&] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.queue_depth = 128;
    params.wbt_latency_s = target_s;
    block_device::BlockDevice device(params);
    device.start(host);
    sg4::Actor::create("reader", host, [&device] {
      block_device::IoWaiter waiter;
      for (int i = 0; i < 35; ++i) {
        device.submit(block_device::Op::kRead, 64 * GiB + i * 4 * KiB, 4 * KiB, 1, waiter.expect());
        waiter.wait();
        sg4::this_actor::sleep_until((i + 1) * 0.01);
      }
    });
    return run_actor(*engine, host, [&device] {
      std::vector<std::pair<double, double>> grants;
      block_device::IoWaiter waiter;
      for (std::uint64_t i = 0; sg4::Engine::get_clock() < 0.35; ++i) {
        device.wbt_wait(WbtClass::kNormal);
        grants.emplace_back(sg4::Engine::get_clock(), static_cast<double>(device.wbt_inflight()));
        device.submit(block_device::Op::kWrite, (i + 1) * MiB, 1 * MiB, 1, waiter.expect(), true);
      }
      waiter.wait();
      return grants;
    });
  });
}

double peak_between(const std::vector<std::pair<double, double>>& grants, double from_s, double to_s) {
  double peak = 0;
  for (const auto& [t, inflight] : grants)
    if (t >= from_s && t < to_s) peak = std::max(peak, inflight);
  return peak;
}

}  // namespace

TEST_CASE("blk-wbt: reads slower than the latency target scale writeback down, window by window") {
  // Reads take at least the device's 100 us: over a 50 us target every window
  // with a read and 3 writes is exceeded (latency_exceeded: min read latency).
  // Reads within 100 ms hold writeback to wb_background: 4 at step 0, 2 at
  // step 1 (after the 100 ms window), 1 at step 2 (after the next, shortened
  // to 100 ms / sqrt(2) = 70.7 ms).
  const auto grants = writes_beside_reads(50e-6);
  CHECK(peak_between(grants, 0, 0.1) == 4);
  CHECK(peak_between(grants, 0.101, 0.17) == 2);
  CHECK(peak_between(grants, 0.175, 0.35) == 1);
}

TEST_CASE("blk-wbt: reads within the latency target let writeback scale up") {
  // A 50 ms target: every window is fine, so the depth doubles as with writes
  // alone; the reads keep writeback at wb_background: 4, then 8 (max 31), 16 (max 61).
  const auto grants = writes_beside_reads(50e-3);
  CHECK(peak_between(grants, 0, 0.1) == 4);
  CHECK(peak_between(grants, 0.101, 0.2) == 8);
  CHECK(peak_between(grants, 0.201, 0.3) == 16);
}
