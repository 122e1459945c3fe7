// SIGINT and SIGTERM stop a run: exit 128 + the signal, no temporary results
// left, no simulation child left running; a killed parent takes its child along.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>

#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::test::scratch;
using foliosim::test::source_path;

namespace {

// Starts `foliosim run` on a scenario that simulates for seconds (a million
// 4 KiB O_DIRECT writes) with its output in `dir`; returns its pid.
pid_t start_long_run(const fs::path& dir) {
  const std::string scenario = source_path("scenarios/direct_queue_depth.json");
  const std::string out = (dir / "out").string();
  const std::string log = (dir / "log").string();
  const pid_t pid = fork();
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execl(FOLIOSIM_BINARY, "foliosim", "run", scenario.c_str(), "--variant", "qd128", "--set",
          "workload/jobs/0/bs=4KiB", "workload/jobs/0/size=4GiB", "-o", out.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The state letter (R, S, Z...) and parent of process `pid`; state 0 once it is gone.
std::pair<char, pid_t> process_stat(const std::string& pid) {
  std::ifstream stat("/proc/" + pid + "/stat");
  const std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');  // after the command name, which may hold anything
  char state = 0;
  int parent = 0;
  if (close_paren == std::string::npos || std::sscanf(text.c_str() + close_paren + 1, " %c %d", &state, &parent) != 2)
    return {0, 0};
  return {state, parent};
}

char process_state(pid_t pid) { return process_stat(std::to_string(pid)).first; }

// The first child of `parent` found in /proc, waiting for it up to 10 s; -1 if none appeared.
pid_t child_of(pid_t parent) {
  for (int tries = 0; tries < 2000; ++tries) {
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") == std::string::npos && process_stat(name).second == parent)
        return std::stoi(name);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

// Whether `pid` has ended (gone, or a zombie nobody reaped yet), waiting up to 5 s.
bool ends(pid_t pid) {
  for (int tries = 0; tries < 1000; ++tries) {
    const char state = process_state(pid);
    if (state == 0 || state == 'Z' || state == 'X') return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

bool leftovers(const fs::path& dir) {
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().filename().string().rfind("out", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_CASE("SIGTERM or SIGINT to the parent alone: exit 143 or 130, the child killed, nothing left") {
  for (const int signal_number : {SIGTERM, SIGINT}) {
    INFO(signal_number);
    const fs::path dir = scratch("signal-" + std::to_string(signal_number));
    const pid_t pid = start_long_run(dir);
    const pid_t simulation = child_of(pid);
    REQUIRE(simulation > 0);
    kill(pid, signal_number);
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 128 + signal_number);
    CHECK(process_state(simulation) == 0);  // reaped by its parent before it exited
    CHECK_FALSE(leftovers(dir));
    fs::remove_all(dir);
  }
}

TEST_CASE("a parent killed outright takes its simulation child along") {
  const fs::path dir = scratch("signal-kill");
  const pid_t pid = start_long_run(dir);
  const pid_t simulation = child_of(pid);
  REQUIRE(simulation > 0);
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(ends(simulation));
  fs::remove_all(dir);
}
