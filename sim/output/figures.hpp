// The figures of a results directory: plot sources (CSVs, gnuplot scripts),
// the plots gnuplot draws from them, and report.md around them. Shared by
// `foliosim run` and `foliosim compare`.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "sim/output/gnuplot.hpp"
#include "sim/output/plot_data.hpp"
#include "sim/output/report.hpp"
#include "sim/output/results_writer.hpp"

namespace foliosim {

// File-name safe form of a variant name (letters, digits, '.', '_', '-').
std::string series_key(const std::string& name);

// Indexes (first, second) of the first two names with the same series_key,
// whose plot files would overwrite each other; {0, 0} when none.
std::pair<std::size_t, std::size_t> series_key_clash(const std::vector<std::string>& names);

// Writes plots/ and report.md into `dir` (before its commit) and draws the
// plots when gnuplot is there. `report.plots_drawn` is set from the outcome.
DrawOutcome write_figures(ResultsDirectory& dir, ReportInput report, const std::vector<PlotSeries>& series);

// After the directory is in place: says once on stderr what went wrong with
// the plots, if anything (gnuplot missing, a script failing).
void tell_plot_problems(const DrawOutcome& outcome, const std::string& results_dir);

}  // namespace foliosim
