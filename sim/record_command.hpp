// `foliosim record`: the scenario's workload, variant by variant, on the real
// kernel (as root), each variant repeated on a fresh target; summary.json
// gives every figure the simulator also gives, as its median, min, max and
// per-repetition values (README.md, "Recording on the real kernel").
#pragma once

#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

struct RecordOptions {
  std::string output_dir;  // "" -> results/<scenario name>-recorded
  std::string only_variant;
  std::vector<std::string> overrides;  // path=value
  bool force = false;
  int repetitions = 5;
  std::string target;   // "", "loop", /dev/X or a folder
  bool format = false;  // mkfs the named device
  std::string foliosim_binary;  // where foliosim-runner is looked for
};

struct RecordOutcome {
  std::string output_dir;
  Json summary;
};

// Throws ConfigError for bad input, OutputError for the output location,
// record::Refused when it cannot or must not record (not root, a missing
// kernel feature, a target too small, a model choice no kernel has),
// Interrupted on SIGINT/SIGTERM, std::runtime_error when the host fails it.
// Whatever it made is gone when it returns or throws.
RecordOutcome record_scenario_file(const std::string& scenario_path, const RecordOptions& options);

}  // namespace foliosim
