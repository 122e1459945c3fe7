// Drawing plots by running gnuplot on their scripts. gnuplot is optional: a
// run without it still writes every script and CSV, and says once how to get
// the images.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace foliosim {

// gnuplot as found on PATH, or "" when it is not installed.
std::string find_gnuplot();

struct DrawOutcome {
  bool gnuplot_found = false;
  std::vector<std::string> drawn;     // scripts that ran cleanly
  std::vector<std::string> failures;  // "<script>: <gnuplot's message>"
};

// Runs every *.gp of `plots_dir` (by name), each in that folder.
DrawOutcome draw_plots(const std::filesystem::path& plots_dir);

// How to install gnuplot and redraw the plots of `results_dir`.
std::string gnuplot_missing_hint(const std::string& results_dir);

}  // namespace foliosim
