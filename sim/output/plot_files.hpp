// Writes the sources of a results directory's plots: plots/<name>.gp and the
// CSVs they read, plots/data/<name>.<series>.csv.
#pragma once

#include <string>
#include <vector>

#include "sim/output/plot_scripts.hpp"
#include "sim/output/results_writer.hpp"

namespace foliosim {

// The folder of the plots inside a results directory.
inline constexpr const char* kPlotsFolder = "plots";

void write_plot_sources(ResultsDirectory& dir, const PlotSetup& setup, const std::vector<PlotSeries>& series);
// The per-job latency CDF's script and data (plot_scripts.hpp), when there
// are at least two job series.
void write_job_plot_sources(ResultsDirectory& dir, const std::string& title, const std::vector<PlotSeries>& jobs);

}  // namespace foliosim
