#include "sim/record_command.hpp"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "sim/engine/interruption.hpp"
#include "sim/input/config_error.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/record/kernel_probe.hpp"
#include "sim/record/loop_target.hpp"
#include "sim/record/memory_cgroup.hpp"
#include "sim/record/recorded_comparison.hpp"
#include "sim/record/recorded_summary.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/repetition.hpp"
#include "sim/record/runner_process.hpp"
#include "sim/run_command.hpp"
#include "sim/version.hpp"

namespace foliosim {

namespace {

namespace fs = std::filesystem;
using record::TargetKind;

constexpr int kMaxRepetitions = 1000;

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

const char* target_kind_name(TargetKind kind) {
  switch (kind) {
    case TargetKind::kLoop: return "loop";
    case TargetKind::kDevice: return "device";
    case TargetKind::kDirectory: return "directory";
  }
  return "?";
}

std::uint64_t capacity_bytes(const Scenario& scenario) { return record::filesystem_device(scenario).capacity_bytes; }

}  // namespace

RecordOutcome record_scenario_file(const std::string& scenario_path, const RecordOptions& options) {
  // Everything is checked before anything is made.
  const ScenarioFile scenario_file = load_scenario_file(scenario_path, options.overrides);
  const std::vector<ResolvedVariant> variants = resolve_variants(scenario_file, options.only_variant);
  check_output_names(scenario_file);
  if (options.repetitions < 1 || options.repetitions > kMaxRepetitions)
    throw ConfigError("command line", "--reps", "must be between 1 and " + std::to_string(kMaxRepetitions));
  record::require_root(geteuid());
  const record::Target target = record::parse_target(options.target, options.format);
  for (const auto& variant : variants) {
    record::check_reproducible(variant.scenario, scenario_path, variant.name);
    if (variant.scenario.page_cache.memory_limit_bytes > 0) record::require_memory_cgroup();
    const bool loop = target.kind == TargetKind::kLoop;
    record::require_tools(record::fs_type_name(variant.scenario), loop, loop || target.format);
    const std::uint64_t footprint = record::workload_footprint_bytes(variant.scenario);
    // The filesystem takes its log and tables from the device too: keep an eighth spare.
    if (loop && footprint > capacity_bytes(variant.scenario) / 8 * 7)
      throw record::Refused(scenario_path + ": variant " + variant.name + ": the target is too small: the workload " +
                            "writes " + std::to_string(footprint >> 20) + " MiB, the device's capacity is " +
                            std::to_string(capacity_bytes(variant.scenario) >> 20) +
                            " MiB (devices/*/capacity; at most seven eighths of it hold files)");
  }
  const std::string runner = record::runner_path(options.foliosim_binary);
  if (access(runner.c_str(), X_OK) != 0)
    throw std::runtime_error(runner + ": the workload runner is missing (build it with foliosim)");

  RecordOutcome outcome;
  outcome.output_dir =
      options.output_dir.empty() ? "results/" + variants.front().scenario.name + "-recorded" : options.output_dir;
  ResultsDirectory dir(outcome.output_dir, options.output_dir.empty() || options.force);
  record::DebugfsMount debugfs;
  record::TempDir work(fs::temp_directory_path().string());

  Json run_info;
  run_info["foliosim_version"] = kVersion;
  run_info["recorded_on"] = "real kernel";
  run_info["scenario_file"] = scenario_path;
  run_info["started_utc"] = utc_now();
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  run_info["host"] = host;
  run_info["machine"] = record::machine_info();
  run_info["repetitions"] = options.repetitions;
  run_info["target"] = {{"kind", target_kind_name(target.kind)}, {"path", target.path}, {"format", target.format}};
  run_info["debugfs"] = debugfs.available();

  Json summary;
  summary["scenario"] = variants.front().scenario.name;
  summary["foliosim_version"] = kVersion;
  summary["recorded_on"] = "real kernel";
  summary["kernel_release"] = run_info["machine"]["kernel_release"];
  summary["repetitions"] = options.repetitions;
  summary["variants"] = Json::array();
  std::map<std::uint64_t, std::unique_ptr<record::BackingImage>> images;  // one per capacity, reused
  for (const auto& variant : variants) {
    record::RepetitionSetup setup;
    setup.scenario = &variant.scenario;
    setup.target = target;
    setup.work_dir = work.path();
    setup.runner = runner;
    if (target.kind == TargetKind::kLoop) {
      auto& image = images[capacity_bytes(variant.scenario)];
      if (!image) {
        std::cerr << "record: writing a " << (capacity_bytes(variant.scenario) >> 20) << " MiB backing image\n";
        image = std::make_unique<record::BackingImage>(
            work.path() + "/image-" + std::to_string(images.size()), capacity_bytes(variant.scenario));
      }
      setup.image = image.get();
    }
    std::vector<Json> repetitions;
    const auto start = std::chrono::steady_clock::now();
    for (int rep = 0; rep < options.repetitions; ++rep) {
      throw_if_interrupted();
      std::cerr << "record: " << variant.name << ": repetition " << rep + 1 << " of " << options.repetitions << "\n";
      setup.probe = rep == 0;  // each variant's filesystem may differ in what it supports
      repetitions.push_back(record::record_repetition(setup));
    }
    run_info["wall_s"][variant.name] =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Json entry;
    entry["variant"] = variant.name;
    if (!variant.description.empty()) entry["description"] = variant.description;
    entry["recorded_on"] = "real kernel";
    entry["repetitions"] = options.repetitions;
    entry.update(record::aggregate_repetitions(repetitions));
    summary["variants"].push_back(entry);
  }
  outcome.summary = summary;
  dir.write_json("summary.json", summary);
  dir.write_json("resolved_scenario.json", resolved_scenarios(scenario_path, options.overrides, variants));
  dir.write_json("run_info.json", run_info);
  dir.write_text(record::kRecordedMarker,
                 "Recorded by `foliosim record` on a real kernel (not simulated); see run_info.json.\n");
  dir.commit();
  return outcome;
}

}  // namespace foliosim
