// The one owner of the SimGrid engine: builds the machine of a scenario, starts
// its actors, runs it, and gathers what the models measured.
#pragma once

#include "sim/engine/isolated_run.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {

// Key of simulate()'s result holding the time series CSV, which goes to its
// own file rather than summary.json.
inline constexpr const char* kTimeSeriesKey = "time_series_csv";
// Key of simulate()'s result holding the write latency CDF as CSV (its own
// file too).
inline constexpr const char* kLatencyCdfKey = "latency_cdf_csv";
// Key of simulate()'s result holding every update of each device's writeback
// estimates as CSV (its own file too).
inline constexpr const char* kBdiEstimatesKey = "bdi_estimates_csv";

// Runs `scenario` on a fresh engine in this process and returns its results
// (one entry of summary.json, without the variant name). SimGrid keeps global
// state across engines, so call it at most once per process: see
// simulate_isolated.
Json simulate(const Scenario& scenario);

// Runs simulate() in a child process, so every variant starts from a fresh
// engine and the same seed gives the same result whatever ran before.
Json simulate_isolated(const Scenario& scenario);

}  // namespace foliosim
