#include "sim/run_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "sim/output/figures.hpp"
#include "sim/output/latency_attribution.hpp"
#include "sim/output/progress_bar.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/version.hpp"

namespace foliosim {

Json make_summary(const std::vector<ResolvedVariant>& variants, const std::vector<Json>& results) {
  Json summary;
  summary["scenario"] = variants.front().scenario.name;
  summary["foliosim_version"] = kVersion;
  summary["seed"] = variants.front().scenario.seed;
  summary["variants"] = Json::array();
  for (std::size_t i = 0; i < variants.size(); ++i) {
    Json entry;
    entry["variant"] = variants[i].name;
    if (!variants[i].description.empty()) entry["description"] = variants[i].description;
    entry["seed"] = variants[i].scenario.seed;
    entry.update(results[i]);
    summary["variants"].push_back(entry);
  }
  return summary;
}

std::string summary_table(const Json& summary) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %10s %10s %10s %10s %10s %10s %12s %9s\n", "variant", "sim_s", "writes",
                "p50_us", "p99_us", "p99.9_us", "max_us", "device_MiB", "dev_reqs");
  out += line;
  for (const auto& v : summary["variants"]) {
    const auto& lat = v["write_latency_us"];
    std::snprintf(line, sizeof line, "%-20s %10.4f %10llu %10.1f %10.1f %10.1f %10.1f %12.2f %9llu\n",
                  v["variant"].get<std::string>().c_str(), v["sim_time_s"].get<double>(),
                  static_cast<unsigned long long>(v["write_calls"].get<std::uint64_t>()), lat["p50"].get<double>(),
                  lat["p99"].get<double>(), lat["p999"].get<double>(), lat["max"].get<double>(),
                  static_cast<double>(v["device_write_bytes"].get<std::uint64_t>()) / (1 << 20),
                  static_cast<unsigned long long>(v["device_write_requests"].get<std::uint64_t>()));
    out += line;
  }
  return out;
}

namespace {

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof name - 1);
  return name;
}

// Removes `key` from a simulation result and returns its text: what goes to
// its own file rather than summary.json.
std::string take_text(Json& result, const char* key) {
  std::string text = result.value(key, "");
  result.erase(key);
  return text;
}

// Key of the simulation's record of its slowest writes (see
// latency_attribution.hpp), which goes to its own file; summary.json keeps
// their aggregate, "tail_attribution".
constexpr const char* kTailWritesKey = "tail_writes";

void attribute_tail(Json& result, Json& tail_writes) {
  if (!result.contains(kTailWritesKey)) return;
  tail_writes = std::move(result[kTailWritesKey]);
  result.erase(kTailWritesKey);
  try {
    const TailAttribution attribution = attribute_tail_writes(tail_writes);
    result["tail_attribution"] = attribution_json(attribution);
    result["tail_attribution_writes"] = attribution.writes;
  } catch (const std::invalid_argument& e) {
    // A bad record is the simulator's bug; keep the run and say so.
    result["tail_attribution_error"] = e.what();
  }
}

ReportInput run_report(const std::vector<ResolvedVariant>& variants, const Json& summary, const std::string& dir) {
  ReportInput report;
  report.title = variants.front().scenario.name;
  report.question = variants.front().scenario.description;
  report.intro = variants.size() > 1 ? "Differences are against the first variant, " + variants.front().name + "."
                                     : "One variant.";
  for (std::size_t i = 0; i < variants.size(); ++i) {
    report.columns.push_back({variants[i].name, summary["variants"][i], i == 0 ? -1 : 0});
    report.descriptions.push_back(variants[i].description);
  }
  report.results_dir = dir;
  return report;
}

}  // namespace

RunOutcome run_scenario_file(const std::string& scenario_path, const RunOptions& options) {
  // Everything is validated before anything runs or is written.
  ScenarioFile scenario_file = load_scenario_file(scenario_path, options.overrides);
  std::vector<ResolvedVariant> variants = resolve_variants(scenario_file, options.only_variant);

  std::vector<Json> results;
  std::vector<std::string> time_series, latency_cdfs, bdi_estimates;
  std::vector<Json> tail_writes(variants.size());
  Json run_info;
  run_info["foliosim_version"] = kVersion;
  run_info["scenario_file"] = scenario_path;
  run_info["started_utc"] = utc_now();
  run_info["host"] = host_name();
  run_info["host_cpus"] = std::thread::hardware_concurrency();
  ProgressBar progress(variants.size());
  SharedSimClock sim_clock;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const auto& variant = variants[i];
    auto start = std::chrono::steady_clock::now();
    sim_clock.reset();
    progress.start_variant(i, variant.name, estimate_run_length(variant.scenario));
    Json result = run_isolated(
        [&] {
          sim_clock.follow_engine();
          return simulate(variant.scenario);
        },
        [&] { progress.update(sim_clock.seconds()); });
    progress.finish_variant(sim_clock.seconds());
    time_series.push_back(take_text(result, kTimeSeriesKey));
    latency_cdfs.push_back(take_text(result, kLatencyCdfKey));
    bdi_estimates.push_back(take_text(result, kBdiEstimatesKey));
    attribute_tail(result, tail_writes[i]);
    results.push_back(std::move(result));
    double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run_info["wall_s"][variant.name] = wall_s;
  }

  RunOutcome outcome;
  outcome.output_dir = options.output_dir.empty() ? "results/" + variants.front().scenario.name : options.output_dir;
  outcome.summary = make_summary(variants, results);
  std::vector<CsvTable> series_tables;
  for (std::size_t i = 0; i < variants.size(); ++i)
    series_tables.push_back(CsvTable::parse(time_series[i], "variants/" + variants[i].name + "/timeseries.csv"));
  if (!scenario_file.published.figures.empty()) {
    std::vector<VariantResults> compared;
    for (std::size_t i = 0; i < variants.size(); ++i)
      compared.push_back({variants[i].name, &outcome.summary["variants"][i], &series_tables[i]});
    Json comparison = compare_published(scenario_file.published, compared);  // before the summary grows
    outcome.summary["published"] = std::move(comparison);
  }

  Json resolved;
  resolved["foliosim_version"] = kVersion;
  resolved["scenario_file"] = scenario_path;
  resolved["overrides"] = options.overrides;
  resolved["variants"] = Json::array();
  for (const auto& variant : variants) {
    resolved["variants"].push_back({{"name", variant.name}, {"scenario", resolved_json(variant.scenario)}});
  }

  ResultsDirectory dir(outcome.output_dir);
  dir.write_json("summary.json", outcome.summary);
  dir.write_json("resolved_scenario.json", resolved);
  dir.write_json("run_info.json", run_info);
  std::vector<PlotSeries> series;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string folder = "variants/" + variants[i].name + "/";
    dir.write_text(folder + "timeseries.csv", time_series[i]);
    dir.write_text(folder + "latency_cdf.csv", latency_cdfs[i]);
    dir.write_text(folder + "bdi_estimates.csv", bdi_estimates[i]);
    if (!tail_writes[i].is_null()) dir.write_json(folder + "tail_writes.json", tail_writes[i]);
    series.push_back(PlotSeries{series_key(variants[i].name), outcome.summary["variants"][i], series_tables[i],
                                CsvTable::parse(latency_cdfs[i], folder + "latency_cdf.csv")});
  }
  ReportInput report = run_report(variants, outcome.summary, outcome.output_dir);
  report.published = outcome.summary.value("published", Json());
  outcome.plots = write_figures(dir, report, series);
  dir.commit();
  return outcome;
}

}  // namespace foliosim
