#include "sim/run_scenario.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "sim/results_writer.hpp"
#include "sim/simulation.hpp"
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

}  // namespace

RunOutcome run_scenario_file(const std::string& scenario_path, const RunOptions& options) {
  // Everything is validated before anything runs or is written.
  ScenarioFile scenario_file = load_scenario_file(scenario_path, options.overrides);
  std::vector<ResolvedVariant> variants = resolve_variants(scenario_file, options.only_variant);

  std::vector<Json> results;
  std::vector<std::string> time_series;
  Json run_info;
  run_info["foliosim_version"] = kVersion;
  run_info["scenario_file"] = scenario_path;
  run_info["started_utc"] = utc_now();
  run_info["host"] = host_name();
  run_info["host_cpus"] = std::thread::hardware_concurrency();
  for (const auto& variant : variants) {
    auto start = std::chrono::steady_clock::now();
    Json result = simulate_isolated(variant.scenario);
    time_series.push_back(result[kTimeSeriesKey].get<std::string>());
    result.erase(kTimeSeriesKey);
    results.push_back(std::move(result));
    double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run_info["wall_s"][variant.name] = wall_s;
  }

  RunOutcome outcome;
  outcome.output_dir = options.output_dir.empty() ? "results/" + variants.front().scenario.name : options.output_dir;
  outcome.summary = make_summary(variants, results);

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
  for (std::size_t i = 0; i < variants.size(); ++i)
    dir.write_text("variants/" + variants[i].name + "/timeseries.csv", time_series[i]);
  dir.commit();
  return outcome;
}

}  // namespace foliosim
