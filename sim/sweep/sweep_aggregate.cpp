#include "sim/sweep/sweep_aggregate.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/output/spread.hpp"
#include "sim/sweep/sweep_plots.hpp"
#include "sim/version.hpp"

namespace foliosim {
namespace fs = std::filesystem;

namespace {

std::string csv_cell(const Json& value) {
  if (value.is_null()) return "";
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Every path of a summary's numbers, for "did you mean".
void number_paths(const Json& value, const std::string& prefix, std::vector<std::string>& out) {
  if (value.is_number()) out.push_back(prefix);
  if (!value.is_object()) return;
  for (const auto& item : value.items())
    number_paths(item.value(), prefix.empty() ? item.key() : prefix + "/" + item.key(), out);
}

void check_metrics(const SweepPlan& plan, const Json& summary) {
  std::vector<std::string> known = {"app_write_rate_Bps", "cpu_busy_total_s"};
  number_paths(summary, "", known);
  for (std::size_t i = 0; i < plan.metrics.size(); ++i) {
    const auto value = metric_value(summary, plan.metrics[i]);
    if (value && (value->is_number() || value->is_null())) continue;
    const std::string hint = did_you_mean(plan.metrics[i], known);
    throw ConfigError(plan.sweep_file, join_path("metrics", i),
                      "\"" + plan.metrics[i] + "\" is not a number of the points' summary.json" +
                          (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") +
                          "; fix it and run the sweep again: the points are done and stay");
  }
}

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(4);
  out << value;
  return out.str();
}

std::string value_text(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// Points grouped over seeds: same axis values and variant, in first-seen order.
std::vector<std::vector<std::size_t>> seed_groups(const SweepPlan& plan) {
  std::vector<std::vector<std::size_t>> groups;
  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const std::string key = Json(plan.points[i].axis_values).dump() + "\n" + plan.points[i].variant;
    const auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.emplace_back();
    groups[it->second].push_back(i);
  }
  return groups;
}

std::string report_markdown(const SweepPlan& plan, const std::vector<Json>& summaries, const SweepAggregate& agg,
                            const std::vector<SweepPlotFile>& plots, const SweepDirectory& dir) {
  std::ostringstream md;
  md << "# Sweep: " << plan.name << "\n\n";
  if (!plan.description.empty()) md << plan.description << "\n\n";
  md << "Base scenario `" << plan.scenario_file << "`, sweep file `" << plan.sweep_file << "`, foliosim " << kVersion
     << ". " << plan.points.size() << " points: " << agg.done << " done, " << agg.failed.size() << " failed, "
     << agg.missing.size() << " not run. Each point's results are in `points/<id>/` and every "
     << "point's figures in `sweep.csv`.\n\n";
  md << "## Results\n\nMedian over seeds [min, max]; a single seed shows its value.\n\n|";
  for (const auto& column : plan.columns) md << " " << column << " |";
  md << " variant | seeds |";
  for (const auto& metric : plan.metrics) md << " " << metric << " |";
  md << "\n|";
  for (std::size_t c = 0; c < plan.columns.size() + 2 + plan.metrics.size(); ++c) md << "---|";
  md << "\n";
  for (const auto& group : seed_groups(plan)) {
    const SweepPoint& first = plan.points[group.front()];
    md << "|";
    for (const auto& value : first.axis_values) md << " " << value_text(value) << " |";
    std::size_t seeds_done = 0;
    for (std::size_t i : group) seeds_done += summaries[i].is_null() ? 0 : 1;
    md << " " << first.variant << " | " << seeds_done << " of " << group.size() << " |";
    for (const auto& metric : plan.metrics) {
      std::vector<double> values;
      for (std::size_t i : group)
        if (!summaries[i].is_null())
          if (auto v = metric_value(summaries[i], metric); v && v->is_number()) values.push_back(v->get<double>());
      if (values.empty()) {
        md << " - |";
        continue;
      }
      const Spread s = spread_of(values);
      if (s.min == s.max)
        md << " " << number_text(s.median) << " |";
      else
        md << " " << number_text(s.median) << " [" << number_text(s.min) << ", " << number_text(s.max) << "] |";
    }
    md << "\n";
  }
  if (!plots.empty()) {
    md << "\n## Plots\n\n";
    for (const auto& plot : plots)
      md << "![" << plot.title << "](plots/" << plot.name << ".svg)\n\n" << plot.caption << "\n\n";
  }
  if (!agg.failed.empty()) {
    md << "## Failed points\n\n";
    for (std::size_t i : agg.failed)
      md << "- `" << plan.points[i].id << "` (" << describe_point(plan.columns, plan.points[i]) << "): `"
         << fs::relative(dir.log(plan.points[i].id), dir.root()).string() << "`\n";
    md << "\n";
  }
  return md.str();
}

}  // namespace

std::optional<Json> metric_value(const Json& variant_summary, const std::string& metric) {
  if (metric == "app_write_rate_Bps") {
    const double phase_s = variant_summary.value("write_phase_s", 0.0);
    if (!(phase_s > 0)) return Json();  // nothing written: no rate
    return Json(variant_summary.value("app_write_bytes", 0.0) / phase_s);
  }
  if (metric == "cpu_busy_total_s") {
    if (!variant_summary.contains("cpu_busy_s")) return std::nullopt;
    double total = 0;
    for (const auto& item : variant_summary["cpu_busy_s"].items())
      if (item.value().is_number()) total += item.value().get<double>();
    return Json(total);
  }
  const Json* at = &variant_summary;
  std::size_t start = 0;
  while (start <= metric.size()) {
    const std::size_t slash = std::min(metric.find('/', start), metric.size());
    const std::string key = metric.substr(start, slash - start);
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &(*at)[key];
    start = slash + 1;
  }
  return *at;
}

std::string sweep_csv(const SweepPlan& plan, const std::vector<Json>& summaries) {
  std::string csv = "point";
  for (const auto& column : plan.columns) csv += "," + csv_cell(Json(column));
  csv += ",variant,seed,status";
  for (const auto& metric : plan.metrics) csv += "," + csv_cell(Json(metric));
  csv += "\n";
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const SweepPoint& point = plan.points[i];
    csv += point.id;
    for (const auto& value : point.axis_values) csv += "," + csv_cell(value);
    csv += "," + csv_cell(Json(point.variant)) + "," + std::to_string(point.seed);
    csv += summaries[i].is_null() ? ",missing" : ",done";
    for (const auto& metric : plan.metrics)
      csv += "," + (summaries[i].is_null() ? "" : csv_cell(metric_value(summaries[i], metric).value_or(Json())));
    csv += "\n";
  }
  return csv;
}

SweepAggregate aggregate_sweep(const SweepDirectory& dir, const SweepPlan& plan) {
  SweepAggregate agg;
  std::vector<Json> summaries(plan.points.size());
  Json point_results = Json::array();
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const std::string& id = plan.points[i].id;
    std::error_code ignored;
    Json entry;
    if (dir.done(id)) {
      const std::string file = (dir.point(id) / "summary.json").string();
      try {
        summaries[i] = read_json_file(file).at("variants").at(0);
      } catch (const Json::exception& e) {
        throw OutputError(file + ": not a summary foliosim wrote: " + e.what());
      }
      if (agg.done++ == 0) check_metrics(plan, summaries[i]);
      entry["status"] = "done";
      entry["results"] = "points/" + id;
      entry["metrics"] = Json::object();
      for (const auto& metric : plan.metrics)
        entry["metrics"][metric] = metric_value(summaries[i], metric).value_or(Json());
    } else if (fs::exists(dir.log(id), ignored)) {
      agg.failed.push_back(i);
      entry["status"] = "failed";
      entry["log"] = "logs/" + id + ".log";
    } else {
      agg.missing.push_back(i);
      entry["status"] = "missing";
    }
    point_results.push_back(entry);
  }
  dir.write_file("sweep.csv", sweep_csv(plan, summaries));
  dir.write_file("sweep.json", plan_json(plan, point_results).dump(2) + "\n");
  const std::vector<SweepPlotFile> plots = sweep_plot_files(plan, summaries);
  agg.plots = write_sweep_plots(dir.root(), plots);
  dir.write_file("report.md", report_markdown(plan, summaries, agg, plots, dir));
  return agg;
}

}  // namespace foliosim
