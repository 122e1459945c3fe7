// A sweep file: a base scenario, the axes to vary it along, the variants and
// seeds to run at every combination, the combinations to leave out, and what
// to tabulate and plot. `foliosim sweep` expands it into points (sweep_points).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

// One axis: a scenario path ("machine/memory") and its values, or several
// paths whose values move together (a zipped axis: "zip" in the file), the
// i-th value of each going with the i-th of the others.
struct SweepAxis {
  std::vector<std::string> paths;
  std::vector<std::vector<Json>> values;  // values[p][i]: path p's i-th value
  std::size_t size() const { return values.front().size(); }
};

// A plot of `metric` against the axis column `x`: one line per variant (and
// per value of the other axes), the median over seeds with min/max bars.
struct SweepPlot {
  std::string metric;
  std::string x;
};

struct SweepSpec {
  std::string file;  // the sweep file, for errors
  std::string name;
  std::string description;
  std::string scenario_path;  // the base scenario, relative to the current directory
  Json set = Json::object();  // fixed overrides of the base, by path
  std::vector<SweepAxis> axes;
  std::vector<std::string> variants;  // empty: every variant of the scenario
  std::vector<std::uint64_t> seeds;   // empty: the scenario's own seed
  std::uint64_t seed_count = 0;       // seeds from the scenario's own seed up (when `seeds` is empty)
  std::vector<Json> excludes;         // objects {column: value}: points matching every entry are left out
  std::vector<std::string> metrics;   // summary paths ("write_latency_us/p999") or derived names
  std::vector<SweepPlot> plots;

  // Every axis path, in column order (a zipped axis contributes each of its paths).
  std::vector<std::string> axis_columns() const;
};

// Figures a sweep tabulates when its file names none.
const std::vector<std::string>& default_sweep_metrics();

// Parses and validates `path` (ConfigError naming the file and JSON path of
// the bad value); the base scenario path is taken relative to the sweep file.
SweepSpec load_sweep_file(const std::string& path);

}  // namespace foliosim
