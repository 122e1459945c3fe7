// Running a sweep's points as a Slurm job array: an sbatch script whose array
// task k runs points k*M .. k*M+M-1 of the submission's list (M points a task,
// so a huge sweep does not flood the scheduler), each one `foliosim run` into
// the sweep directory, which must be on a filesystem every node sees (as must
// the foliosim binary: the script names both by absolute path). Each
// submission keeps its script, list, job id and task logs in slurm/<n>/.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "sim/sweep/sweep_directory.hpp"

namespace foliosim {

struct SlurmOptions {
  std::string partition;      // "" : the cluster's default
  std::string time;           // a task's time limit in Slurm's syntax ("30", "1:00:00"); "" : the partition's
  unsigned max_parallel = 0;  // tasks at once (--array=0-N%K); 0: as many as Slurm runs
  unsigned array_chunk = 0;   // points a task; 0: enough that the array has at most 1000 tasks
};

struct SlurmSubmission {
  std::string job_id;
  std::filesystem::path folder;  // slurm/<n>/
  std::size_t points = 0, tasks = 0, chunk = 0;
};

// Writes slurm/<n>/ for the `pending` points (indexes into plan.points) and
// submits it with sbatch; throws OutputError when sbatch is missing or refuses.
SlurmSubmission submit_to_slurm(const SweepDirectory& dir, const SweepPlan& plan,
                                const std::vector<std::size_t>& pending, const SlurmOptions& options,
                                const std::string& foliosim_exe);

// Job ids of the directory's submissions that are still queued or running.
std::vector<std::string> active_slurm_jobs(const SweepDirectory& dir);

// Waits until none of the directory's jobs is queued or running, showing the
// points done meanwhile; SIGINT stops the wait (Interrupted), not the jobs.
void wait_for_slurm_jobs(const SweepDirectory& dir, const SweepPlan& plan);

// For point `id`: the log of the array task of the latest submission that ran
// it, or "" when no submission held it.
std::filesystem::path slurm_task_log(const SweepDirectory& dir, const std::string& id);

}  // namespace foliosim
