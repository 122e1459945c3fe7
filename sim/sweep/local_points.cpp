#include "sim/sweep/local_points.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include "sim/engine/interruption.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/sweep/sweep_progress.hpp"

namespace foliosim {
namespace fs = std::filesystem;

namespace {

// `foliosim run INPUT -o POINT` with its output to the point's log; it dies
// with the sweep (SIGTERM: it removes its temporary directory first).
pid_t start_point(const SweepDirectory& dir, const std::string& id, const std::string& exe) {
  std::error_code ignored;
  fs::create_directories(dir.log(id).parent_path(), ignored);
  fs::create_directories(dir.point(id).parent_path(), ignored);
  const std::string input = dir.input(id).string(), output = dir.point(id).string(), log = dir.log(id).string();
  const pid_t pid = fork();
  if (pid < 0) throw OutputError(std::string("cannot start a point's run: fork: ") + std::strerror(errno));
  if (pid == 0) {
    restore_default_signal_actions();
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() == 1) _exit(143);  // the sweep died before prctl took effect
    const int null_in = open("/dev/null", O_RDONLY);
    const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (null_in < 0 || out < 0) _exit(2);
    dup2(null_in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(out, STDERR_FILENO);
    execl(exe.c_str(), exe.c_str(), "run", input.c_str(), "-o", output.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The last non-empty line a failed point printed: usually foliosim's error.
std::string last_line(const fs::path& log) {
  std::ifstream in(log);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  return last;
}

std::string exit_text(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

}  // namespace

std::string own_executable() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) throw OutputError("cannot find foliosim's own executable (/proc/self/exe): " + error.message());
  return exe.string();
}

LocalRunOutcome run_points_locally(const SweepDirectory& dir, const SweepPlan& plan,
                                   const std::vector<std::size_t>& pending, unsigned jobs,
                                   const std::string& foliosim_exe) {
  LocalRunOutcome outcome;
  SweepProgress progress(plan.points.size(), plan.points.size() - pending.size());
  std::map<pid_t, std::size_t> running;  // pid -> index in plan.points
  std::size_t next = 0;
  auto stop_running = [&] {
    for (const auto& [pid, index] : running) kill(pid, SIGTERM);
    for (const auto& [pid, index] : running) waitpid(pid, nullptr, 0);
    running.clear();
  };
  try {
    while (next < pending.size() || !running.empty()) {
      throw_if_interrupted();
      while (next < pending.size() && running.size() < std::max(jobs, 1u)) {
        const std::size_t index = pending[next++];
        running[start_point(dir, plan.points[index].id, foliosim_exe)] = index;
      }
      progress.draw(outcome.ran, outcome.failed.size(), running.size());
      int status = 0;
      const pid_t pid = waitpid(-1, &status, WNOHANG);
      if (pid <= 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        continue;
      }
      const auto it = running.find(pid);
      if (it == running.end()) continue;  // not one of ours (a gnuplot of an earlier step)
      const SweepPoint& point = plan.points[it->second];
      running.erase(it);
      std::error_code ignored;
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && dir.done(point.id)) {
        fs::remove(dir.log(point.id), ignored);
        ++outcome.ran;
        continue;
      }
      if (interruption_signal() != 0) continue;  // stopped by the same signal: not a failure
      outcome.failed.push_back(point.id);
      progress.interject("foliosim: point " + point.id + " (" + describe_point(plan.columns, point) + ") failed (" +
                         exit_text(status) + "): " + last_line(dir.log(point.id)) +
                         "\n  its output: " + dir.log(point.id).string());
    }
  } catch (...) {
    stop_running();
    progress.finish(outcome.ran, outcome.failed.size());
    throw;
  }
  progress.finish(outcome.ran, outcome.failed.size());
  return outcome;
}

}  // namespace foliosim
