#include <doctest/doctest.h>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "models/common/actor_start.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/engine/watchdog.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
namespace sg4 = simgrid::s4u;

namespace {

// Runs a watchdog beside a job that lives `job_s` simulated seconds; returns
// when the engine stopped and what ended it.
Json watch(double job_s, std::function<std::uint64_t()> progress, bool running) {
  return run_isolated([&] {
    sg4::Host* host = nullptr;
    auto engine = test::bare_engine(host);
    Watchdog dog(progress, [running] { return running; }, [] { return std::string("state"); });
    start_actor("watchdog", host, [&dog] { dog.watch(); }, ActorKind::kDaemon);
    start_actor("job", host, [job_s] { sg4::this_actor::sleep_for(job_s); }, ActorKind::kJob);
    engine->run();
    return Json{{"end_s", sg4::Engine::get_clock()}, {"failure", actor_failure().message},
                {"simulated", actor_failure().kind == FailureKind::kSimulated}};
  });
}

}  // namespace

TEST_CASE("watchdog: a running job and nothing moving for 60 s ends the run as the machine's failure") {
  // Checks every 30 s: at 30 s nothing has moved for 30 s, at 60 s for 60 s.
  const Json stalled = watch(1000, [] { return 7; }, true);
  CHECK(stalled["end_s"].get<double>() == doctest::Approx(60));
  CHECK(stalled["simulated"] == true);
  CHECK(stalled["failure"].get<std::string>().find("stalled") != std::string::npos);
  CHECK(stalled["failure"].get<std::string>().find("job") != std::string::npos);  // the actors are listed
  CHECK(stalled["failure"].get<std::string>().find("state") != std::string::npos);
}

TEST_CASE("watchdog: progress, or no job running, keeps it quiet") {
  std::uint64_t moved = 0;
  const Json moving = watch(200, [&moved] { return ++moved; }, true);
  CHECK(moving["end_s"].get<double>() == doctest::Approx(200));
  CHECK(moving["failure"] == "");
  const Json idle = watch(200, [] { return 7; }, false);  // a long startdelay or run_for
  CHECK(idle["end_s"].get<double>() == doctest::Approx(200));
  CHECK(idle["failure"] == "");
}
