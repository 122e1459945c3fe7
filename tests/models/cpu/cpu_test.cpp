// The CPU model on its own: kernel work shares the cores of one SimGrid host,
// its time scales with the CPU's speed, and each component's busy time adds up.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
using cpu::Component;
namespace sg4 = simgrid::s4u;

namespace {

constexpr double kReferenceHz = 2.5e9;  // CpuCostParams' default reference_speed

cpu::MachineParams machine(std::uint64_t cpus, double speed_hz) {
  cpu::MachineParams m;
  m.cpus = cpus;
  m.cpu_speed_hz = speed_hz;
  return m;
}

// Runs `body(cpu)` on one actor of a Cpu built on a bare engine; returns
// what it returned.
template <class Body>
auto on_actor(const cpu::MachineParams& m, const cpu::CpuCostParams& costs, Body body) {
  return run_in_child([=] {
    sg4::NetZone* zone = nullptr;
    auto engine = bare_engine(zone);
    cpu::Cpu cpu(zone, m, costs);
    zone->seal();
    return run_actor(*engine, cpu.host(), [&] { return body(cpu); });
  });
}

// One actor per entry of `works_s` runs that much reference work from t=0;
// returns when each ended. `max_runners` 0: never promised.
std::vector<double> ends_of(const cpu::MachineParams& m, std::vector<double> works_s, std::uint64_t max_runners = 0) {
  return run_in_child([=] {
    sg4::NetZone* zone = nullptr;
    auto engine = bare_engine(zone);
    cpu::Cpu cpu(zone, m, cpu::CpuCostParams{});
    zone->seal();
    if (max_runners > 0) cpu.set_max_runners(max_runners);
    std::vector<double> ends_s(works_s.size(), -1);
    for (std::size_t i = 0; i < works_s.size(); ++i)
      sg4::Actor::create("runner" + std::to_string(i), cpu.host(), [&, i] {
        cpu.run(Component::kWriters, works_s[i]);
        ends_s[i] = sg4::Engine::get_clock();
      });
    engine->run();
    return ends_s;
  });
}

}  // namespace

TEST_CASE("cpu: K runners on M cores each get min(1, M/K) of a core") {
  SUBCASE("2 runners on 2 cores: a core each, 1 ms of work ends at 1 ms") {
    const auto ends_s = ends_of(machine(2, kReferenceHz), {1e-3, 1e-3});
    CHECK(ends_s[0] == doctest::Approx(1e-3).epsilon(1e-9));
    CHECK(ends_s[1] == doctest::Approx(1e-3).epsilon(1e-9));
  }
  SUBCASE("4 runners on 2 cores: half a core each, 1 ms of work ends at 2 ms") {
    for (double end_s : ends_of(machine(2, kReferenceHz), {1e-3, 1e-3, 1e-3, 1e-3}))
      CHECK(end_s == doctest::Approx(2e-3).epsilon(1e-9));
  }
  SUBCASE("1, 1 and 2 ms on 2 cores: 2/3 of a core each, then the last alone") {
    // All three at 2/3 of a core until the 1 ms pieces end at 1 / (2/3) =
    // 1.5 ms; the 2 ms piece has done 1 ms by then and does its last 1 ms
    // on a core of its own (one piece never spans two cores): 2.5 ms.
    const auto ends_s = ends_of(machine(2, kReferenceHz), {1e-3, 1e-3, 2e-3});
    CHECK(ends_s[0] == doctest::Approx(1.5e-3).epsilon(1e-9));
    CHECK(ends_s[1] == doctest::Approx(1.5e-3).epsilon(1e-9));
    CHECK(ends_s[2] == doctest::Approx(2.5e-3).epsilon(1e-9));
  }
}

TEST_CASE("cpu: a CPU at half the reference speed takes twice the reference time") {
  // 1 ms of reference work at 1.25 GHz instead of 2.5: 2 ms.
  const auto ends_s = ends_of(machine(1, kReferenceHz / 2), {1e-3});
  CHECK(ends_s[0] == doctest::Approx(2e-3).epsilon(1e-9));
}

TEST_CASE("cpu: with no more runners than cores promised, work sleeps its time instead of sharing") {
  // set_max_runners(2) on 2 cores: run() sleeps for the scaled time. Three
  // runners (more than promised) then do not share: each ends after its own
  // 1 ms x 2 (half speed), not 3 ms as on the shared cores.
  const auto ends_s = ends_of(machine(2, kReferenceHz / 2), {1e-3, 1e-3, 1e-3}, 2);
  for (double end_s : ends_s) CHECK(end_s == doctest::Approx(2e-3).epsilon(1e-9));
  const auto shared_s = ends_of(machine(2, kReferenceHz / 2), {1e-3, 1e-3, 1e-3}, 3);
  for (double end_s : shared_s) CHECK(end_s == doctest::Approx(3e-3).epsilon(1e-9));
}

TEST_CASE("cpu: busy time adds up per component, spin is not scaled, account takes no time") {
  struct Busy {
    double writers_s, flusher_s, kswapd_s, completion_s, end_s;
  };
  // Half the reference speed: reference work counts twice.
  const Busy busy = on_actor(machine(1, kReferenceHz / 2), cpu::CpuCostParams{}, [](cpu::Cpu& cpu) {
    cpu.run(Component::kWriters, 1e-3);         // 2 ms
    cpu.run(Component::kWriters, 0.5e-3);       // 1 ms more: 3 ms
    cpu.run(Component::kWriters, 0);            // nothing
    cpu.run(Component::kFlusher, 0.25e-3);      // 0.5 ms
    cpu.spin(Component::kKswapd, 0.3e-3);       // 0.3 ms of wall time, as is
    cpu.account(Component::kCompletion, 1e-3);  // 2 ms counted, no time passes
    return Busy{cpu.busy_s(Component::kWriters), cpu.busy_s(Component::kFlusher), cpu.busy_s(Component::kKswapd),
                cpu.busy_s(Component::kCompletion), sg4::Engine::get_clock()};
  });
  CHECK(busy.writers_s == doctest::Approx(3e-3).epsilon(1e-9));
  CHECK(busy.flusher_s == doctest::Approx(0.5e-3).epsilon(1e-9));
  CHECK(busy.kswapd_s == doctest::Approx(0.3e-3).epsilon(1e-9));
  CHECK(busy.completion_s == doctest::Approx(2e-3).epsilon(1e-9));
  // 3 + 0.5 + 0.3 ms: the accounted work delayed nobody.
  CHECK(busy.end_s == doctest::Approx(3.8e-3).epsilon(1e-9));
}

TEST_CASE("cpu: component names as results report them") {
  CHECK(std::string(cpu::component_name(Component::kWriters)) == "writers");
  CHECK(std::string(cpu::component_name(Component::kCompletion)) == "completion");
  CHECK(std::string(cpu::component_name(Component::kFlusher)) == "flusher");
  CHECK(std::string(cpu::component_name(Component::kKswapd)) == "kswapd");
}

namespace {
// The clock and the batch's pending work after each step, and the busy time.
struct BatchSteps {
  double clock_s[4], pending_s[4], busy_s;
};
}  // namespace

TEST_CASE("cpu batch: work waits until it spans the window, then runs as one stretch") {
  cpu::CpuCostParams costs;
  costs.batch_window_s = 20e-6;
  SUBCASE("at the reference speed") {
    const BatchSteps s = on_actor(machine(1, kReferenceHz), costs, [](cpu::Cpu& cpu) {
      cpu::CpuBatch batch(cpu, Component::kWriters);
      BatchSteps out{};
      auto note = [&](int i) {
        out.clock_s[i] = sg4::Engine::get_clock();
        out.pending_s[i] = batch.pending_s();
      };
      batch.add(8e-6);
      note(0);
      batch.add(8e-6);
      note(1);
      batch.add(8e-6);
      note(2);
      batch.flush();
      batch.add(5e-6);
      batch.flush();
      note(3);
      out.busy_s = cpu.busy_s(Component::kWriters);
      return out;
    });
    // 8 and 16 us pending: below the 20 us window, no time has passed.
    CHECK(s.clock_s[0] == 0);
    CHECK(s.pending_s[0] == doctest::Approx(8e-6).epsilon(1e-9));
    CHECK(s.clock_s[1] == 0);
    CHECK(s.pending_s[1] == doctest::Approx(16e-6).epsilon(1e-9));
    // 24 us >= 20 us: all of it runs at once.
    CHECK(s.clock_s[2] == doctest::Approx(24e-6).epsilon(1e-9));
    CHECK(s.pending_s[2] == 0);
    // flush() with nothing pending takes no time; then 5 us more, however
    // little, once flushed: 29 us.
    CHECK(s.clock_s[3] == doctest::Approx(29e-6).epsilon(1e-9));
    CHECK(s.pending_s[3] == 0);
    CHECK(s.busy_s == doctest::Approx(29e-6).epsilon(1e-9));
  }
  SUBCASE("at half the reference speed the window counts scaled time") {
    const BatchSteps s = on_actor(machine(1, kReferenceHz / 2), costs, [](cpu::Cpu& cpu) {
      cpu::CpuBatch batch(cpu, Component::kWriters);
      BatchSteps out{};
      batch.add(6e-6);  // 12 us on this CPU: below the window
      out.clock_s[0] = sg4::Engine::get_clock();
      out.pending_s[0] = batch.pending_s();
      batch.add(6e-6);  // 24 us: runs
      out.clock_s[1] = sg4::Engine::get_clock();
      out.busy_s = cpu.busy_s(Component::kWriters);
      return out;
    });
    CHECK(s.clock_s[0] == 0);
    CHECK(s.pending_s[0] == doctest::Approx(12e-6).epsilon(1e-9));
    CHECK(s.clock_s[1] == doctest::Approx(24e-6).epsilon(1e-9));
    CHECK(s.busy_s == doctest::Approx(24e-6).epsilon(1e-9));
  }
  SUBCASE("window 0: every piece runs as it is added") {
    costs.batch_window_s = 0;
    const BatchSteps s = on_actor(machine(1, kReferenceHz), costs, [](cpu::Cpu& cpu) {
      cpu::CpuBatch batch(cpu, Component::kWriters);
      BatchSteps out{};
      batch.add(3e-6);
      out.clock_s[0] = sg4::Engine::get_clock();
      out.pending_s[0] = batch.pending_s();
      return out;
    });
    CHECK(s.clock_s[0] == doctest::Approx(3e-6).epsilon(1e-9));
    CHECK(s.pending_s[0] == 0);
  }
}
