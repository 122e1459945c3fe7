// The aggregate of a sweep, from its points' summaries alone (so a local and
// a Slurm run of the same sweep give the same files): sweep.csv, one row per
// point with its axis values and metrics; sweep.json, the same with the
// sweep's definition; plots of each metric against an axis, one line per
// variant (and value of the other axes), the median over seeds with min/max
// bars; report.md with the table over seeds and the plots.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/output/gnuplot.hpp"
#include "sim/sweep/sweep_directory.hpp"

namespace foliosim {

// Figures derived from summary.json that it does not hold itself.
// app_write_rate_Bps: app_write_bytes over write_phase_s; cpu_busy_total_s:
// the sum of cpu_busy_s over components.
std::optional<Json> metric_value(const Json& variant_summary, const std::string& metric);

struct SweepAggregate {
  std::size_t done = 0;
  std::vector<std::size_t> failed;   // indexes of points whose run failed (their log is kept)
  std::vector<std::size_t> missing;  // indexes of points not run (yet)
  DrawOutcome plots;
};

// Reads every done point and writes the aggregate files into the sweep
// directory. Throws ConfigError (naming the sweep file's metrics/<i>) when a
// metric is not in the points' summaries.
SweepAggregate aggregate_sweep(const SweepDirectory& dir, const SweepPlan& plan);

// sweep.csv's text for the points' rows (exposed for tests).
std::string sweep_csv(const SweepPlan& plan, const std::vector<Json>& summaries);

}  // namespace foliosim
