// Reclaim on its own: the zone watermarks (mm/page_alloc.c,
// __setup_per_zone_wmarks, as watermarks.cpp implements it), free memory, and
// passes over a page cache on a bare engine: the pages they free and the CPU
// they charge.
#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/cpu/cpu.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/reclaim/watermarks.hpp"
#include "models/writeback/writeback_wait_queue.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
using reclaim::kernel_watermarks;
using reclaim::ReclaimParams;
namespace sg4 = simgrid::s4u;

// ---------------------------------------------------------------------------
// Watermarks: min = min_free_kbytes in pages, where min_free_kbytes is
// int_sqrt(memory KiB * 16) clamped to [128, 262144] unless set; then
// low = min + step and high = low + step, step = max(min / 4,
// managed * watermark_scale_factor / 10000).
// ---------------------------------------------------------------------------

TEST_CASE("watermarks: the reference machine's 24684092 KiB") {
  // 6171023 pages; sqrt(24684092 * 16) = 19873.2 -> 19873 KiB -> 4968 pages.
  // step = max(4968 / 4 = 1242, 6171023 * 10 / 10000 = 6171) = 6171.
  const auto w = kernel_watermarks(24684092 / 4, ReclaimParams{});
  CHECK(w.min_pages == 4968);
  CHECK(w.low_pages == 4968 + 6171);
  CHECK(w.high_pages == 4968 + 2 * 6171);
}

TEST_CASE("watermarks: on a small machine min / 4 sets the gap") {
  // 64 MiB = 16384 pages: sqrt(65536 * 16) = 1024 KiB -> 256 pages;
  // step = max(256 / 4 = 64, 16384 * 10 / 10000 = 16) = 64.
  const auto w = kernel_watermarks(16384, ReclaimParams{});
  CHECK(w.min_pages == 256);
  CHECK(w.low_pages == 320);
  CHECK(w.high_pages == 384);
}

TEST_CASE("watermarks: min_free_kbytes is clamped to [128 KiB, 256 MiB]") {
  SUBCASE("512 KiB of memory: sqrt(512 * 16) = 90 KiB, raised to 128 KiB") {
    // 128 KiB = 32 pages; step = max(8, 128 * 10 / 10000 = 0) = 8.
    const auto w = kernel_watermarks(128, ReclaimParams{});
    CHECK(w.min_pages == 32);
    CHECK(w.low_pages == 40);
    CHECK(w.high_pages == 48);
  }
  SUBCASE("16 TiB: sqrt(2^34 * 16) = 2^19 KiB, lowered to 2^18 KiB") {
    // 2^18 KiB = 65536 pages; step = max(16384, 2^32 * 10 / 10000 = 4294967).
    const auto w = kernel_watermarks(std::uint64_t{1} << 32, ReclaimParams{});
    CHECK(w.min_pages == 65536);
    CHECK(w.low_pages == 65536 + 4294967);
    CHECK(w.high_pages == 65536 + 2 * 4294967);
  }
}

TEST_CASE("watermarks: min_free and watermark_scale_factor when set") {
  // 4 GiB = 1048576 pages; the formula's min would be sqrt(4194304 * 16) =
  // 8192 KiB (2048 pages).
  constexpr std::uint64_t kPages = 1048576;
  SUBCASE("min_free 16 MiB: 4096 pages; step = max(1024, 1048) = 1048") {
    ReclaimParams p;
    p.min_free_bytes = 16 * MiB;
    const auto w = kernel_watermarks(kPages, p);
    CHECK(w.min_pages == 4096);
    CHECK(w.low_pages == 4096 + 1048);
    CHECK(w.high_pages == 4096 + 2 * 1048);
  }
  SUBCASE("watermark_scale_factor 1000 (10 %): step = 104857") {
    ReclaimParams p;
    p.watermark_scale_factor = 1000;
    const auto w = kernel_watermarks(kPages, p);
    CHECK(w.min_pages == 2048);
    CHECK(w.low_pages == 2048 + 104857);
    CHECK(w.high_pages == 2048 + 2 * 104857);
  }
}

// ---------------------------------------------------------------------------
// Reclaim over a page cache, on a bare engine. Unless a test says otherwise:
// 64 MiB of memory (min 256, low 320, high 384 pages), nothing else in it,
// CPU at the reference speed with the default costs (0.1 us to scan a folio,
// 0.4 us to free one).
// ---------------------------------------------------------------------------

namespace {

constexpr std::uint64_t kMemoryPages = 16384;  // 64 MiB

struct Setup {
  ReclaimParams params;
  page_cache::PageCacheParams cache;
  std::uint64_t cgroup_bytes_per_page = 0;
  double release_per_page_s = 0;
  Setup() {
    cache.other_memory_bytes = 0;
    params.free_per_page_s = 0;  // per-folio costs only, as the cases work them out
  }
};

// What the models hold while a test's task runs.
struct Env {
  cpu::Cpu& cpu;
  page_cache::PageCache& cache;
  writeback::WritebackWaitQueue& writeback_done;
  reclaim::Reclaim* reclaim = nullptr;
  std::uint64_t flusher_wakeups = 0;
  std::function<void()> on_wake_flushers;  // stands in for the flushers
};

// Where a test ends, in pages and seconds.
struct Outcome {
  double charge_s;  // what charge() returned
  std::uint64_t direct_pages, kswapd_pages, scanned_pages, kswapd_wakeups, flusher_wakeups;
  std::uint64_t free_pages, cached_pages;
  double writers_busy_s, kswapd_busy_s;
};

Outcome outcome(const Env& env, double charge_s) {
  const auto& st = env.reclaim->stats();
  return {charge_s,
          st.direct_reclaimed_pages,
          st.kswapd_reclaimed_pages,
          st.scanned_pages,
          st.kswapd_wakeups,
          env.flusher_wakeups,
          env.reclaim->free_pages(),
          env.cache.cached_pages(),
          env.cpu.busy_s(cpu::Component::kWriters),
          env.cpu.busy_s(cpu::Component::kKswapd)};
}

// Builds a Cpu (the default 2 CPUs at the reference speed), a page cache and
// Reclaim (kswapd started) on a bare engine, and runs `body(env)` as one
// task; returns its result.
template <class Body>
auto with_reclaim(const Setup& setup, Body body) {
  return run_in_child([=] {
    sg4::NetZone* zone = nullptr;
    auto engine = bare_engine(zone);
    cpu::Cpu cpu(zone, cpu::MachineParams{}, cpu::CpuCostParams{});
    zone->seal();
    page_cache::PageCache cache(setup.cache);
    writeback::WritebackWaitQueue writeback_done;
    Env env{cpu, cache, writeback_done, nullptr, 0, {}};
    const reclaim::FilesystemPageData fs_data{setup.cgroup_bytes_per_page, setup.release_per_page_s};
    reclaim::Reclaim reclaim(setup.params, kMemoryPages * kPageBytes, setup.cache, fs_data, cpu, cache, writeback_done,
                             [&env] {
                               ++env.flusher_wakeups;
                               if (env.on_wake_flushers) env.on_wake_flushers();
                             });
    env.reclaim = &reclaim;
    reclaim.start(cpu.host());
    return run_actor(*engine, cpu.host(), [&] { return body(env); });
  });
}

// Caches `pages` pages of file "f" in writes of `write_bytes`, clean (written
// back) unless `dirty`.
page_cache::FileCache& fill(page_cache::PageCache& cache, std::uint64_t pages, std::uint64_t write_bytes,
                            bool dirty = false) {
  auto& f = cache.file("f");
  for (std::uint64_t off = 0; off < pages * kPageBytes; off += write_bytes) cache.write(f, off, write_bytes, 0);
  if (!dirty)
    for (const auto& range : cache.start_writeback(f, 0, pages)) cache.end_writeback(f, range);
  return f;
}

page_cache::PageCacheParams small_folios() {
  page_cache::PageCacheParams p;
  p.large_folios = false;
  p.other_memory_bytes = 0;
  return p;
}

}  // namespace

TEST_CASE("reclaim: free pages are memory less other memory and the page cache, never below 0") {
  struct Pages {
    std::uint64_t managed, min, low, high, free_before, free_after;
  };
  auto pages_with_other = [](std::uint64_t other_memory_bytes) {
    Setup setup;
    setup.cache.other_memory_bytes = other_memory_bytes;
    return with_reclaim(setup, [](Env& env) {
      const std::uint64_t before = env.reclaim->free_pages();
      fill(env.cache, 1000, 4 * KiB);
      const auto& w = env.reclaim->watermarks();
      return Pages{env.reclaim->managed_pages(), w.min_pages, w.low_pages, w.high_pages, before,
                   env.reclaim->free_pages()};
    });
  };
  // 16 MiB of other memory: 4096 pages.
  const Pages p = pages_with_other(16 * MiB);
  CHECK(p.managed == 16384);
  CHECK(p.free_before == 16384 - 4096);
  CHECK(p.free_after == 16384 - 4096 - 1000);
  // The watermarks of 64 MiB (worked above).
  CHECK(p.min == 256);
  CHECK(p.low == 320);
  CHECK(p.high == 384);
  // More other memory than memory: none free.
  CHECK(pages_with_other(128 * MiB).free_before == 0);
}

TEST_CASE("reclaim: with no free memory left, direct reclaim frees a batch of clean small folios") {
  Setup setup;
  setup.cache = small_folios();
  SUBCASE("one page wanted: a batch of SWAP_CLUSTER_MAX") {
    // 16128 pages cached leave 256 free, the min watermark: charging one
    // more page reclaims max(257 - 256, 32) = 32 one-page folios, scanning
    // and freeing each: 32 x (0.1 + 0.4) us = 16 us of the task's CPU.
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, kMemoryPages - 256, 4 * KiB);
      return outcome(env, env.reclaim->charge(1));
    });
    CHECK(o.direct_pages == 32);
    CHECK(o.scanned_pages == 32);
    CHECK(o.kswapd_pages == 0);
    CHECK(o.charge_s == doctest::Approx(16e-6).epsilon(1e-9));
    CHECK(o.writers_busy_s == doctest::Approx(16e-6).epsilon(1e-9));
    CHECK(o.free_pages == 256 + 32);
    CHECK(o.cached_pages == kMemoryPages - 256 - 32);
  }
  SUBCASE("more than a batch wanted: that many") {
    // 100 pages: 256 + 100 - 256 = 100 to free, 100 x 0.5 us = 50 us.
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, kMemoryPages - 256, 4 * KiB);
      return outcome(env, env.reclaim->charge(100));
    });
    CHECK(o.direct_pages == 100);
    CHECK(o.charge_s == doctest::Approx(50e-6).epsilon(1e-9));
    CHECK(o.free_pages == 356);
  }
  SUBCASE("above the min watermark after the charge: nothing to do") {
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, kMemoryPages - 300, 4 * KiB);
      return outcome(env, env.reclaim->charge(44));  // 300 free >= 256 + 44
    });
    CHECK(o.direct_pages == 0);
    CHECK(o.scanned_pages == 0);
    CHECK(o.charge_s == 0);
  }
}

TEST_CASE("reclaim: a large folio goes whole, and free_per_page charges each of its pages") {
  // 63 folios of 1 MiB (256 pages) cached, 256 pages free. A batch of 32
  // pages takes the oldest folio whole: 256 pages for one scan and one free
  // (0.5 us) plus 256 x 0.01 us per page: 3.06 us.
  Setup setup;
  setup.params.free_per_page_s = 0.01e-6;
  const Outcome o = with_reclaim(setup, [](Env& env) {
    fill(env.cache, kMemoryPages - 256, 1 * MiB);
    return outcome(env, env.reclaim->charge(1));
  });
  CHECK(o.direct_pages == 256);
  CHECK(o.scanned_pages == 256);
  CHECK(o.charge_s == doctest::Approx(3.06e-6).epsilon(1e-9));
  CHECK(o.free_pages == 512);
}

TEST_CASE("reclaim: over a memory cgroup's limit the task reclaims within it") {
  // Limit 1024 pages; the cgroup also holds 8 KiB of other memory (2 pages)
  // and 112 bytes per cached page (ext4's buffer heads), charged in whole
  // pages. 990 pages cached: charging 4 more makes 994 + 2 +
  // ceil(994 x 112 / 4096 = 27.2) = 28 = 1024, at the limit; 5 more make
  // 1025, one over: a batch of 32 pages is reclaimed, 16 us.
  Setup setup;
  setup.cache = small_folios();
  setup.cache.memory_limit_bytes = 4 * MiB;
  setup.cache.cgroup_other_memory_bytes = 8 * KiB;
  setup.cgroup_bytes_per_page = 112;
  SUBCASE("at the limit: no reclaim") {
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, 990, 4 * KiB);
      return outcome(env, env.reclaim->charge(4));
    });
    CHECK(o.direct_pages == 0);
    CHECK(o.charge_s == 0);
  }
  SUBCASE("one page over: a batch") {
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, 990, 4 * KiB);
      return outcome(env, env.reclaim->charge(5));
    });
    CHECK(o.direct_pages == 32);
    CHECK(o.cached_pages == 990 - 32);
    CHECK(o.charge_s == doctest::Approx(16e-6).epsilon(1e-9));
  }
  SUBCASE("one page over, each page's buffer heads released: 0.25 us more a page") {
    setup.release_per_page_s = 0.25e-6;
    const Outcome o = with_reclaim(setup, [](Env& env) {
      fill(env.cache, 990, 4 * KiB);
      return outcome(env, env.reclaim->charge(5));
    });
    CHECK(o.direct_pages == 32);
    CHECK(o.charge_s == doctest::Approx(16e-6 + 32 * 0.25e-6).epsilon(1e-9));
  }
}

TEST_CASE("reclaim: dirty folios wake the flushers, the task waits for writeback, then frees") {
  // All 16128 cached pages dirty, 256 free. The first pass scans twice its
  // batch, 64 dirty folios (64 x 0.1 us = 6.4 us), frees none and wakes the
  // flushers, which here put everything under writeback and end it 50 ms
  // later. The task sleeps until that completion (within the 100 ms
  // throttle), then frees 32 folios now clean (16 us): 6.4 us + 50 ms + 16 us.
  Setup setup;
  setup.cache = small_folios();
  const Outcome o = with_reclaim(setup, [](Env& env) {
    auto& f = fill(env.cache, kMemoryPages - 256, 4 * KiB, true);
    env.on_wake_flushers = [&env, &f] {
      const auto taken = env.cache.start_writeback(f, 0, kMemoryPages);
      std::vector<page_cache::PageRange> ranges(taken.begin(), taken.end());
      sg4::Actor::create("flusher", env.cpu.host(), [&env, &f, ranges] {
        sg4::this_actor::sleep_for(50e-3);
        for (const auto& range : ranges) env.cache.end_writeback(f, range);
        env.writeback_done.wake_all();
      });
    };
    return outcome(env, env.reclaim->charge(1));
  });
  CHECK(o.flusher_wakeups == 1);
  CHECK(o.scanned_pages == 64 + 32);
  CHECK(o.direct_pages == 32);
  CHECK(o.charge_s == doctest::Approx(6.4e-6 + 50e-3 + 16e-6).epsilon(1e-9));
  CHECK(o.writers_busy_s == doctest::Approx(22.4e-6).epsilon(1e-9));
}

TEST_CASE("reclaim: with nothing cached and no memory free, the charge fails: out of memory") {
  Setup setup;
  setup.cache.other_memory_bytes = (kMemoryPages - 256) * kPageBytes;  // 256 free: at min
  CHECK_THROWS_WITH(with_reclaim(setup, [](Env& env) { return outcome(env, env.reclaim->charge(1)); }),
                    doctest::Contains("out of memory"));
}

TEST_CASE("reclaim: below the low watermark kswapd is woken and reclaims up to the high one") {
  // 330 pages free. Charging 20 would leave 310 < low 320: kswapd wakes; it
  // is not below min + 20 = 276, so the task does not reclaim itself.
  // kswapd frees the gap to high, 384 - 330 = 54 pages (54 x 0.5 us = 27 us
  // of its CPU). The task sleeps a second so the daemon gets to run.
  Setup setup;
  setup.cache = small_folios();
  auto charge = [&setup](std::uint64_t pages) {
    return with_reclaim(setup, [pages](Env& env) {
      fill(env.cache, kMemoryPages - 330, 4 * KiB);
      sg4::this_actor::sleep_for(1e-6);  // kswapd asleep first
      const double charge_s = env.reclaim->charge(pages);
      sg4::this_actor::sleep_for(1);
      return outcome(env, charge_s);
    });
  };
  SUBCASE("one thread frees the whole gap") {
    const Outcome o = charge(20);
    CHECK(o.kswapd_wakeups == 1);
    CHECK(o.charge_s == 0);
    CHECK(o.direct_pages == 0);
    CHECK(o.kswapd_pages == 54);
    CHECK(o.free_pages == 384);
    CHECK(o.kswapd_busy_s == doctest::Approx(27e-6).epsilon(1e-9));
  }
  SUBCASE("two threads take half the gap each, at least a batch") {
    // The first frees max(54 / 2, 32) = 32 and spends its CPU; the second
    // then sees a gap of 22 and frees max(11, 32) = 32: 64 in all.
    setup.params.kswapd_threads = 2;
    const Outcome o = charge(20);
    CHECK(o.kswapd_pages == 64);
    CHECK(o.free_pages == 394);
  }
  SUBCASE("not below low after the charge: kswapd sleeps on") {
    const Outcome o = charge(10);  // 320 left: not below 320
    CHECK(o.kswapd_wakeups == 0);
    CHECK(o.kswapd_pages == 0);
  }
}
