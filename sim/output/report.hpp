// report.md of a results directory: the question the scenario asks, its
// variants side by side, where the tail latency went, and the plots.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/output/metrics_table.hpp"
#include "sim/output/published_comparison.hpp"

namespace foliosim {

struct ReportInput {
  std::string title;     // "quickstart"
  std::string question;  // the scenario's description
  std::string intro;     // what the columns are and what they are compared against
  std::vector<TableColumn> columns;
  std::vector<std::string> descriptions;  // one per column, may be empty
  Json published;                         // compare_published(), or null when the scenario has none
  bool plots_drawn = false;
  std::string results_dir;  // for the redraw command when plots are missing
};

std::string report_markdown(const ReportInput& input);

// The attribution section alone: a table of critical-path time by component
// for the columns whose summary has "tail_attribution" (`reads`:
// "tail_attribution_reads"), or a sentence saying it is not available.
std::string attribution_section(const std::vector<TableColumn>& columns, bool reads = false);

// After `foliosim plot` drew every plot: drops report.md's note that the
// plots were not drawn. No-op when there is no report or no note.
void mark_plots_drawn(const std::filesystem::path& report_path);

}  // namespace foliosim
