// Reads back a results directory written by `foliosim run`, for `foliosim
// compare`: its summary, its question and each variant's plot series.
#pragma once

#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/output/plot_data.hpp"

namespace foliosim {

struct LoadedResults {
  std::string dir;
  Json summary;
  std::string question;  // the scenario's description
  std::vector<std::string> variants;
  std::vector<std::string> descriptions;  // per variant
  std::vector<PlotSeries> series;         // per variant, keyed by its name
};

// Throws ConfigError naming the file that is missing or malformed.
LoadedResults load_results(const std::string& dir);

}  // namespace foliosim
