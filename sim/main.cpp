// The foliosim command line: run, check, compare, plot, sweep, reference, record, fit.
#include <cstdio>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "sim/compare_command.hpp"
#include "sim/fit_command.hpp"
#include "sim/engine/interruption.hpp"
#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_scenario.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/plot_files.hpp"
#include "sim/output/report.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/output/variant_output.hpp"
#include "sim/record/recorded_comparison.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record_command.hpp"
#include "sim/run_command.hpp"
#include "sim/sweep_command.hpp"
#include "sim/version.hpp"

namespace {

// Exit codes (README.md's table): 2 the user's bad input or output location
// (nothing written), 3 a run the simulated machine could not complete, 4 our
// own bug, 128 + the signal for SIGINT (130) or SIGTERM (143).
constexpr int kExitBadInput = 2;
constexpr int kExitSimulationFailed = 3;
constexpr int kExitInternal = 4;
constexpr int kExitSignalBase = 128;

// `check_command`: the same scenario and overrides, for the report.
int internal_error(const std::string& message, const std::string& check_command) {
  std::cerr << "foliosim: internal error (a bug in foliosim, not in your input): " << message
            << "\nfoliosim: please report it, with the command line and the resolved scenario";
  if (!check_command.empty()) std::cerr << " that `" << check_command << "` prints";
  std::cerr << "\n";
  return kExitInternal;
}

// `foliosim plot DIR`: every script of DIR/plots, drawn again.
int redraw(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path plots = fs::path(dir) / foliosim::kPlotsFolder;
  if (!fs::is_directory(plots)) {
    std::cerr << "foliosim: error: " << plots.string() << ": no such folder: is " << dir
              << " a foliosim results directory?\n";
    return kExitBadInput;
  }
  auto outcome = foliosim::draw_plots(plots);
  if (!outcome.gnuplot_found) {
    std::cerr << "foliosim: error: " << foliosim::gnuplot_missing_hint(dir) << "\n";
    return kExitBadInput;
  }
  for (const auto& script : outcome.drawn)
    std::cout << "drawn: " << (plots / fs::path(script).stem()).string() << ".{svg,png}\n";
  foliosim::tell_plot_problems(outcome, dir);
  if (!outcome.failures.empty()) return kExitBadInput;  // a script that no longer draws
  foliosim::mark_plots_drawn(fs::path(dir) / "report.md");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"foliosim: a discrete-event simulator of the Linux buffered-write path", "foliosim"};
  app.set_version_flag("--version", std::string("foliosim ") + foliosim::kVersion);
  app.require_subcommand(1);

  foliosim::RunOptions run_options;
  std::string scenario_path;
  auto* run = app.add_subcommand("run", "Run every variant of a scenario (or one) and write its results");
  run->add_option("scenario", scenario_path, "Scenario JSON file, or fio job file (JOB.fio)")->required();
  run->add_option("--machine", run_options.machine_file,
                  "With a fio job file: the scenario whose machine (every section but workload) it runs on");
  run->add_option("--ignore", run_options.ignored, "Run without this fio option (repeatable)")->expected(1)->take_all();
  run->add_option("-o,--output", run_options.output_dir, "Results directory (default: results/<scenario name>)");
  run->add_option("--variant", run_options.only_variant, "Run only the variant of this name");
  run->add_option("--set", run_options.overrides,
                  "Override a scenario value: path=value, e.g. devices/0/queue_depth=32")
      ->take_all();
  run->add_flag("--force", run_options.force, "Replace the earlier results at -o DIR (never anything else)");
  run->add_option("--output-format", run_options.output_format,
                  "normal (default), or json / json+: also fio.json, fio's JSON layout, in the results directory");

  std::vector<std::string> check_overrides;
  auto* check = app.add_subcommand("check", "Validate a scenario and its variants without running it");
  check->add_option("scenario", scenario_path, "Scenario JSON file, or fio job file (JOB.fio)")->required();
  std::string check_machine;
  std::vector<std::string> check_ignored;
  check->add_option("--machine", check_machine, "With a fio job file: the scenario whose machine it runs on");
  check->add_option("--ignore", check_ignored, "Check without this fio option (repeatable)")->expected(1)->take_all();
  check->add_option("--set", check_overrides, "Override a scenario value: path=value")->take_all();
  bool print_resolved = false;
  check->add_flag("--resolved", print_resolved,
                  "Print the resolved scenario (every default filled in) as resolved_scenario.json holds it");

  foliosim::CompareOptions compare_options;
  auto* compare = app.add_subcommand("compare", "Put two results directories side by side: table, plots, report.md");
  compare->add_option("dir_a", compare_options.dir_a, "Results directory A (the reference)")->required();
  compare->add_option("dir_b", compare_options.dir_b, "Results directory B (compared against A)")->required();
  compare->add_option("-o,--output", compare_options.output_dir,
                      "Where to write the comparison (default: results/compare-<A>-vs-<B>)");
  compare->add_flag("--force", compare_options.force, "Replace the earlier comparison at -o DIR (never anything else)");

  foliosim::RecordOptions record_options;
  auto* record = app.add_subcommand(
      "record", "Run a scenario's workload on the real kernel (as root), each variant --reps times, and write results");
  record->add_option("scenario", scenario_path, "Scenario JSON file")->required();
  record->add_option("-o,--output", record_options.output_dir,
                     "Results directory (default: results/<scenario name>-recorded)");
  record->add_option("--variant", record_options.only_variant, "Record only the variant of this name");
  record->add_option("--set", record_options.overrides, "Override a scenario value: path=value")->take_all();
  record->add_flag("--force", record_options.force, "Replace the earlier results at -o DIR (never anything else)");
  record->add_option("--reps", record_options.repetitions, "Repetitions per variant, each on a fresh target (5)");
  record->add_option("--target", record_options.target,
                     "loop (default: a new loop device per repetition), /dev/X (an existing device) or a folder");
  record->add_flag("--format", record_options.format,
                   "With --target /dev/X: make the scenario's filesystem on it before each repetition (erases it)");

  foliosim::FitOptions fit_options;
  auto* fit = app.add_subcommand(
      "fit", "Fit scenario parameters within their bounds to recorded figures (NLopt), write the fitted values");
  fit->add_option("scenarios", fit_options.scenarios, "Scenario JSON files")->required();
  fit->add_option("--from", fit_options.from, "Recorded directories (foliosim record), one per scenario")
      ->required();
  fit->add_option("--params", fit_options.params,
                  "Parameters to fit: path[=MIN:MAX] (a.b or a/b; MIN:MAX in the field's units narrows its bounds)")
      ->required()
      ->delimiter(',');
  fit->add_option("--figures", fit_options.figures,
                  "Figures to match, JSON pointers into a variant's summary (default: write phase, latency "
                  "p50/p90/p99, fsync, device requests, cache peaks)")
      ->delimiter(',');
  fit->add_option("--algorithm", fit_options.algorithm, "bobyqa (default) or neldermead");
  fit->add_option("--max-evals", fit_options.max_evaluations, "Most evaluations (each simulates every variant)");
  fit->add_option("-o,--output", fit_options.output_file, "Fitted values (default: results/fit-<scenario>.json)");
  fit->add_flag("--force", fit_options.force, "Replace the output file");

  auto* reference = app.add_subcommand(
      "reference", "Print every figure of summary.json and the CSVs, with its unit and meaning (results/README.md)");

  std::string plot_dir;
  auto* plot = app.add_subcommand("plot", "Redraw a results directory's plots from its CSVs and gnuplot scripts");
  plot->add_option("dir", plot_dir, "Results directory (of run or compare)")->required();

  foliosim::SweepOptions sweep_options;
  auto* sweep = app.add_subcommand(
      "sweep", "Run a sweep (a scenario over axes of values, variants and seeds) here or on Slurm, and aggregate it");
  auto* sweep_file = sweep->add_option("sweep", sweep_options.sweep_file, "Sweep JSON file");
  sweep->add_option("-o,--output", sweep_options.output_dir, "Sweep directory (default: results/<sweep name>)");
  sweep->add_option("-j,--jobs", sweep_options.jobs, "Points run at once here (default: the CPU count)")
      ->check(CLI::Range(1, 4096));
  sweep->add_flag("--dry-run", sweep_options.dry_run, "Print the number of points and the first ones; run nothing");
  auto* collect = sweep->add_option("--collect", sweep_options.collect_dir,
                                    "Aggregate the sweep directory DIR as it is (after a Slurm run)");
  auto* resume = sweep->add_option("--resume", sweep_options.resume_dir,
                                   "Run the points of sweep directory DIR that are not done (here or with --slurm)");
  sweep_file->excludes(collect)->excludes(resume);
  collect->excludes(resume);
  auto* slurm = sweep->add_flag("--slurm", sweep_options.slurm, "Submit the points as a Slurm job array (sbatch)");
  sweep->add_option("--partition", sweep_options.slurm_options.partition, "Slurm partition")->needs(slurm);
  sweep->add_option("--time", sweep_options.slurm_options.time, "Time limit of an array task, as sbatch --time")
      ->needs(slurm);
  sweep->add_option("--max-parallel", sweep_options.slurm_options.max_parallel, "Array tasks at once (%K)")
      ->needs(slurm)
      ->check(CLI::PositiveNumber);
  sweep
      ->add_option("--array-chunk", sweep_options.slurm_options.array_chunk,
                   "Points an array task runs (default: enough for at most 1000 tasks)")
      ->needs(slurm)
      ->check(CLI::PositiveNumber);
  sweep->add_flag("--wait", sweep_options.wait, "Wait for the Slurm job, then aggregate")->needs(slurm);
  collect->excludes(slurm);

  try {
    app.parse(argc, argv);
    if (*sweep && sweep_options.sweep_file.empty() && sweep_options.collect_dir.empty() &&
        sweep_options.resume_dir.empty())
      throw CLI::RequiredError("a sweep file, --collect DIR or --resume DIR");
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitBadInput;
  }

  foliosim::catch_interruptions();
  try {
    if (*run) {
      auto outcome = foliosim::run_scenario_file(scenario_path, run_options);
      std::cout << foliosim::summary_table(outcome.summary) << "results: " << outcome.output_dir << "/summary.json\n"
                << "report:  " << outcome.output_dir << "/report.md\n";
      if (!outcome.fio_json.empty()) std::cout << "fio:     " << outcome.fio_json << "\n";
      foliosim::tell_plot_problems(outcome.plots, outcome.output_dir);
    } else if (*record) {
      std::error_code ignored;
      record_options.foliosim_binary = std::filesystem::read_symlink("/proc/self/exe", ignored).string();
      auto outcome = foliosim::record_scenario_file(scenario_path, record_options);
      std::cout << foliosim::record::recorded_table(outcome.summary) << "results: " << outcome.output_dir
                << "/summary.json (median [min, max] of " << record_options.repetitions << " repetitions)\n";
    } else if (*fit) {
      auto outcome = foliosim::fit_scenarios(fit_options);
      std::cout << foliosim::fit_table(outcome.result) << "fitted: " << outcome.output_file << "\n";
    } else if (*compare) {
      auto outcome = foliosim::compare_results(compare_options);
      if (outcome.recorded) {
        std::cout << outcome.table << "outside the recorded range: " << outcome.differences << " of "
                  << outcome.compared << " figures\nreport: " << outcome.output_dir << "/report.md\n";
        return 0;
      }
      std::cout << outcome.table << "differences: ";
      if (outcome.differences == 0)
        std::cout << "none";
      else
        std::cout << outcome.differences << " of " << outcome.compared << " compared values";
      std::cout << "\nreport: " << outcome.output_dir << "/report.md\n";
      foliosim::tell_plot_problems(outcome.plots, outcome.output_dir);
    } else if (*sweep) {
      return foliosim::sweep_command(sweep_options);
    } else if (*reference) {
      std::cout << foliosim::results_reference();
    } else if (*plot) {
      return redraw(plot_dir);
    } else if (*check) {
      auto file =
          foliosim::fio::load_scenario_or_job_file(scenario_path, check_overrides, check_machine, check_ignored);
      auto variants = foliosim::resolve_variants(file);
      foliosim::check_output_names(file);
      if (print_resolved) {
        std::cout << foliosim::resolved_scenarios(scenario_path, check_overrides, variants).dump(2) << "\n";
        return 0;
      }
      std::cout << scenario_path << ": ok (" << variants.size() << " variant" << (variants.size() == 1 ? "" : "s")
                << ")\n";
    }
  } catch (const foliosim::ConfigError& e) {
    std::cerr << "foliosim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const foliosim::OutputError& e) {
    std::cerr << "foliosim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const foliosim::record::Refused& e) {
    std::cerr << "foliosim: record refused: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const foliosim::SimulatedFailure& e) {
    std::cerr << "foliosim: the simulated machine could not complete the run: " << e.what() << "\n";
    return kExitSimulationFailed;
  } catch (const foliosim::Interrupted& e) {
    std::cerr << "\nfoliosim: " << e.what() << ": stopped, nothing written\n";
    return kExitSignalBase + e.signal_number();
  } catch (const std::exception& e) {  // InternalError and anything unforeseen; for record, the machine's failures
    if (*record && !dynamic_cast<const std::logic_error*>(&e)) {
      // A Ctrl-C reaches the tools record runs too (mkfs, losetup): their failure is the interruption.
      if (const int signal_number = foliosim::interruption_signal()) {
        std::cerr << "\nfoliosim: " << foliosim::Interrupted(signal_number).what() << ": stopped, nothing written\n";
        return kExitSignalBase + signal_number;
      }
      // The real machine failed the recording (mkfs, mount, the runner): not our bug, nothing left behind.
      std::cerr << "foliosim: the machine could not complete the recording: " << e.what() << "\n";
      return kExitSimulationFailed;
    }
    std::string check_command;
    if (*run) {
      check_command = "foliosim check " + scenario_path + " --resolved";
      for (const auto& item : run_options.overrides) check_command += " --set '" + item + "'";
    }
    return internal_error(e.what(), check_command);
  }
  // A signal after the results were in place: they stay, the exit code tells.
  if (const int signal_number = foliosim::interruption_signal()) return kExitSignalBase + signal_number;
  return 0;
}
