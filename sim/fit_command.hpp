// `foliosim fit`: moves named scenario parameters within their bounds (NLopt,
// derivative-free: BOBYQA or Nelder-Mead) until the simulated figures come
// closest to recorded ones (foliosim record), and writes the fitted values.
#pragma once

#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

struct FitOptions {
  std::vector<std::string> scenarios;  // each paired with the recorded directory at the same place in `from`
  std::vector<std::string> from;
  // "cpu.copy_bandwidth" or "cpu/copy_bandwidth", with "=MIN:MAX" (in the
  // field's units) to narrow its declared bounds or to bound a field declared
  // without an upper one.
  std::vector<std::string> params;
  std::vector<std::string> figures;  // JSON pointers into a variant's entry; empty: default_fit_figures()
  std::string algorithm = "bobyqa";  // or "neldermead"
  int max_evaluations = 60;
  std::string output_file;  // "" -> results/fit-<first scenario's name>.json
  bool force = false;       // replace an existing output file
};

struct FitOutcome {
  std::string output_file;
  Json result;  // what the file holds
};

// Throws ConfigError for bad input (a parameter without finite bounds, a
// directory not recorded, no variant that pairs up), OutputError for the
// output file, Interrupted on SIGINT/SIGTERM.
FitOutcome fit_scenarios(const FitOptions& options);

// The short report printed after a fit.
std::string fit_table(const Json& result);

}  // namespace foliosim
