#include "sim/engine/host_tools.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace foliosim {

namespace {

// PATH and the sbin folders, which a root shell has but a test runner may not.
std::vector<std::string> search_path() {
  std::vector<std::string> folders;
  const char* path = std::getenv("PATH");
  std::stringstream in(path ? path : "");
  std::string folder;
  while (std::getline(in, folder, ':'))
    if (!folder.empty()) folders.push_back(folder);
  for (const char* extra : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"}) folders.push_back(extra);
  return folders;
}

std::string resolve(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  for (const auto& folder : search_path()) {
    const std::string candidate = folder + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

}  // namespace

bool tool_exists(const std::string& name) { return !resolve(name).empty(); }

ToolResult run_tool(const std::vector<std::string>& argv) {
  ToolResult result;
  const std::string program = resolve(argv.at(0));
  if (program.empty()) {
    result.output = argv[0] + ": not found";
    return result;
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    dup2(pipe_fds[1], 1);
    dup2(pipe_fds[1], 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(program.c_str(), args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(pipe_fds[0], buffer, sizeof buffer);
    if (n > 0)
      result.output.append(buffer, static_cast<std::size_t>(n));
    else if (n == 0 || errno != EINTR)
      break;
  }
  close(pipe_fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string run_tool_or_throw(const std::vector<std::string>& argv) {
  const ToolResult result = run_tool(argv);
  if (result.exit_code == 0) return result.output;
  std::string command;
  for (const auto& a : argv) command += (command.empty() ? "" : " ") + a;
  throw std::runtime_error("`" + command + "` failed (exit " + std::to_string(result.exit_code) +
                           "): " + result.output);
}

}  // namespace foliosim
