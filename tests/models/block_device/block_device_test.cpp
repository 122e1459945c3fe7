#include <doctest/doctest.h>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
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
                  std::uint64_t max_request_bytes, std::uint64_t gap_bytes = 0, bool plugged = true) {
  return run_in_child([=] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device();
    params.queue_depth = queue_depth;
    params.max_request_bytes = max_request_bytes;
    block_device::BlockDevice device(params);
    device.start(host);
    const double done_at_s = run_actor(*engine, host, [&] {
      block_device::IoWaiter waiter;
      if (plugged) device.plug();
      for (std::uint64_t i = 0; i < count; ++i)
        device.submit(block_device::Op::kWrite, i * (bytes + gap_bytes), bytes, waiter.expect());
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

TEST_CASE("busy time counts a stretch still in service when asked") {
  const auto [busy_mid_s, busy_end_s] = run_in_child([] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::BlockDevice device(gigabyte_device());
    device.start(host);
    return run_actor(*engine, host, [&] {
      block_device::IoWaiter waiter;
      // 1 MB at 1 GB/s behind 100 us: in service from 0 to 1.1 ms.
      device.submit(block_device::Op::kWrite, 0, 1000000, waiter.expect());
      sg4::this_actor::sleep_for(0.5e-3);
      const double busy_mid = device.busy_s();
      waiter.wait();
      return std::pair{busy_mid, device.busy_s()};
    });
  });
  CHECK(busy_mid_s == doctest::Approx(0.5e-3).epsilon(1e-9));
  CHECK(busy_end_s == doctest::Approx(1.1e-3).epsilon(1e-9));
}
