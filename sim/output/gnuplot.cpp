#include "sim/output/gnuplot.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace foliosim {

namespace fs = std::filesystem;

std::string find_gnuplot() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) dir = ".";
    const fs::path candidate = fs::path(dir) / "gnuplot";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

namespace {

// Runs `gnuplot script` inside `dir`; returns "" on success, else what
// gnuplot said.
std::string run_script(const std::string& gnuplot, const fs::path& dir, const std::string& script) {
  int err[2];
  if (pipe(err) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid < 0) {
    close(err[0]);
    close(err[1]);
    return "fork failed";
  }
  if (pid == 0) {
    close(err[0]);
    dup2(err[1], STDERR_FILENO);
    const int null = open("/dev/null", O_RDWR);
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    if (chdir(dir.c_str()) != 0) _exit(126);
    execl(gnuplot.c_str(), "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(err[1]);
  std::string message;
  char buffer[4096];
  ssize_t n;
  while ((n = read(err[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) message.append(buffer, static_cast<std::size_t>(n));
  close(err[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
  if (message.empty()) message = "gnuplot exited with wait status " + std::to_string(status);
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

DrawOutcome draw_plots(const fs::path& plots_dir) {
  DrawOutcome outcome;
  const std::string gnuplot = find_gnuplot();
  outcome.gnuplot_found = !gnuplot.empty();
  if (!outcome.gnuplot_found) return outcome;
  std::vector<std::string> scripts;
  for (const auto& entry : fs::directory_iterator(plots_dir))
    if (entry.path().extension() == ".gp") scripts.push_back(entry.path().filename().string());
  std::sort(scripts.begin(), scripts.end());
  for (const auto& script : scripts) {
    const std::string message = run_script(gnuplot, plots_dir, script);
    if (message.empty())
      outcome.drawn.push_back(script);
    else
      outcome.failures.push_back(script + ": " + message);
  }
  return outcome;
}

std::string gnuplot_missing_hint(const std::string& results_dir) {
  return "gnuplot is not installed, so the plots were not drawn (their scripts and CSVs are in " + results_dir +
         "/plots). Install it (Debian: sudo apt-get install gnuplot-nox) and draw them with: foliosim plot " +
         results_dir;
}

}  // namespace foliosim
