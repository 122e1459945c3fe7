#include "sim/sweep/sweep_spec.hpp"

#include <filesystem>
#include <set>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {
namespace {

// Columns a point has besides the axes; an axis may not take their names.
constexpr const char* kVariantColumn = "variant";
constexpr const char* kSeedColumn = "seed";

std::string text_at(const Json& value, const std::string& file, const std::string& path, const char* what) {
  if (!value.is_string() || value.get<std::string>().empty())
    throw ConfigError(file, path, std::string("expected ") + what + ", got " + value.dump());
  return value.get<std::string>();
}

const Json& list_at(const Json& value, const std::string& file, const std::string& path, const char* what) {
  if (!value.is_array() || value.empty())
    throw ConfigError(file, path, std::string("expected a non-empty list of ") + what + ", got " + value.dump());
  return value;
}

// {"path": "machine/memory", "values": [...]}, one path of an axis.
void read_axis_path(const Json& item, const std::string& file, const std::string& path, SweepAxis& axis) {
  FieldReader reader(item, path, file);
  std::string axis_path;
  reader.require("path");
  reader.text("path", axis_path);
  reader.require("values");
  const Json& values = list_at(*reader.child("values"), file, join_path(path, "values"), "values");
  reader.finish();
  if (axis_path == kVariantColumn || axis_path == kSeedColumn)
    throw ConfigError(file, join_path(path, "path"),
                      "\"" + axis_path + "\" is not an axis: list variants in \"variants\" and seeds in \"seeds\"");
  if (axis_path.rfind("variants", 0) == 0 || axis_path.rfind("published", 0) == 0)
    throw ConfigError(file, join_path(path, "path"), "\"" + axis_path + "\" cannot be swept");
  axis.paths.push_back(axis_path);
  axis.values.emplace_back(values.begin(), values.end());
}

SweepAxis read_axis(const Json& item, const std::string& file, const std::string& path) {
  SweepAxis axis;
  if (item.is_object() && item.contains("zip")) {
    FieldReader reader(item, path, file);
    const std::string zip_path = join_path(path, "zip");
    const Json& zipped = list_at(*reader.child("zip"), file, zip_path, "{\"path\": ..., \"values\": [...]}");
    reader.finish();
    for (std::size_t i = 0; i < zipped.size(); ++i) {
      read_axis_path(zipped[i], file, join_path(zip_path, i), axis);
      if (axis.values.back().size() != axis.values.front().size())
        throw ConfigError(file, join_path(join_path(zip_path, i), "values"),
                          "a zipped axis moves its paths together: " + std::to_string(axis.values.back().size()) +
                              " values here, " + std::to_string(axis.values.front().size()) + " in the first");
    }
    return axis;
  }
  read_axis_path(item, file, path, axis);
  return axis;
}

void read_seeds(const Json& seeds, const std::string& file, SweepSpec& spec) {
  if (seeds.is_object()) {
    FieldReader reader(seeds, "seeds", file);
    reader.require("count");
    reader.count("count", spec.seed_count, Bound::kPositive);
    reader.finish();
    return;
  }
  const Json& list = list_at(seeds, file, "seeds", "seeds (or {\"count\": N})");
  std::set<std::uint64_t> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_number_unsigned())
      throw ConfigError(file, join_path("seeds", i), "expected an unsigned 64-bit whole number, got " + list[i].dump());
    if (!seen.insert(list[i].get<std::uint64_t>()).second)
      throw ConfigError(file, join_path("seeds", i), "seed " + list[i].dump() + " is listed twice");
    spec.seeds.push_back(list[i].get<std::uint64_t>());
  }
}

void read_strings(const Json& value, const std::string& file, const std::string& path, const char* what,
                  std::vector<std::string>& out) {
  const Json& list = list_at(value, file, path, what);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    out.push_back(text_at(list[i], file, join_path(path, i), what));
    if (!seen.insert(out.back()).second)
      throw ConfigError(file, join_path(path, i), "\"" + out.back() + "\" is listed twice");
  }
}

void check_excludes(const SweepSpec& spec) {
  const std::vector<std::string> columns = spec.axis_columns();
  std::vector<std::string> known = columns;
  known.push_back(kVariantColumn);
  known.push_back(kSeedColumn);
  for (std::size_t i = 0; i < spec.excludes.size(); ++i) {
    const std::string path = join_path("exclude", i);
    if (!spec.excludes[i].is_object() || spec.excludes[i].empty())
      throw ConfigError(spec.file, path,
                        "expected an object {\"<axis path>\": value, \"variant\": ..., \"seed\": ...}");
    for (const auto& item : spec.excludes[i].items())
      if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
        const std::string hint = did_you_mean(item.key(), known);
        throw ConfigError(
            spec.file, join_path(path, item.key()),
            "not an axis, \"variant\" or \"seed\"" + (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
      }
  }
}

void check_plots(const SweepSpec& spec) {
  const std::vector<std::string> columns = spec.axis_columns();
  for (std::size_t i = 0; i < spec.plots.size(); ++i) {
    if (std::find(columns.begin(), columns.end(), spec.plots[i].x) == columns.end())
      throw ConfigError(spec.file, join_path(join_path("plots", i), "x"),
                        "\"" + spec.plots[i].x + "\" is not one of the sweep's axis paths");
    if (std::find(spec.metrics.begin(), spec.metrics.end(), spec.plots[i].metric) == spec.metrics.end())
      throw ConfigError(spec.file, join_path(join_path("plots", i), "metric"),
                        "\"" + spec.plots[i].metric + "\" is not one of the sweep's metrics (add it to \"metrics\")");
  }
}

}  // namespace

std::vector<std::string> SweepSpec::axis_columns() const {
  std::vector<std::string> columns;
  for (const auto& axis : axes) columns.insert(columns.end(), axis.paths.begin(), axis.paths.end());
  return columns;
}

const std::vector<std::string>& default_sweep_metrics() {
  static const std::vector<std::string> metrics = {
      "write_phase_s",         "app_write_rate_Bps", "write_latency_us/p50",  "write_latency_us/p99",
      "write_latency_us/p999", "device_write_bytes", "device_write_requests", "page_cache_peak_bytes",
      "dirty_peak_bytes",      "cpu_busy_total_s"};
  return metrics;
}

SweepSpec load_sweep_file(const std::string& path) {
  const Json root = read_json_file(path);
  SweepSpec spec;
  spec.file = path;
  FieldReader reader(root, "", path);
  reader.require("name");
  reader.text("name", spec.name);
  if (const char* problem = path_name_problem(spec.name)) reader.fail("name", problem);
  reader.text("description", spec.description);
  reader.require("scenario");
  std::string scenario;
  reader.text("scenario", scenario);
  // Relative to the sweep file, so a sweep and its scenario move together.
  const std::filesystem::path scenario_path(scenario);
  spec.scenario_path = scenario_path.is_absolute()
                           ? scenario
                           : (std::filesystem::path(path).parent_path() / scenario_path).lexically_normal().string();
  if (const Json* set = reader.child("set")) {
    if (!set->is_object()) reader.fail("set", "expected an object of \"path\": value overrides");
    spec.set = *set;
  }
  if (const Json* axes = reader.child("axes")) {
    const Json& list = list_at(*axes, path, "axes", "axes");
    for (std::size_t i = 0; i < list.size(); ++i) spec.axes.push_back(read_axis(list[i], path, join_path("axes", i)));
  }
  std::set<std::string> seen;
  const std::vector<std::string> columns = spec.axis_columns();
  for (const auto& column : columns)
    if (!seen.insert(column).second) reader.fail("axes", "path \"" + column + "\" is on two axes");
  if (const Json* variants = reader.child("variants"))
    read_strings(*variants, path, "variants", "variant names", spec.variants);
  if (const Json* seeds = reader.child("seeds")) read_seeds(*seeds, path, spec);
  if (const Json* excludes = reader.child("exclude")) {
    const Json& list = list_at(*excludes, path, "exclude", "combinations to leave out");
    spec.excludes.assign(list.begin(), list.end());
  }
  if (const Json* metrics = reader.child("metrics"))
    read_strings(*metrics, path, "metrics", "summary.json paths such as \"write_latency_us/p999\"", spec.metrics);
  else
    spec.metrics = default_sweep_metrics();
  if (const Json* plots = reader.child("plots")) {
    const Json& list = list_at(*plots, path, "plots", "{\"metric\": ..., \"x\": ...}");
    for (std::size_t i = 0; i < list.size(); ++i) {
      FieldReader plot(list[i], join_path("plots", i), path);
      SweepPlot item;
      plot.require("metric");
      plot.text("metric", item.metric);
      plot.require("x");
      plot.text("x", item.x);
      plot.finish();
      spec.plots.push_back(item);
    }
  } else if (!columns.empty()) {
    // By default the latency tail and the throughput against the first axis.
    for (const char* metric : {"write_latency_us/p999", "app_write_rate_Bps"})
      if (std::find(spec.metrics.begin(), spec.metrics.end(), metric) != spec.metrics.end())
        spec.plots.push_back({metric, columns.front()});
  }
  reader.finish();
  check_excludes(spec);
  check_plots(spec);
  return spec;
}

}  // namespace foliosim
