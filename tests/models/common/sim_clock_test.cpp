// engine_clock_s(): the engine's clock read from memory, kept by its time signal.
#include <doctest/doctest.h>

#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/sim_clock.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
namespace sg4 = simgrid::s4u;

TEST_CASE("engine_clock_s follows the engine's clock, and hooks see the new time first") {
  struct Seen {
    int mismatches;  // engine_clock_s() != get_clock(), in the actor or a hook
    int hook_calls;  // times the clock moved on
    double end_s;    // engine_clock_s() at the actor's end
  };
  const Seen seen = run_in_child([] {
    sg4::Host* host = nullptr;
    auto engine = bare_engine(host);
    int mismatches = 0, hook_calls = 0;
    on_engine_clock_advance([&] {
      ++hook_calls;
      if (engine_clock_s() != sg4::Engine::get_clock()) ++mismatches;
    });
    const double end_s = run_actor(*engine, host, [&] {
      if (engine_clock_s() != 0) ++mismatches;
      // Three sleeps, each moving the clock once: to 1 ms, 2.5 ms and 2.501 ms.
      for (double d : {1e-3, 1.5e-3, 1e-6}) {
        sg4::this_actor::sleep_for(d);
        if (engine_clock_s() != sg4::Engine::get_clock()) ++mismatches;
      }
      return engine_clock_s();
    });
    return Seen{mismatches, hook_calls, end_s};
  });
  CHECK(seen.mismatches == 0);
  CHECK(seen.hook_calls == 3);
  CHECK(seen.end_s == doctest::Approx(2.501e-3).epsilon(1e-12));
}
