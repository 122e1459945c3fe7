// Running the foliosim binary from tests: its exit code and what it printed,
// in a scratch directory of the test's own.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace foliosim::test {

// Runs `foliosim args` with stdout and stderr to `log`, or stderr alone to
// `err_log` when given; `env` ("PATH=/x") goes before the command.
inline int run_foliosim(const std::string& args, const std::filesystem::path& log,
                        const std::filesystem::path& err_log = {}, const std::string& env = "") {
  std::string command = env + (env.empty() ? "" : " ") + FOLIOSIM_BINARY + " " + args + " >" + log.string() +
                        (err_log.empty() ? " 2>&1" : " 2>" + err_log.string());
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An empty directory under the system's temporary one, named for the test.
inline std::filesystem::path scratch(const std::string& name) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("foliosim-test-" + name + "-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace foliosim::test
