#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

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

TEST_CASE("a waiting callback that gives up kills the child, reaps it, and its exception goes on") {
  pid_t child = 0;
  int ticks = 0;
  CHECK_THROWS_WITH_AS(run_isolated(
                           []() -> Json {
                             pause();  // never answers
                             return Json{};
                           },
                           [&] {
                             if (++ticks == 3) throw SimulatedFailure("given up");
                           },
                           0.01),
                       "given up", SimulatedFailure);
  CHECK(ticks == 3);
  // Reaped: no child of this process is left, running or a zombie.
  child = waitpid(-1, nullptr, WNOHANG);
  CHECK(child == -1);
  CHECK(errno == ECHILD);
}
