#include <doctest/doctest.h>

#include <array>
#include <memory>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "models/common/copy_load.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
namespace sg4 = simgrid::s4u;

namespace {

struct BurstResult {
  std::uint64_t requests, merges, bytes;
  double done_at_s;
};

// Submits `count` adjacent requests of `bytes` at t=0 in one burst to a device,
// waits for them, and reports the device's counters.
BurstResult burst(std::uint64_t count, std::uint64_t bytes, std::uint64_t queue_depth,
                  std::uint64_t max_request_bytes, std::uint64_t gap_bytes = 0, bool plugged = true,
                  std::uint64_t segments = 1, std::uint64_t max_segments = 128) {
  return run_in_child([=] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.queue_depth = queue_depth;
    params.max_request_bytes = max_request_bytes;
    params.max_segments = max_segments;
    block_device::BlockDevice device(params);
    device.start(host);
    const double done_at_s = run_actor(*engine, host, [&] {
      block_device::IoWaiter waiter;
      if (plugged) device.plug();
      for (std::uint64_t i = 0; i < count; ++i)
        device.submit(block_device::Op::kWrite, i * (bytes + gap_bytes), bytes, segments, waiter.expect());
      if (plugged) device.unplug();
      waiter.wait();
      return sg4::Engine::get_clock();
    });
    const auto& st = device.stats();
    return BurstResult{st.write_requests, st.merges, st.write_bytes, done_at_s};
  });
}

}  // namespace

TEST_CASE("adjacent requests waiting in the queue merge up to the maximum request size") {
  SUBCASE("32 x 64 KiB adjacent, max 1 MiB: 2 requests of 1 MiB") {
    // Plugged, the burst is queued before the device is woken, so all 32 wait
    // together: 16 fill the first 1 MiB request, 16 the second.
    BurstResult r = burst(32, 64 * KiB, 1, 1 * MiB);
    CHECK(r.requests == 2);
    CHECK(r.merges == 30);
    CHECK(r.bytes == 2 * MiB);
    CHECK(r.done_at_s == doctest::Approx(2 * (100e-6 + 1.048576e-3)).epsilon(1e-12));
  }
  SUBCASE("max 256 KiB: 8 requests") {
    BurstResult r = burst(32, 64 * KiB, 1, 256 * KiB);
    CHECK(r.requests == 8);
    CHECK(r.merges == 24);
  }
  SUBCASE("unplugged, the idle device takes the first request alone") {
    // The first submission wakes the device, which dispatches it before the
    // rest arrive; the other 31 merge into 1 MiB + 960 KiB.
    BurstResult r = burst(32, 64 * KiB, 1, 1 * MiB, 0, false);
    CHECK(r.requests == 3);
    CHECK(r.merges == 29);
  }
  SUBCASE("a gap between requests prevents merging") {
    BurstResult r = burst(8, 64 * KiB, 1, 1 * MiB, 4 * KiB);
    CHECK(r.requests == 8);
    CHECK(r.merges == 0);
  }
}

TEST_CASE("a bio is split at max_segments or max_request_size, whichever comes first (bio_split_rw_at)") {
  using block_device::RequestLimits;
  std::vector<std::array<std::uint64_t, 3>> pieces;
  auto record = [&pieces](std::uint64_t at, std::uint64_t bytes, std::uint64_t segments) {
    pieces.push_back({at, bytes, segments});
  };
  SUBCASE("1 MiB of 4 KiB user pages: 256 segments, two requests of 128 (512 KiB) each") {
    block_device::split_bio(RequestLimits{1280 * KiB, 128}, 1 * MiB, 256, record);
    CHECK(pieces == std::vector<std::array<std::uint64_t, 3>>{{0, 512 * KiB, 128}, {512 * KiB, 512 * KiB, 128}});
  }
  SUBCASE("2 MiB in two 1 MiB folios: cut at 1280 KiB, the second folio in both requests") {
    block_device::split_bio(RequestLimits{1280 * KiB, 128}, 2 * MiB, 2, record);
    CHECK(pieces == std::vector<std::array<std::uint64_t, 3>>{{0, 1280 * KiB, 2}, {1280 * KiB, 768 * KiB, 1}});
  }
  SUBCASE("one segment per request: each 1 MiB folio alone") {
    block_device::split_bio(RequestLimits{1280 * KiB, 1}, 2 * MiB, 2, record);
    CHECK(pieces == std::vector<std::array<std::uint64_t, 3>>{{0, 1 * MiB, 1}, {1 * MiB, 1 * MiB, 1}});
  }
  SUBCASE("a flush carries no data: one empty request") {
    block_device::split_bio(RequestLimits{1280 * KiB, 128}, 0, 0, record);
    CHECK(pieces == std::vector<std::array<std::uint64_t, 3>>{{0, 0, 0}});
  }
}

TEST_CASE("the device splits a submission at max_segments, and its pieces do not merge back") {
  // 1 MiB in 256 4 KiB pages (an O_DIRECT call): 2 x 512 KiB of 128 segments;
  // joined they would hold 256 > 128 segments, so they stay two requests.
  BurstResult r = burst(1, 1 * MiB, 1, 1280 * KiB, 0, true, 256);
  CHECK(r.requests == 2);
  CHECK(r.merges == 0);
  CHECK(r.bytes == 1 * MiB);
  // The same megabyte in one segment (a large folio): one request.
  CHECK(burst(1, 1 * MiB, 1, 1280 * KiB, 0, true, 1).requests == 1);
}

TEST_CASE("queued requests merge only while both the byte and the segment limit hold") {
  SUBCASE("32 x 64 KiB of 16 segments, max 1 MiB and 128 segments: 8 per request, 4 requests of 512 KiB") {
    BurstResult r = burst(32, 64 * KiB, 1, 1 * MiB, 0, true, 16);
    CHECK(r.requests == 4);
    CHECK(r.merges == 28);
    CHECK(r.bytes == 2 * MiB);
  }
  SUBCASE("the same with 8 segments each: the byte limit binds first, 2 requests of 1 MiB") {
    BurstResult r = burst(32, 64 * KiB, 1, 1 * MiB, 0, true, 8);
    CHECK(r.requests == 2);
    CHECK(r.merges == 30);
  }
}

TEST_CASE("busy time counts a stretch still in service when asked") {
  const auto [busy_mid_s, busy_end_s] = run_in_child([] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::BlockDevice device(gigabyte_device());
    device.start(host);
    return run_actor(*engine, host, [&] {
      block_device::IoWaiter waiter;
      // 1 MB at 1 GB/s behind 100 us: in service from 0 to 1.1 ms.
      device.submit(block_device::Op::kWrite, 0, 1000000, 1, waiter.expect());
      sg4::this_actor::sleep_for(0.5e-3);
      const double busy_mid = device.busy_s();
      waiter.wait();
      return std::pair{busy_mid, device.busy_s()};
    });
  });
  CHECK(busy_mid_s == doctest::Approx(0.5e-3).epsilon(1e-9));
  CHECK(busy_end_s == doctest::Approx(1.1e-3).epsilon(1e-9));
}

namespace {

// Two 1 MB writes at t=0, apart on the device, to a device served from a
// machine of `cpus` CPUs, the first raising 50 us of completion work, with
// `copiers` tasks copying meanwhile: when the second completes.
double second_done_s(bool served_on_cpus, std::uint64_t cpus, int copiers) {
  return run_in_child([=] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.served_on_cpus = served_on_cpus;
    params.copy_slowdown = 1;  // copying tasks do not slow the transfers here
    CopyLoad load;
    block_device::BlockDevice device(params);
    device.set_copy_load(&load, cpus);
    device.start(host);
    return run_actor(*engine, host, [&] {
      std::vector<std::unique_ptr<CopyLoad::Call>> calls;
      for (int i = 0; i < copiers; ++i) calls.push_back(std::make_unique<CopyLoad::Call>(&load));
      block_device::IoWaiter waiter;
      device.submit(block_device::Op::kWrite, 0, 1000000, 1, waiter.expect(), false, true, 50e-6);
      device.submit(block_device::Op::kWrite, 10000000, 1000000, 1, waiter.expect());
      waiter.wait();
      REQUIRE(waiter.completions().size() == 2);
      CHECK(waiter.completions()[0].completed_s == doctest::Approx(1.1e-3).epsilon(1e-9));
      return waiter.completions()[1].completed_s;
    });
  });
}

}  // namespace

TEST_CASE("completion work holds up a worker on the machine's CPUs only when the copying tasks leave it one CPU") {
  // The first transfers from 0.1 to 1.1 ms; its completion work then takes the
  // worker's CPU for 50 us, so the second transfers from 1.15 to 2.15 ms.
  CHECK(second_done_s(true, 2, 1) == doctest::Approx(2.15e-3).epsilon(1e-9));
  CHECK(second_done_s(true, 1, 0) == doctest::Approx(2.15e-3).epsilon(1e-9));
  // A CPU to spare, no writer copying, or a device of its own: right behind it.
  CHECK(second_done_s(true, 4, 2) == doctest::Approx(2.1e-3).epsilon(1e-9));
  CHECK(second_done_s(true, 2, 0) == doctest::Approx(2.1e-3).epsilon(1e-9));
  CHECK(second_done_s(false, 2, 1) == doctest::Approx(2.1e-3).epsilon(1e-9));
}

TEST_CASE("devices counting into one DeviceTotals: their bytes and queued requests, summed as they change") {
  struct Seen {
    block_device::DeviceTotals totals;
    std::uint64_t queued_sum, write_sum, read_sum;
  };
  const auto [mid, end] = run_in_child([] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.queue_depth = 1;
    block_device::BlockDevice a(params);
    params.name = "dev1";
    block_device::BlockDevice b(params);
    block_device::DeviceTotals totals;
    a.count_into(&totals);
    b.count_into(&totals);
    a.start(host);
    b.start(host);
    auto seen = [&] {
      return Seen{totals, a.queued_requests() + b.queued_requests(), a.stats().write_bytes + b.stats().write_bytes,
                  a.stats().read_bytes + b.stats().read_bytes};
    };
    return run_actor(*engine, host, [&] {
      block_device::IoWaiter waiter;
      // a: 64 KiB in service (65.5 us + 100 us), then two adjacent 64 KiB
      // writes that merge while they wait; b: a 1 MB read in service.
      a.plug();
      a.submit(block_device::Op::kWrite, 0, 64 * KiB, 1, waiter.expect());
      a.submit(block_device::Op::kWrite, 1 * MiB, 64 * KiB, 1, waiter.expect());
      a.submit(block_device::Op::kWrite, 1 * MiB + 64 * KiB, 64 * KiB, 1, waiter.expect());
      a.unplug();
      b.submit(block_device::Op::kRead, 0, 1000000, 1, waiter.expect());
      sg4::this_actor::sleep_for(50e-6);
      const Seen at_50us = seen();
      waiter.wait();
      return std::pair{at_50us, seen()};
    });
  });
  // At 50 us: a's first write and b's read in service, a's merged pair waiting.
  CHECK(mid.totals.queued_requests == 3);
  CHECK(mid.totals.write_bytes == 64 * KiB);  // counted when it goes into service
  CHECK(mid.totals.read_bytes == 1000000);
  CHECK(mid.queued_sum == 3);
  CHECK(mid.write_sum == mid.totals.write_bytes);
  CHECK(mid.read_sum == mid.totals.read_bytes);
  // All done: nothing queued, every byte counted once.
  CHECK(end.totals.queued_requests == 0);
  CHECK(end.totals.write_bytes == 3 * 64 * KiB);
  CHECK(end.totals.read_bytes == 1000000);
  CHECK(end.queued_sum == 0);
  CHECK(end.write_sum == end.totals.write_bytes);
}
