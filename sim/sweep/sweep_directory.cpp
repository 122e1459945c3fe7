#include "sim/sweep/sweep_directory.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/version.hpp"

namespace foliosim {
namespace fs = std::filesystem;

SweepPlan plan_of(const SweepSpec& spec, const std::vector<SweepPoint>& points) {
  SweepPlan plan{spec.name,           spec.description, spec.file,  spec.scenario_path,
                 spec.axis_columns(), spec.metrics,     spec.plots, points};
  for (auto& point : plan.points) point.scenario = Json();
  return plan;
}

Json plan_json(const SweepPlan& plan, const Json& point_results) {
  Json out;
  out["sweep"] = plan.name;
  if (!plan.description.empty()) out["description"] = plan.description;
  out["foliosim_version"] = kVersion;
  out["sweep_file"] = plan.sweep_file;
  out["scenario_file"] = plan.scenario_file;
  out["axes"] = plan.columns;
  out["metrics"] = plan.metrics;
  out["plots"] = Json::array();
  for (const auto& plot : plan.plots) out["plots"].push_back({{"metric", plot.metric}, {"x", plot.x}});
  out["points"] = Json::array();
  for (std::size_t i = 0; i < plan.points.size(); ++i) {
    const SweepPoint& point = plan.points[i];
    Json entry = {{"id", point.id}};
    entry["axes"] = Json::object();
    for (std::size_t c = 0; c < plan.columns.size(); ++c) entry["axes"][plan.columns[c]] = point.axis_values[c];
    entry["variant"] = point.variant;
    entry["seed"] = point.seed;
    if (!point_results.is_null()) entry.update(point_results[i]);
    out["points"].push_back(entry);
  }
  return out;
}

SweepDirectory::SweepDirectory(fs::path root, bool must_exist) : root_(std::move(root)) {
  std::error_code error;
  const fs::file_status status = fs::symlink_status(root_, error);
  const std::string where = root_.string();
  if (!fs::exists(status)) {
    if (must_exist) throw OutputError(where + ": no such sweep directory");
    return;
  }
  if (!fs::is_directory(status)) throw OutputError(where + ": exists and is not a directory: refusing to use it");
  if (!fs::is_regular_file(root_ / kSweepMarker, error))
    throw OutputError(where + ": exists and is not a foliosim sweep directory (no " + kSweepMarker +
                      "): refusing to write there; name another directory with -o");
}

bool SweepDirectory::done(const std::string& id) const {
  std::error_code ignored;
  return fs::is_regular_file(point(id) / "summary.json", ignored);
}

void SweepDirectory::write_file(const std::string& relative, const std::string& text) const {
  const fs::path target = root_ / relative;
  fs::path temp = target;
  temp += ".tmp-" + std::to_string(getpid());
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      fs::remove(temp, error);
      throw OutputError(target.string() + ": cannot write: " + std::strerror(errno));
    }
  }
  fs::rename(temp, target, error);
  if (error) {
    fs::remove(temp, error);
    throw OutputError(target.string() + ": cannot write: " + error.message());
  }
}

void SweepDirectory::write_plan(const SweepPlan& plan, const std::vector<SweepPoint>& points) {
  std::error_code error;
  fs::create_directories(root_, error);
  if (error) throw OutputError(root_.string() + ": cannot create: " + error.message());
  if (access(root_.c_str(), W_OK | X_OK) != 0)
    throw OutputError(root_.string() + ": cannot write there: " + std::strerror(errno));
  write_file(kSweepMarker, "foliosim sweep directory: `foliosim sweep --collect` reads it\n");
  for (const auto& point : points)
    if (!fs::exists(input(point.id), error)) write_file("inputs/" + point.id + ".json", point.scenario.dump(2) + "\n");
  write_file("sweep.json", plan_json(plan).dump(2) + "\n");
}

SweepPlan SweepDirectory::read_plan() const {
  const std::string file = (root_ / "sweep.json").string();
  Json root;
  try {
    root = read_json_file(file);
  } catch (const ConfigError& e) {
    throw OutputError(std::string(e.what()) + ": is " + root_.string() + " a sweep directory?");
  }
  SweepPlan plan;
  try {
    plan.name = root.at("sweep").get<std::string>();
    plan.description = root.value("description", "");
    plan.sweep_file = root.at("sweep_file").get<std::string>();
    plan.scenario_file = root.at("scenario_file").get<std::string>();
    plan.columns = root.at("axes").get<std::vector<std::string>>();
    plan.metrics = root.at("metrics").get<std::vector<std::string>>();
    for (const auto& plot : root.at("plots"))
      plan.plots.push_back({plot.at("metric").get<std::string>(), plot.at("x").get<std::string>()});
    for (const auto& entry : root.at("points")) {
      SweepPoint point;
      point.id = entry.at("id").get<std::string>();
      for (const auto& column : plan.columns) point.axis_values.push_back(entry.at("axes").at(column));
      point.variant = entry.at("variant").get<std::string>();
      point.seed = entry.at("seed").get<std::uint64_t>();
      plan.points.push_back(std::move(point));
    }
  } catch (const Json::exception& e) {
    throw OutputError(file + ": not a sweep.json foliosim wrote: " + e.what());
  }
  return plan;
}

}  // namespace foliosim
