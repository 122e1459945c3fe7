// `foliosim run`: every variant of a scenario, one after another from the same
// seed, and the results directory that puts them side by side.
#pragma once

#include <string>
#include <vector>

#include "sim/output/gnuplot.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/variant_output.hpp"

namespace foliosim {

struct RunOptions {
  std::string output_dir;  // "" -> results/<scenario name>
  std::string only_variant;
  std::vector<std::string> overrides;  // path=value
  bool force = false;                  // replace the earlier results at output_dir
  std::string machine_file;            // with a fio job file: the scenario whose machine it runs on
  std::vector<std::string> ignored;    // fio options to run without (--ignore)
  // "normal" (summary.json and the rest), or "json" (also fio.json: fio's
  // JSON layout, sim/output/fio_json.hpp).
  std::string output_format = "normal";
};

struct RunOutcome {
  std::string output_dir;
  Json summary;
  DrawOutcome plots;     // whether gnuplot drew them
  std::string fio_json;  // the fio.json written ("" with the normal output format)
};

// `scenario_path` is a scenario or a fio job file (sim/input/fio/fio_scenario.hpp).
// Validates, runs and writes results (summary, time series, plots, report.md;
// on a terminal, a progress bar on stderr meanwhile); throws ConfigError for
// bad input and OutputError for an output location it must not or cannot
// write (both before anything is written; the default location,
// results/<name>/, replaces its earlier results, -o DIR only with `force`),
// SimulatedFailure when a run cannot complete, InternalError for a bug and
// Interrupted on SIGINT or SIGTERM.
RunOutcome run_scenario_file(const std::string& scenario_path, const RunOptions& options);

// Throws ConfigError (naming variants/<i>/name) when two variant names would
// give the same plot file name.
void check_output_names(const ScenarioFile& scenario_file);

// resolved_scenario.json: each variant's scenario with every default filled in.
Json resolved_scenarios(const std::string& scenario_path, const std::vector<std::string>& overrides,
                        const std::vector<ResolvedVariant>& variants);

// summary.json of resolved variants and their per-variant results.
Json make_summary(const std::vector<ResolvedVariant>& variants, const std::vector<VariantOutput>& outputs);

// The short table printed after a run.
std::string summary_table(const Json& summary);

}  // namespace foliosim
