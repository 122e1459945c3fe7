#include "sim/run_command.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <thread>

#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_ini.hpp"
#include "sim/input/fio/fio_scenario.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/fio_json.hpp"
#include "sim/output/plot_files.hpp"
#include "sim/output/progress_bar.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/run_variant.hpp"
#include "sim/version.hpp"

namespace foliosim {

void check_output_names(const ScenarioFile& scenario_file) {
  std::vector<std::string> names;
  for (const auto& variant : scenario_file.variants) names.push_back(variant.name);
  const auto [first, second] = series_key_clash(names);
  if (first == second) return;
  throw ConfigError(scenario_file.file, join_path(join_path("variants", second), "name"),
                    "\"" + names[second] + "\" and variant \"" + names[first] + "\" give the same file name, \"" +
                        series_key(names[first]) + "\": rename one");
}

Json resolved_scenarios(const std::string& scenario_path, const std::vector<std::string>& overrides,
                        const std::vector<ResolvedVariant>& variants) {
  Json resolved;
  resolved["foliosim_version"] = kVersion;
  resolved["scenario_file"] = scenario_path;
  resolved["overrides"] = overrides;
  resolved["variants"] = Json::array();
  for (const auto& variant : variants)
    resolved["variants"].push_back({{"name", variant.name}, {"scenario", resolved_json(variant.scenario)}});
  return resolved;
}

Json make_summary(const std::vector<ResolvedVariant>& variants, const std::vector<VariantOutput>& outputs) {
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
    entry.update(outputs[i].summary);
    summary["variants"].push_back(entry);
  }
  return summary;
}

namespace {

// One table of the terminal summary: per variant, a first figure, then the
// calls, their latency percentiles and what the devices did for them.
struct SummaryColumns {
  const char* first_title;  // and its summary key, scale and decimals
  const char* first_key;
  double first_scale;
  int first_decimals;
  const char* calls_title;  // then the titles and keys of the rest
  const char* calls_key;
  const char* latency_key;
  const char* device_bytes_title;
  const char* device_bytes_key;
  const char* device_requests_title;
  const char* device_requests_key;
};

std::string summary_rows(const Json& summary, const SummaryColumns& c) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %10s %10s %10s %10s %10s %10s %12s %9s\n", "variant", c.first_title,
                c.calls_title, "p50_us", "p99_us", "p99.9_us", "max_us", c.device_bytes_title, c.device_requests_title);
  out += line;
  for (const auto& v : summary["variants"]) {
    const auto& lat = v[c.latency_key];
    std::snprintf(line, sizeof line, "%-20s %10.*f %10llu %10.1f %10.1f %10.1f %10.1f %12.2f %9llu\n",
                  v["variant"].get<std::string>().c_str(), c.first_decimals,
                  v[c.first_key].get<double>() * c.first_scale,
                  static_cast<unsigned long long>(v[c.calls_key].get<std::uint64_t>()), lat["p50"].get<double>(),
                  lat["p99"].get<double>(), lat["p999"].get<double>(), lat["max"].get<double>(),
                  static_cast<double>(v[c.device_bytes_key].get<std::uint64_t>()) / (1 << 20),
                  static_cast<unsigned long long>(v[c.device_requests_key].get<std::uint64_t>()));
    out += line;
  }
  return out;
}

}  // namespace

std::string summary_table(const Json& summary) {
  std::string out = summary_rows(summary, {"sim_s", "sim_time_s", 1, 4, "writes", "write_calls", "write_latency_us",
                                           "device_MiB", "device_write_bytes", "dev_reqs", "device_write_requests"});
  // The same for reads, when any variant read.
  for (const auto& v : summary["variants"])
    if (v.value("read_calls", std::uint64_t{0}) > 0)
      return out + summary_rows(summary, {"read_MBps", "read_throughput_Bps", 1e-6, 1, "reads", "read_calls",
                                          "read_latency_us", "dev_rd_MiB", "device_read_bytes", "rd_reqs",
                                          "device_read_requests"});
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

// The [global] options of a fio job file as fio's "global options" shows
// them (name -> value); empty for a scenario.
Json fio_global_options(const std::string& path) {
  Json out = Json::object();
  if (!fio::is_fio_job_file(path)) return out;
  for (const auto& option : fio::read_fio_file(path).globals) out[option.name] = option.value;
  return out;
}

long long unix_time_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RunOutcome run_scenario_file(const std::string& scenario_path, const RunOptions& options) {
  // Everything is validated before anything runs or is written.
  if (options.output_format != "normal" && options.output_format != "json" && options.output_format != "json+")
    throw ConfigError(scenario_path, "--output-format",
                      "expected normal, json or json+, got \"" + options.output_format + "\"");
  ScenarioFile scenario_file =
      fio::load_scenario_or_job_file(scenario_path, options.overrides, options.machine_file, options.ignored);
  std::vector<ResolvedVariant> variants = resolve_variants(scenario_file, options.only_variant);
  check_output_names(scenario_file);
  RunOutcome outcome;
  outcome.output_dir = options.output_dir.empty() ? "results/" + variants.front().scenario.name : options.output_dir;
  ResultsDirectory dir(outcome.output_dir, options.output_dir.empty() || options.force);

  std::vector<VariantOutput> outputs;
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
    outputs.push_back(simulate_isolated(variant.scenario, &sim_clock, [&] { progress.update(sim_clock.seconds()); }));
    progress.finish_variant(sim_clock.seconds());
    double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run_info["wall_s"][variant.name] = wall_s;
  }

  outcome.summary = make_summary(variants, outputs);
  std::vector<CsvTable> series_tables;
  for (std::size_t i = 0; i < variants.size(); ++i)
    series_tables.push_back(
        CsvTable::parse(outputs[i].time_series_csv, "variants/" + variants[i].name + "/timeseries.csv"));
  if (!scenario_file.published.figures.empty()) {
    std::vector<VariantResults> compared;
    for (std::size_t i = 0; i < variants.size(); ++i)
      compared.push_back({variants[i].name, &outcome.summary["variants"][i], &series_tables[i]});
    Json comparison = compare_published(scenario_file.published, compared);  // before the summary grows
    outcome.summary["published"] = std::move(comparison);
  }

  Json resolved = resolved_scenarios(scenario_path, options.overrides, variants);
  if (!options.machine_file.empty()) resolved["machine_file"] = options.machine_file;
  if (!options.ignored.empty()) resolved["ignored_fio_options"] = options.ignored;
  dir.write_json("summary.json", outcome.summary);
  dir.write_json("resolved_scenario.json", resolved);
  dir.write_json("run_info.json", run_info);
  std::vector<PlotSeries> series;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string folder = "variants/" + variants[i].name + "/";
    dir.write_text(folder + "timeseries.csv", outputs[i].time_series_csv);
    dir.write_text(folder + "latency_cdf.csv", outputs[i].latency_cdf_csv);
    dir.write_text(folder + "bdi_estimates.csv", outputs[i].bdi_estimates_csv);
    dir.write_json(folder + "tail_writes.json", outputs[i].tail_writes);
    CsvTable read_cdf;
    if (!outputs[i].read_latency_cdf_csv.empty()) {
      dir.write_text(folder + "read_latency_cdf.csv", outputs[i].read_latency_cdf_csv);
      dir.write_json(folder + "tail_reads.json", outputs[i].tail_reads);
      read_cdf = CsvTable::parse(outputs[i].read_latency_cdf_csv, folder + "read_latency_cdf.csv");
    }
    series.push_back(PlotSeries{series_key(variants[i].name), outcome.summary["variants"][i], series_tables[i],
                                CsvTable::parse(outputs[i].latency_cdf_csv, folder + "latency_cdf.csv"),
                                std::move(read_cdf)});
  }
  if (options.output_format != "normal") {
    std::vector<std::string> names;
    std::vector<Json> jobs, summaries;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      names.push_back(variants[i].name);
      jobs.push_back(outputs[i].fio_jobs);
      summaries.push_back(outcome.summary["variants"][i]);
    }
    dir.write_json("fio.json", fio_document(names, jobs, summaries, fio_global_options(scenario_path), unix_time_ms(),
                                            kVersion));
    outcome.fio_json = outcome.output_dir + "/fio.json";
  }
  // With several jobs in a variant: each job's latency CDF, as a CSV and a plot.
  std::vector<PlotSeries> job_series;
  bool several_jobs = false;
  for (std::size_t i = 0; i < variants.size(); ++i) several_jobs |= outputs[i].job_latency_cdf_csvs.size() > 1;
  for (std::size_t i = 0; several_jobs && i < variants.size(); ++i) {
    const Json& jobs = outcome.summary["variants"][i]["jobs"];
    for (std::size_t j = 0; j < outputs[i].job_latency_cdf_csvs.size() && j < jobs.size(); ++j) {
      const std::string job_key = series_key(jobs[j]["name"].get<std::string>());
      const std::string file = "variants/" + variants[i].name + "/jobs/" + job_key + ".latency_cdf.csv";
      dir.write_text(file, outputs[i].job_latency_cdf_csvs[j]);
      // A reader's CDF is of its reads: its figures stand in for the writes'.
      Json figures = jobs[j];
      if (figures["write_calls"] == 0 && figures["read_calls"] != 0) {
        figures["write_calls"] = figures["read_calls"];
        figures["write_latency_us"] = figures["read_latency_us"];
      }
      job_series.push_back(PlotSeries{variants.size() > 1 ? series_key(variants[i].name) + "." + job_key : job_key,
                                      figures, CsvTable::parse("time_s\n", file),
                                      CsvTable::parse(outputs[i].job_latency_cdf_csvs[j], file), CsvTable{}});
    }
  }
  write_job_plot_sources(dir, variants.front().scenario.name, job_series);
  ReportInput report = run_report(variants, outcome.summary, outcome.output_dir);
  report.published = outcome.summary.value("published", Json());
  outcome.plots = write_figures(dir, report, series);
  dir.commit();
  return outcome;
}

}  // namespace foliosim
