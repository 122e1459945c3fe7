#include <doctest/doctest.h>

#include <unistd.h>

#include <stdexcept>

#include "models/common/errors.hpp"
#include "sim/engine/isolated_run.hpp"

using namespace foliosim;

TEST_CASE("a child's error comes back with its kind: simulated failure, bug, or a child that died") {
  CHECK(run_isolated([] { return Json{{"ok", 1}}; })["ok"] == 1);
  CHECK_THROWS_AS(run_isolated([]() -> Json { throw SimulatedFailure("device full (ENOSPC)"); }), SimulatedFailure);
  CHECK_THROWS_WITH_AS(run_isolated([]() -> Json { throw InternalError("broken invariant"); }), "broken invariant",
                       InternalError);
  // Anything else thrown is a bug too, not the simulated machine's failure.
  CHECK_THROWS_AS(run_isolated([]() -> Json { throw std::runtime_error("oops"); }), InternalError);
  CHECK_THROWS_WITH_AS(run_isolated([]() -> Json { _exit(9); }), doctest::Contains("died"), InternalError);
}
