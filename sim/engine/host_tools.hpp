// Runs the host's tools (losetup, mkfs and mount for `foliosim record`;
// sbatch and squeue for sweeps): argv directly (no shell), output captured
// for the error message.
#pragma once

#include <string>
#include <vector>

namespace foliosim {

struct ToolResult {
  int exit_code = -1;  // -1: did not start or was killed
  std::string output;  // stdout and stderr together
};

ToolResult run_tool(const std::vector<std::string>& argv);

// Runs it and throws std::runtime_error, with the command and its output, if it fails.
std::string run_tool_or_throw(const std::vector<std::string>& argv);

// Whether `name` is an executable on PATH (or in /sbin, /usr/sbin, where mkfs lives).
bool tool_exists(const std::string& name);

}  // namespace foliosim
