#include "sim/record/runner_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include "sim/engine/interruption.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace foliosim::record {

std::string runner_path(const std::string& foliosim_binary) {
  if (const char* set = std::getenv("FOLIOSIM_RUNNER")) return set;
  return (std::filesystem::path(foliosim_binary).parent_path() / "foliosim-runner").string();
}

Json run_runner(const std::string& runner, const Json& spec, const std::string& work_dir,
                const std::string& cgroup_procs) {
  if (access(runner.c_str(), X_OK) != 0)
    throw std::runtime_error(runner + ": the workload runner is missing (it is built with foliosim)");
  const std::string spec_path = work_dir + "/spec.json", result_path = work_dir + "/result.json",
                    errors_path = work_dir + "/runner-stderr.txt";
  {
    std::ofstream out(spec_path);
    out << spec.dump(2);
    if (!out) throw std::runtime_error(spec_path + ": cannot write");
  }
  std::filesystem::remove(result_path);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    restore_default_signal_actions();
    if (!cgroup_procs.empty()) {
      std::ofstream join(cgroup_procs);
      join << getpid() << "\n";  // only the runner is limited, from its first allocation
      join.close();
      if (!join) _exit(125);
    }
    const int errors = open(errors_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (errors >= 0) dup2(errors, 2);
    execl(runner.c_str(), runner.c_str(), spec_path.c_str(), result_path.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("waitpid failed");
    if (interruption_signal() != 0) {
      kill(pid, SIGKILL);
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      throw_if_interrupted();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::string errors;
  try {
    errors = read_text_file(errors_path);
  } catch (const std::runtime_error&) {
  }
  while (!errors.empty() && errors.back() == '\n') errors.pop_back();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (code == 2) throw Refused(errors);
  if (code == 125) throw std::runtime_error(cgroup_procs + ": the runner could not join its memory cgroup");
  if (code != 0)
    throw std::runtime_error("the workload runner failed (" +
                             (code < 0 ? std::string("killed by a signal") : "exit " + std::to_string(code)) +
                             "): " + errors);
  Json result = Json::parse(read_text_file(result_path), nullptr, false);
  if (result.is_discarded()) throw std::runtime_error(result_path + ": the runner's result is not JSON");
  return result;
}

}  // namespace foliosim::record
