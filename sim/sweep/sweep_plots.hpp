// The sweep's plots: a metric against an axis, one line per variant and
// value of the other axes, each point the median over seeds with a bar from
// the minimum to the maximum. An axis of sizes, times or rates is drawn on its
// numeric scale (logarithmic when it spans 16 times or more), any other as
// categories in the sweep's order. Each plot is a gnuplot script beside its
// data (plots/<name>.gp, plots/data/<name>.<line>.csv), as `foliosim run`'s.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/output/gnuplot.hpp"
#include "sim/sweep/sweep_directory.hpp"

namespace foliosim {

struct SweepPlotFile {
  std::string name;     // plots/<name>.{gp,svg,png}
  std::string title;    // "write_latency_us/p999 against machine/memory"
  std::string caption;  // for report.md
  std::string script;
  std::vector<std::pair<std::string, std::string>> data;  // path under plots/, CSV text
};

// `summaries[i]`: point i's variant summary, null when it is not done.
std::vector<SweepPlotFile> sweep_plot_files(const SweepPlan& plan, const std::vector<Json>& summaries);

// Replaces `root`/plots with these plots and draws them (when gnuplot is there).
DrawOutcome write_sweep_plots(const std::filesystem::path& root, const std::vector<SweepPlotFile>& plots);

}  // namespace foliosim
