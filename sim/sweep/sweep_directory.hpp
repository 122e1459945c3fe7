// A sweep's directory, which runs (local or Slurm) fill point by point and
// which can be resumed or collected from alone, on any host that sees it:
//
//   .foliosim-sweep        marks it as a sweep directory foliosim may write to
//   sweep.json             the sweep (axes, variants, seeds, metrics, plots) and its points
//   inputs/<id>.json       each point's resolved scenario, what `foliosim run` reads
//   points/<id>/           each point's results, renamed into place when complete
//   logs/<id>.log          what a failed point printed (removed when it succeeds)
//   slurm/<n>/             each Slurm submission: sweep.sbatch, points.txt, job_id, task logs
//   sweep.csv, report.md, plots/   the aggregate
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/sweep/sweep_points.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace foliosim {

inline constexpr const char* kSweepMarker = ".foliosim-sweep";

// What sweep.json keeps of a sweep: enough to run, resume and aggregate it
// without the sweep file or its scenario.
struct SweepPlan {
  std::string name, description, sweep_file, scenario_file;
  std::vector<std::string> columns;  // axis paths
  std::vector<std::string> metrics;
  std::vector<SweepPlot> plots;
  std::vector<SweepPoint> points;  // without their scenarios (those are in inputs/)
};

SweepPlan plan_of(const SweepSpec& spec, const std::vector<SweepPoint>& points);

class SweepDirectory {
 public:
  // Opens `root`; refuses (OutputError) a path that exists and is not a sweep
  // directory, and with `must_exist` one that does not exist.
  SweepDirectory(std::filesystem::path root, bool must_exist);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path input(const std::string& id) const { return root_ / "inputs" / (id + ".json"); }
  std::filesystem::path point(const std::string& id) const { return root_ / "points" / id; }
  std::filesystem::path log(const std::string& id) const { return root_ / "logs" / (id + ".log"); }
  // A point is done when its results directory is in place.
  bool done(const std::string& id) const;

  // Creates the directory (with its marker) and writes sweep.json and every
  // point's input that is not there yet.
  void write_plan(const SweepPlan& plan, const std::vector<SweepPoint>& points);
  // sweep.json as written by write_plan (OutputError when missing or unreadable).
  SweepPlan read_plan() const;

  // Writes `relative` whole or not at all: a temporary file renamed into place.
  void write_file(const std::string& relative, const std::string& text) const;

 private:
  std::filesystem::path root_;
};

// sweep.json's content for `plan`; `point_results`, when given, holds per
// point (in order) its "status" and "metrics", which the aggregate adds.
Json plan_json(const SweepPlan& plan, const Json& point_results = Json());

}  // namespace foliosim
