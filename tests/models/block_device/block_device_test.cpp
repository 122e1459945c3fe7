#include <doctest/doctest.h>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/block_device/io_waiter.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
namespace sg4 = simgrid::s4u;

namespace {
// A 1 GB/s device with 100 us of latency and 1 MiB requests: round numbers
// for hand-worked times.
Scenario gigabyte_device_scenario(std::uint64_t queue_depth) {
  Scenario s = bare_scenario();
  s.devices[0].write_bandwidth_Bps = 1e9;
  s.devices[0].request_latency_s = 100e-6;
  s.devices[0].queue_depth = queue_depth;
  s.devices[0].max_request_bytes = 1 * MiB;
  return s;
}
}  // namespace

TEST_CASE("direct 64 MiB in 1 MiB requests at queue depth 1 pays latency plus transfer per request") {
  Scenario s = gigabyte_device_scenario(1);
  s.jobs.push_back(direct_job("w", 1 * MiB, 64 * MiB));

  SUBCASE("no CPU cost: 64 x (100 us + 1.048576 ms)") {
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3)).epsilon(1e-12));
    CHECK(r["write_calls"] == 64);
    CHECK(r["device_write_requests"] == 64);
    CHECK(r["device_write_bytes"] == 64 * MiB);
    // Every call takes the same 1148.576 us; the histogram is within 1/2048.
    CHECK(r["write_latency_us"]["max"].get<double>() == doctest::Approx(1148.576).epsilon(1e-9));
    CHECK(r["write_latency_us"]["p50"].get<double>() == doctest::Approx(1148.576).epsilon(1.0 / 2048));
  }
  SUBCASE("CPU costs add to each call") {
    s.cpu.syscall_entry_s = 1e-6;
    s.cpu.dio_setup_s = 2e-6;
    s.cpu.dio_per_page_s = 0.01e-6;  // 256 pages: 2.56 us
    s.cpu.request_submit_s = 1.5e-6;
    s.cpu.request_complete_s = 2e-6;
    // 1 + 2 + 2.56 + 1.5 before the device, 2 after: 9.06 us a call.
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3 + 9.06e-6)).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["writers"].get<double>() == doctest::Approx(64 * 7.06e-6).epsilon(1e-12));
    CHECK(r["cpu_busy_s"]["completion"].get<double>() == doctest::Approx(64 * 2e-6).epsilon(1e-12));
  }
  SUBCASE("a slower CPU stretches the CPU part only") {
    s.cpu.syscall_entry_s = 10e-6;
    s.machine.cpu_speed_hz = s.cpu.reference_speed_hz / 2;  // 20 us a call
    Json r = simulate_isolated(s).summary;
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(64 * (100e-6 + 1.048576e-3 + 20e-6)).epsilon(1e-12));
  }
}

TEST_CASE("32 jobs at queue depth 32: the device bandwidth is the bound") {
  Scenario s = gigabyte_device_scenario(32);
  auto job = direct_job("w", 1 * MiB, 8 * MiB);
  job.numjobs = 32;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s).summary;
  // All 32 start at t=0: the first transfer starts after 100 us, then the
  // transfer channel never idles (31 requests always wait behind it), so the
  // run ends after 100 us + 256 transfers of 1.048576 ms.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(100e-6 + 256 * 1.048576e-3).epsilon(1e-12));
  CHECK(r["device_write_bytes"] == 256 * MiB);
  CHECK(r["device_write_requests"] == 256);
  double throughput = 256.0 * MiB / r["sim_time_s"].get<double>();
  CHECK(throughput > 0.999 * 1e9);
}

TEST_CASE("I/O larger than the maximum request size is split, the call waits for every piece") {
  Scenario s = gigabyte_device_scenario(4);
  s.jobs.push_back(direct_job("w", 4 * MiB, 16 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_write_requests"] == 16);
  // Per call: 4 pieces dispatched together; the 4th finishes at 100 us + 4 transfers.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(4 * (100e-6 + 4 * 1.048576e-3)).epsilon(1e-12));
}

namespace {

// A device on its own: 1 GB/s behind 100 us a request.
block_device::DeviceParams gigabyte_device_params() {
  block_device::DeviceParams params;
  params.name = "dev0";
  params.write_bandwidth_Bps = 1e9;
  params.request_latency_s = 100e-6;
  params.request_overhead_s = 0;
  return params;
}

// Submits `count` adjacent requests of `bytes` at t=0 in one burst to a device,
// waits for them, and reports the device's counters.
Json burst(std::uint64_t count, std::uint64_t bytes, std::uint64_t queue_depth, std::uint64_t max_request_bytes,
           std::uint64_t gap_bytes = 0, bool plugged = true) {
  return run_isolated([=] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::DeviceParams params = gigabyte_device_params();
    params.queue_depth = queue_depth;
    params.max_request_bytes = max_request_bytes;
    block_device::BlockDevice device(params);
    device.start(host);
    double done_at = 0;
    sg4::Actor::create("submitter", host, [&] {
      block_device::IoWaiter waiter;
      if (plugged) device.plug();
      for (std::uint64_t i = 0; i < count; ++i)
        device.submit(block_device::Op::kWrite, i * (bytes + gap_bytes), bytes, waiter.expect());
      if (plugged) device.unplug();
      waiter.wait();
      done_at = sg4::Engine::get_clock();
    });
    engine->run();
    const auto& st = device.stats();
    return Json{
        {"requests", st.write_requests}, {"merges", st.merges}, {"bytes", st.write_bytes}, {"done_at", done_at}};
  });
}

}  // namespace

TEST_CASE("adjacent requests waiting in the queue merge up to the maximum request size") {
  SUBCASE("32 x 64 KiB adjacent, max 1 MiB: 2 requests of 1 MiB") {
    // Plugged, the burst is queued before the device is woken, so all 32 wait
    // together: 16 fill the first 1 MiB request, 16 the second.
    Json r = burst(32, 64 * KiB, 1, 1 * MiB);
    CHECK(r["requests"] == 2);
    CHECK(r["merges"] == 30);
    CHECK(r["bytes"] == 2 * MiB);
    CHECK(r["done_at"].get<double>() == doctest::Approx(2 * (100e-6 + 1.048576e-3)).epsilon(1e-12));
  }
  SUBCASE("max 256 KiB: 8 requests") {
    Json r = burst(32, 64 * KiB, 1, 256 * KiB);
    CHECK(r["requests"] == 8);
    CHECK(r["merges"] == 24);
  }
  SUBCASE("unplugged, the idle device takes the first request alone") {
    // The first submission wakes the device, which dispatches it before the
    // rest arrive; the other 31 merge into 1 MiB + 960 KiB.
    Json r = burst(32, 64 * KiB, 1, 1 * MiB, 0, false);
    CHECK(r["requests"] == 3);
    CHECK(r["merges"] == 29);
  }
  SUBCASE("a gap between requests prevents merging") {
    Json r = burst(8, 64 * KiB, 1, 1 * MiB, 4 * KiB);
    CHECK(r["requests"] == 8);
    CHECK(r["merges"] == 0);
  }
}

TEST_CASE("busy time counts a stretch still in service when asked") {
  Json r = run_isolated([] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    block_device::BlockDevice device(gigabyte_device_params());
    device.start(host);
    double busy_mid = -1, busy_end = -1;
    sg4::Actor::create("submitter", host, [&] {
      block_device::IoWaiter waiter;
      // 1 MB at 1 GB/s behind 100 us: in service from 0 to 1.1 ms.
      device.submit(block_device::Op::kWrite, 0, 1000000, waiter.expect());
      sg4::this_actor::sleep_for(0.5e-3);
      busy_mid = device.busy_s();
      waiter.wait();
      busy_end = device.busy_s();
    });
    engine->run();
    return Json{{"mid", busy_mid}, {"end", busy_end}};
  });
  CHECK(r["mid"].get<double>() == doctest::Approx(0.5e-3).epsilon(1e-9));
  CHECK(r["end"].get<double>() == doctest::Approx(1.1e-3).epsilon(1e-9));
}
