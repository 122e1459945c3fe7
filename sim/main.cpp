// The foliosim command line: run, check.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sim/config_error.hpp"
#include "sim/run_scenario.hpp"
#include "sim/scenario.hpp"
#include "sim/simulation.hpp"
#include "sim/version.hpp"

namespace {

// Exit codes: 2 is the user's bad input (nothing written), 3 a run that could
// not complete, 4 our own bug.
constexpr int kExitBadInput = 2;
constexpr int kExitSimulationFailed = 3;
constexpr int kExitInternal = 4;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"foliosim: a discrete-event simulator of the Linux buffered-write path", "foliosim"};
  app.set_version_flag("--version", std::string("foliosim ") + foliosim::kVersion);
  app.require_subcommand(1);

  foliosim::RunOptions run_options;
  std::string scenario_path;
  auto* run = app.add_subcommand("run", "Run every variant of a scenario (or one) and write its results");
  run->add_option("scenario", scenario_path, "Scenario JSON file")->required();
  run->add_option("-o,--output", run_options.output_dir, "Results directory (default: results/<scenario name>)");
  run->add_option("--variant", run_options.only_variant, "Run only the variant of this name");
  run->add_option("--set", run_options.overrides, "Override a scenario value: path=value, e.g. devices/0/queue_depth=32")
      ->take_all();

  std::vector<std::string> check_overrides;
  auto* check = app.add_subcommand("check", "Validate a scenario and its variants without running it");
  check->add_option("scenario", scenario_path, "Scenario JSON file")->required();
  check->add_option("--set", check_overrides, "Override a scenario value: path=value")->take_all();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  try {
    if (*run) {
      auto outcome = foliosim::run_scenario_file(scenario_path, run_options);
      std::cout << foliosim::summary_table(outcome.summary) << "results: " << outcome.output_dir << "/summary.json\n";
    } else if (*check) {
      auto file = foliosim::load_scenario_file(scenario_path, check_overrides);
      auto variants = foliosim::resolve_variants(file);
      std::cout << scenario_path << ": ok (" << variants.size() << " variant" << (variants.size() == 1 ? "" : "s")
                << ")\n";
    }
  } catch (const foliosim::ConfigError& e) {
    std::cerr << "foliosim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const foliosim::SimulationError& e) {
    std::cerr << "foliosim: the simulation could not complete: " << e.what() << "\n";
    return kExitSimulationFailed;
  } catch (const std::exception& e) {
    std::cerr << "foliosim: internal error: " << e.what() << "\n";
    return kExitInternal;
  }
  return 0;
}
