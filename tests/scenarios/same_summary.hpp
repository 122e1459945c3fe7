// For the simulator-speed options that must not move results (issue #18): a
// variant's summary with an option on and off, and their comparison.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include <simgrid/s4u/Engine.hpp>

#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/variant_output.hpp"

namespace foliosim::test {

// A variant's summary, with SimGrid's time steps as "time_steps".
inline Json summary_and_time_steps(const Scenario& s) {
  return run_isolated([&s] {
    static std::uint64_t time_steps = 0;
    simgrid::s4u::Engine::on_time_advance_cb([](double) { ++time_steps; });
    Json r = variant_output(simulate(s)).summary;
    r["time_steps"] = time_steps;
    return r;
  });
}

// Every figure of `fast` is `exact`'s within the latency histogram's
// resolution, time_steps aside: each reported value lies within 1/2048 of
// its own, so two calls a nanosecond apart across a bucket's edge report
// values up to their sum's 1/2048 apart (one bucket).
inline void check_same_summary(const Json& fast, const Json& exact, const std::string& path = "") {
  CAPTURE(path);
  REQUIRE(fast.type() == exact.type());
  if (fast.is_object()) {
    for (const auto& [key, value] : exact.items()) {
      if (key == "time_steps") continue;
      REQUIRE(fast.contains(key));
      check_same_summary(fast[key], value, path + "/" + key);
    }
  } else if (fast.is_array()) {
    REQUIRE(fast.size() == exact.size());
    for (std::size_t i = 0; i < fast.size(); ++i) check_same_summary(fast[i], exact[i], path + "/" + std::to_string(i));
  } else if (fast.is_number()) {
    const double a = fast.get<double>(), b = exact.get<double>();
    CHECK(std::abs(a - b) <= std::max((std::abs(a) + std::abs(b)) / 2048, 1e-9));
  } else {
    CHECK(fast == exact);
  }
}

}  // namespace foliosim::test
