#include "sim/sweep_command.hpp"

#include <iostream>
#include <memory>
#include <thread>

#include "sim/engine/interruption.hpp"
#include "sim/input/config_error.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/sweep/local_points.hpp"
#include "sim/sweep/sweep_aggregate.hpp"
#include "sim/sweep/sweep_progress.hpp"

namespace foliosim {
namespace {

constexpr int kExitIncomplete = 3;
constexpr int kExitSignalBase = 128;
constexpr std::size_t kDryRunShown = 10;

std::vector<std::size_t> pending_points(const SweepDirectory& dir, const SweepPlan& plan) {
  std::vector<std::size_t> pending;
  for (std::size_t i = 0; i < plan.points.size(); ++i)
    if (!dir.done(plan.points[i].id)) pending.push_back(i);
  return pending;
}

int dry_run(const SweepDirectory& dir, const SweepPlan& plan) {
  const std::size_t pending = pending_points(dir, plan).size();
  std::cout << plan.name << ": " << plan.points.size() << " points, " << plan.points.size() - pending
            << " already done in " << dir.root().string() << ", " << pending << " to run\n";
  for (std::size_t i = 0; i < std::min(plan.points.size(), kDryRunShown); ++i)
    std::cout << "  " << plan.points[i].id << "  " << describe_point(plan.columns, plan.points[i])
              << (dir.done(plan.points[i].id) ? "  (done)" : "") << "\n";
  if (plan.points.size() > kDryRunShown) std::cout << "  ... and " << plan.points.size() - kDryRunShown << " more\n";
  return 0;
}

// Aggregates and says where; the exit code says whether all points are done.
int aggregate_and_tell(const SweepDirectory& dir, const SweepPlan& plan) {
  const SweepAggregate agg = aggregate_sweep(dir, plan);
  for (std::size_t i : agg.failed) {
    const SweepPoint& point = plan.points[i];
    std::cerr << "foliosim: failed: point " << point.id << " (" << describe_point(plan.columns, point)
              << "): its output " << dir.log(point.id).string();
    const auto task_log = slurm_task_log(dir, point.id);
    if (!task_log.empty()) std::cerr << ", its array task's log " << task_log.string();
    std::cerr << "\n";
  }
  const std::string root = dir.root().string();
  std::cout << "sweep: " << agg.done << " of " << plan.points.size() << " points done";
  if (!agg.failed.empty()) std::cout << ", " << agg.failed.size() << " failed";
  if (!agg.missing.empty()) std::cout << ", " << agg.missing.size() << " not run";
  std::cout << "\ntable:  " << root << "/sweep.csv\nreport: " << root << "/report.md\n";
  tell_plot_problems(agg.plots, root);
  if (agg.done == plan.points.size()) return 0;
  std::cout << "run the same command again (or `foliosim sweep --resume " << root << "`) to run the points not done\n";
  return kExitIncomplete;
}

int run_plan(const SweepDirectory& dir, const SweepPlan& plan, const SweepOptions& options) {
  const std::vector<std::size_t> pending = pending_points(dir, plan);
  const std::string exe = own_executable();
  if (options.slurm) {
    const auto active = active_slurm_jobs(dir);
    if (!active.empty())
      throw OutputError(dir.root().string() + ": Slurm job " + active.front() +
                        " of this sweep is still queued or running: `foliosim sweep --collect " + dir.root().string() +
                        "` once it is done (or scancel it), then resume");
    if (pending.empty()) return aggregate_and_tell(dir, plan);
    const SlurmSubmission sub = submit_to_slurm(dir, plan, pending, options.slurm_options, exe);
    std::cout << "submitted Slurm job " << sub.job_id << ": " << sub.points << " points in " << sub.tasks
              << " array task" << (sub.tasks == 1 ? "" : "s") << " of " << sub.chunk << " (" << sub.folder.string()
              << ")\n";
    if (!options.wait) {
      std::cout << "`foliosim sweep --collect " << dir.root().string() << "` aggregates once it is done\n";
      return 0;
    }
    wait_for_slurm_jobs(dir, plan);
    return aggregate_and_tell(dir, plan);
  }
  const unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  run_points_locally(dir, plan, pending, jobs, exe);
  return aggregate_and_tell(dir, plan);
}

}  // namespace

int sweep_command(const SweepOptions& options) {
  const std::string& existing = options.collect_dir.empty() ? options.resume_dir : options.collect_dir;
  const bool from_file = existing.empty();
  std::unique_ptr<SweepDirectory> dir;
  SweepPlan plan;
  if (from_file) {
    const SweepSpec spec = load_sweep_file(options.sweep_file);
    const std::vector<SweepPoint> points = expand_sweep(spec);  // every point validated before anything runs
    dir = std::make_unique<SweepDirectory>(options.output_dir.empty() ? "results/" + spec.name : options.output_dir,
                                           false);
    plan = plan_of(spec, points);
    if (options.dry_run) return dry_run(*dir, plan);
    dir->write_plan(plan, points);
  } else {
    dir = std::make_unique<SweepDirectory>(existing, true);
    plan = dir->read_plan();
    if (options.dry_run) return dry_run(*dir, plan);
  }
  try {
    if (!options.collect_dir.empty()) {
      for (const auto& job : active_slurm_jobs(*dir))
        std::cout << "Slurm job " << job << " is still queued or running: aggregating the points done so far\n";
      return aggregate_and_tell(*dir, plan);
    }
    return run_plan(*dir, plan, options);
  } catch (const Interrupted& e) {
    std::size_t done = 0;
    for (const auto& point : plan.points) done += dir->done(point.id) ? 1 : 0;
    std::cerr << "\nfoliosim: " << e.what() << ": stopped with " << done << " of " << plan.points.size()
              << " points done (each in " << dir->root().string() << "/points/); ";
    if (options.slurm)
      std::cerr << "the Slurm job goes on: `foliosim sweep --collect " << dir->root().string()
                << "` aggregates once it is done\n";
    else
      std::cerr << "run the same command again to run the rest\n";
    return kExitSignalBase + e.signal_number();
  }
}

}  // namespace foliosim
