#include "sim/output/figures.hpp"

#include <cctype>
#include <iostream>

#include "sim/output/plot_files.hpp"

namespace foliosim {

std::string series_key(const std::string& name) {
  std::string key = name;
  for (char& c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') c = '_';
  return key.empty() ? "_" : key;
}

std::pair<std::size_t, std::size_t> series_key_clash(const std::vector<std::string>& names) {
  for (std::size_t j = 1; j < names.size(); ++j)
    for (std::size_t i = 0; i < j; ++i)
      if (series_key(names[i]) == series_key(names[j])) return {i, j};
  return {0, 0};
}

DrawOutcome write_figures(ResultsDirectory& dir, ReportInput report, const std::vector<PlotSeries>& series) {
  write_plot_sources(dir, plot_setup(report.title, series), series);
  DrawOutcome outcome = draw_plots(dir.file(kPlotsFolder));
  report.plots_drawn = outcome.gnuplot_found && outcome.failures.empty();
  dir.write_text("report.md", report_markdown(report));
  return outcome;
}

void tell_plot_problems(const DrawOutcome& outcome, const std::string& results_dir) {
  if (!outcome.gnuplot_found) std::cerr << "foliosim: " << gnuplot_missing_hint(results_dir) << "\n";
  for (const auto& failure : outcome.failures) std::cerr << "foliosim: plot not drawn: " << failure << "\n";
}

}  // namespace foliosim
