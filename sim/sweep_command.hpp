// `foliosim sweep`: a sweep file expanded into points, run here (-j N
// processes) or as a Slurm job array, resumed, and aggregated into
// sweep.csv, sweep.json, plots and report.md (sim/sweep/).
#pragma once

#include <string>

#include "sim/sweep/slurm_submission.hpp"

namespace foliosim {

struct SweepOptions {
  std::string sweep_file;   // SWEEP.json ("" with --collect or --resume)
  std::string output_dir;   // "" -> results/<sweep name>
  std::string collect_dir;  // --collect DIR
  std::string resume_dir;   // --resume DIR
  unsigned jobs = 0;        // -j; 0: the CPU count
  bool dry_run = false;
  bool slurm = false;
  bool wait = false;
  SlurmOptions slurm_options;
};

// Exit code: 0 when every point is done and aggregated, 3 when some failed
// or are not done (the aggregate then holds the others), 128 + the signal
// when interrupted. Throws ConfigError and OutputError for bad input and an
// unusable directory, before anything runs.
int sweep_command(const SweepOptions& options);

}  // namespace foliosim
