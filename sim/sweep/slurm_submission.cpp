#include "sim/sweep/slurm_submission.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim/engine/host_tools.hpp"
#include "sim/engine/interruption.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/sweep/sweep_progress.hpp"

namespace foliosim {
namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// slurm/1, slurm/2, ...: every folder a submission made (`submitted` only
// those sbatch took, which hold their job id).
std::vector<fs::path> submissions(const SweepDirectory& dir, bool submitted = true) {
  std::vector<fs::path> out;
  for (std::size_t n = 1; fs::is_directory(dir.root() / "slurm" / std::to_string(n)); ++n)
    if (!submitted || fs::is_regular_file(dir.root() / "slurm" / std::to_string(n) / "job_id"))
      out.push_back(dir.root() / "slurm" / std::to_string(n));
  return out;
}

std::string sbatch_script(const SweepDirectory& dir, const SweepPlan& plan, const fs::path& folder, std::size_t tasks,
                          std::size_t chunk, const SlurmOptions& options, const std::string& exe) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "# foliosim sweep " << plan.name << ": " << tasks << " array tasks of at most " << chunk
    << " points each, from points.txt beside this script.\n"
    << "# Each point is `foliosim run inputs/<id>.json -o points/<id>` in the sweep directory, which must be\n"
    << "# on a filesystem every node sees; a point already done is skipped, so a task can be rerun.\n"
    << "#SBATCH --job-name=foliosim-" << plan.name << "\n"
    << "#SBATCH --array=0-" << tasks - 1 << (options.max_parallel ? "%" + std::to_string(options.max_parallel) : "")
    << "\n#SBATCH --output=" << folder.string() << "/%A_%a.log\n"
    << "#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n";
  if (!options.partition.empty()) s << "#SBATCH --partition=" << options.partition << "\n";
  if (!options.time.empty()) s << "#SBATCH --time=" << options.time << "\n";
  s << "set -u\n"
    << "foliosim='" << exe << "'\n"
    << "dir='" << dir.root().string() << "'\n"
    << "first=$(( SLURM_ARRAY_TASK_ID * " << chunk << " + 1 ))\n"
    << "last=$(( first + " << chunk - 1 << " ))\n"
    << "status=0\n"
    << "mkdir -p \"$dir/logs\" \"$dir/points\"\n"
    << "for id in $(sed -n \"${first},${last}p\" '" << (folder / "points.txt").string() << "'); do\n"
    << "  [ -e \"$dir/points/$id/summary.json\" ] && continue\n"
    << "  if \"$foliosim\" run \"$dir/inputs/$id.json\" -o \"$dir/points/$id\" >\"$dir/logs/$id.log\" 2>&1; then\n"
    << "    rm -f \"$dir/logs/$id.log\"\n"
    << "    echo \"point $id: done\"\n"
    << "  else\n"
    << "    echo \"point $id: failed (exit $?): $dir/logs/$id.log\"\n"
    << "    status=1\n"
    << "  fi\n"
    << "done\n"
    << "exit $status\n";
  return s.str();
}

}  // namespace

SlurmSubmission submit_to_slurm(const SweepDirectory& dir, const SweepPlan& plan,
                                const std::vector<std::size_t>& pending, const SlurmOptions& options,
                                const std::string& foliosim_exe) {
  // #SBATCH lines and the script's quoting carry no spaces or quotes.
  for (const std::string& path : {fs::absolute(dir.root()).string(), foliosim_exe})
    if (path.find_first_of(" \t\n'\"") != std::string::npos)
      throw OutputError(path + ": holds a space or a quote, which an sbatch script cannot carry: use another path");
  const SweepDirectory absolute(fs::absolute(dir.root()).lexically_normal(), true);
  SlurmSubmission sub;
  sub.points = pending.size();
  sub.chunk = options.array_chunk ? options.array_chunk : (pending.size() + 999) / 1000;
  sub.tasks = (pending.size() + sub.chunk - 1) / sub.chunk;
  const std::size_t n = submissions(dir, false).size() + 1;
  sub.folder = absolute.root() / "slurm" / std::to_string(n);
  const std::string relative = "slurm/" + std::to_string(n) + "/";
  std::string list;
  for (std::size_t index : pending) list += plan.points[index].id + "\n";
  dir.write_file(relative + "points.txt", list);
  dir.write_file(relative + "chunk", std::to_string(sub.chunk) + "\n");
  dir.write_file(relative + "sweep.sbatch",
                 sbatch_script(absolute, plan, sub.folder, sub.tasks, sub.chunk, options, foliosim_exe));
  if (!tool_exists("sbatch"))
    throw OutputError(
        "sbatch not found: is Slurm's client installed here? (scripts/slurm-local.sh start "
        "starts a one-node cluster on this machine)");
  const ToolResult result = run_tool({"sbatch", "--parsable", (sub.folder / "sweep.sbatch").string()});
  // --parsable prints "jobid" or "jobid;cluster".
  sub.job_id = trimmed(result.output.substr(0, result.output.find(';')));
  if (result.exit_code != 0 || sub.job_id.empty() || sub.job_id.find_first_not_of("0123456789") != std::string::npos) {
    std::error_code ignored;
    fs::remove_all(sub.folder, ignored);
    throw OutputError("sbatch refused the sweep (exit " + std::to_string(result.exit_code) +
                      "): " + trimmed(result.output));
  }
  dir.write_file(relative + "job_id", sub.job_id + "\n");
  return sub;
}

std::vector<std::string> active_slurm_jobs(const SweepDirectory& dir) {
  std::vector<std::string> active;
  for (const fs::path& folder : submissions(dir)) {
    const std::string id = trimmed(read_text(folder / "job_id"));
    // squeue lists a job (and its array tasks) while queued or running; a
    // finished one is gone, or unknown ("Invalid job id") once purged.
    if (!tool_exists("squeue")) throw OutputError("squeue not found: is Slurm's client installed here?");
    const ToolResult result = run_tool({"squeue", "-h", "-j", id, "-o", "%i"});
    if (result.exit_code == 0 && !trimmed(result.output).empty()) active.push_back(id);
  }
  return active;
}

void wait_for_slurm_jobs(const SweepDirectory& dir, const SweepPlan& plan) {
  std::size_t done_before = 0;
  for (const auto& point : plan.points) done_before += dir.done(point.id) ? 1 : 0;
  SweepProgress progress(plan.points.size(), done_before);
  std::size_t done = done_before;
  while (!active_slurm_jobs(dir).empty()) {
    progress.draw(done - done_before, 0, 0);
    for (int i = 0; i < 20; ++i) {
      throw_if_interrupted();
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    done = 0;
    for (const auto& point : plan.points) done += dir.done(point.id) ? 1 : 0;
  }
  progress.finish(done - done_before, 0);
}

fs::path slurm_task_log(const SweepDirectory& dir, const std::string& id) {
  fs::path log;
  for (const fs::path& folder : submissions(dir)) {
    std::istringstream list(read_text(folder / "points.txt"));
    std::string line;
    std::size_t index = 0;
    bool found = false;
    for (; std::getline(list, line); ++index)
      if (line == id) {
        found = true;
        break;
      }
    if (!found) continue;
    const std::size_t chunk = std::max<std::size_t>(1, std::strtoull(read_text(folder / "chunk").c_str(), nullptr, 10));
    log = folder / (trimmed(read_text(folder / "job_id")) + "_" + std::to_string(index / chunk) + ".log");
  }
  return log;
}

}  // namespace foliosim
