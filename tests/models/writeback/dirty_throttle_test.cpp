// balance_dirty_pages on a bare engine: a DirtyThrottle over a page cache and
// one bdi (a Writeback over a block device and a filesystem, its flusher not
// started), under fixed dirty limits. Pauses are worked out by hand from
// dirty_limits.hpp's functions.
#include <doctest/doctest.h>

#include <cstdint>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/cpu/cpu.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"
#include "models/writeback/writeback_wait_queue.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
using writeback::Dirtier;
using writeback::DirtyLimits;
namespace sg4 = simgrid::s4u;

namespace {

// thresh 2000, bg_thresh 1000, freerun 1500, setpoint 1750 pages.
constexpr DirtyLimits kLimits{2000, 1000, 1500, 1750};
// The bdi's first bandwidth and ratelimit: INIT_BW, 100 MiB/s.
constexpr double kInitPagesPerS = 25600;

struct Env {
  page_cache::PageCache& cache;
  page_cache::FileCache& file;  // the bdi's one file
  writeback::Writeback& wb;
  writeback::DirtyThrottle& throttle;
  const std::uint64_t& background_wakeups;
};

// The models on a bare engine; `body(env)` runs as the dirtying task. The
// bdi's estimates start at `initial_Bps` (a new bdi's INIT_BW by default).
template <class Body>
auto with_throttle(const writeback::WritebackParams& params, Body body, double initial_Bps = 100.0 * 1024 * 1024) {
  return run_in_child([=] {
    sg4::NetZone* zone = nullptr;
    auto engine = bare_engine(zone);
    cpu::Cpu cpu(zone, cpu::MachineParams{}, zero_cpu_costs());
    zone->seal();
    page_cache::PageCacheParams cache_params;
    page_cache::PageCache cache(cache_params);
    block_device::DeviceParams device_params = gigabyte_device();
    device_params.initial_write_bandwidth_Bps = device_params.initial_dirty_ratelimit_Bps = initial_Bps;
    block_device::BlockDevice device(device_params);
    filesystem::FilesystemParams fs_params;
    fs_params.device = "dev0";
    filesystem::Filesystem fs(fs_params, 64 * GiB);
    filesystem::File& file = fs.open("f");
    file.cache = &cache.file("f");
    writeback::WritebackWaitQueue waiters;
    const auto limits = [] { return kLimits; };
    writeback::Writeback wb(params, cache_params, cpu, cache, fs, device, waiters, limits, 1);
    std::uint64_t background_wakeups = 0;
    writeback::DirtyThrottle throttle(params, cache, limits, [&background_wakeups] { ++background_wakeups; });
    throttle.add_bdi(wb);
    Env env{cache, *file.cache, wb, throttle, background_wakeups};
    return run_actor(*engine, cpu.host(), [&] { return body(env); });
  });
}

// `pages` dirty pages in the bdi's file.
void dirty(Env& env, std::uint64_t pages) { env.cache.write(env.file, 0, pages * kPageBytes, 0); }

// Writes back `pages` of the file `at_s` seconds from now, on an actor of its own.
void clean_later(Env& env, std::uint64_t pages, double at_s) {
  sg4::Actor::create("cleaner", sg4::this_actor::get_host(), [&env, pages, at_s] {
    sg4::this_actor::sleep_for(at_s);
    for (const auto& range : env.cache.start_writeback(env.file, 0, pages)) env.cache.end_writeback(env.file, range);
  });
}

struct Balance {
  double slept_s, clock_s, paused_when_s, throttle_time_s;
  std::uint64_t pages_since_check, pages_between_checks, background_wakeups, before_sleep_calls;
};

// One balance() call after dirtying `pages`.
Balance balance(Env& env, Dirtier& task, std::uint64_t pages) {
  std::uint64_t before_sleep_calls = 0;
  const double slept_s = env.throttle.balance(task, pages, env.wb, [&] { ++before_sleep_calls; });
  return {slept_s,
          sg4::Engine::get_clock(),
          task.paused_when_s,
          env.throttle.stats().throttle_time_s,
          task.pages_since_check,
          task.pages_between_checks,
          env.background_wakeups,
          before_sleep_calls};
}

}  // namespace

TEST_CASE("dirty throttle: below freerun a task never sleeps, and checks again after the poll interval") {
  SUBCASE("fewer pages than the check interval: not even a check") {
    const Balance b = with_throttle(writeback::WritebackParams{}, [](Env& env) {
      dirty(env, 1000);
      Dirtier task;  // checks every 32 pages at first
      return balance(env, task, 8);
    });
    CHECK(b.slept_s == 0);
    CHECK(b.pages_since_check == 8);
    CHECK(b.pages_between_checks == 32);
  }
  SUBCASE("a check at 1000 dirty: no sleep, next after 2^(ilog2(2000 - 1000) / 2) = 16 pages") {
    const Balance b = with_throttle(writeback::WritebackParams{}, [](Env& env) {
      dirty(env, 1000);
      Dirtier task;
      return balance(env, task, 32);
    });
    CHECK(b.slept_s == 0);
    CHECK(b.clock_s == 0);
    CHECK(b.pages_since_check == 0);
    CHECK(b.pages_between_checks == 16);
    CHECK(b.background_wakeups == 0);  // 1000 is not above bg_thresh
    CHECK(b.before_sleep_calls == 0);
  }
  SUBCASE("above the background threshold: background writeback is woken, still no sleep") {
    const Balance b = with_throttle(writeback::WritebackParams{}, [](Env& env) {
      dirty(env, 1200);
      Dirtier task;
      return balance(env, task, 32);
    });
    CHECK(b.slept_s == 0);
    CHECK(b.background_wakeups == 1);
    CHECK(b.pages_between_checks == 16);  // ilog2(800) = 9
  }
}

TEST_CASE("dirty throttle: past the limit a task pauses max_pause at a time until writeback brings it under") {
  // 2500 dirty pages >= thresh 2000: position ratio 0, so each pause is
  // max_pause = 2500 pages / 25600 pages/s / 8 + 1 ms = 13.20703125 ms.
  // 1000 pages are cleaned at 30 ms: the checks at 13.2 and 26.4 ms still see
  // 2500, the one at 39.6 ms 1500 < 2000: three pauses.
  const double max_pause_s = 2500 / kInitPagesPerS / 8 + 1e-3;
  const Balance b = with_throttle(writeback::WritebackParams{}, [](Env& env) {
    dirty(env, 2500);
    clean_later(env, 1000, 30e-3);
    Dirtier task;
    return balance(env, task, 32);
  });
  CHECK(b.slept_s == doctest::Approx(3 * max_pause_s).epsilon(1e-12));
  CHECK(b.clock_s == doctest::Approx(3 * max_pause_s).epsilon(1e-12));
  CHECK(b.throttle_time_s == doctest::Approx(3 * max_pause_s).epsilon(1e-12));
  CHECK(b.before_sleep_calls == 1);  // before the first pause only
  CHECK(b.background_wakeups == 3);  // every round sees 2500 > bg_thresh
  // At a task ratelimit of 0 the next check comes after a single page.
  CHECK(b.pages_between_checks == 1);

  SUBCASE("a slow bdi: max_pause itself, 200 ms") {
    // 1000 pages/s: 2500 / 1000 / 8 + 1 ms = 313.5 ms > 200 ms. Cleaned at
    // 5 ms: one pause.
    const Balance slow = with_throttle(writeback::WritebackParams{}, [](Env& env) {
      dirty(env, 2500);
      clean_later(env, 1000, 5e-3);
      Dirtier task;
      return balance(env, task, 32);
    }, 1000.0 * kPageBytes);
    CHECK(slow.slept_s == doctest::Approx(0.2).epsilon(1e-12));
  }
}

TEST_CASE("dirty throttle: between freerun and the limit a task sleeps off its pages at its ratelimit") {
  // 1750 dirty, the setpoint: global ratio 1. The bdi has all the recent
  // writeout, so its share is the whole threshold and its own line gives 1
  // too (wb_setpoint 1750, span 8 x 25600: factor 204800 / 204800). Task
  // ratelimit 25600 pages/s. max_pause = 1750 / 25600 / 8 + 1 ms =
  // 9.544921875 ms; the minimum pause is half of min(10 ms, max_pause / 2):
  // 2.38623046875 ms, and the next check after 25600 x 4.77 ms = 122 pages.
  const double max_pause_s = 1750 / kInitPagesPerS / 8 + 1e-3;
  auto run = [](double worked_s, std::uint64_t pages) {
    return with_throttle(writeback::WritebackParams{}, [=](Env& env) {
      dirty(env, 1750);
      env.wb.estimate().add_written(100, 0);
      Dirtier task;
      sg4::this_actor::sleep_for(worked_s);  // working since its last pause at 0
      return balance(env, task, pages);
    });
  };
  SUBCASE("128 pages are 5 ms at 25600 pages/s") {
    const Balance b = run(0, 128);
    CHECK(b.slept_s == doctest::Approx(5e-3).epsilon(1e-12));
    CHECK(b.paused_when_s == doctest::Approx(5e-3).epsilon(1e-12));
    CHECK(b.pages_between_checks == 122);
  }
  SUBCASE("time spent working since the last pause counts: 5 - 2 ms") {
    const Balance b = run(2e-3, 128);
    CHECK(b.slept_s == doctest::Approx(3e-3).epsilon(1e-12));
  }
  SUBCASE("512 pages are 20 ms: bounded by max_pause") {
    const Balance b = run(0, 512);
    CHECK(b.slept_s == doctest::Approx(max_pause_s).epsilon(1e-12));
  }
  SUBCASE("32 pages are 1.25 ms, under the minimum pause: no sleep, the debt carried") {
    const Balance b = run(0, 32);
    CHECK(b.slept_s == 0);
    CHECK(b.paused_when_s == doctest::Approx(1.25e-3).epsilon(1e-12));
  }
}

TEST_CASE("dirty throttle: a throttled task updates the bdi's estimates once an interval has passed") {
  struct Updates {
    std::uint64_t before, after;
    bool by_dirtier;
  };
  const Updates u = with_throttle(writeback::WritebackParams{}, [](Env& env) {
    dirty(env, 1750);
    Dirtier task;
    const std::uint64_t before = env.wb.estimate().updates().size();
    sg4::this_actor::sleep_for(0.3);  // past BANDWIDTH_INTERVAL, 200 ms
    task.paused_when_s = 0.3;
    balance(env, task, 32);
    const auto& updates = env.wb.estimate().updates();
    return Updates{before, updates.size(), !updates.empty() && updates.back().by_dirtier};
  });
  CHECK(u.before == 0);
  CHECK(u.after == 1);
  CHECK(u.by_dirtier);
}
