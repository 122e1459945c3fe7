// The parent's check on a child whose simulated clock stands still.
#include <doctest/doctest.h>

#include "models/common/errors.hpp"
#include "sim/engine/standstill.hpp"

using namespace foliosim;

TEST_CASE("standstill: a clock that moves never trips it; one still for the limit of wall time does") {
  StandstillCheck check(120);
  check.observe(0, 0);
  check.observe(0, 119.9);     // still for 119.9 s: not yet
  check.observe(0.001, 200);   // moved: the count starts again at 200 s
  check.observe(0.001, 319.9);
  CHECK_THROWS_WITH_AS(check.observe(0.001, 320), doctest::Contains("stood still at 0.001 s for 120 s"),
                       SimulatedFailure);
}

TEST_CASE("standstill: the count starts at the first observation, whatever the clock says then") {
  StandstillCheck check(10);
  check.observe(5, 1000);  // a parent that starts watching late
  check.observe(5, 1009);
  CHECK_THROWS_AS(check.observe(5, 1010), SimulatedFailure);
}
