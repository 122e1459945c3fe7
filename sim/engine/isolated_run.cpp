#include "sim/engine/isolated_run.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "sim/engine/interruption.hpp"

namespace foliosim {

Json run_isolated(const std::function<Json()>& body, const std::function<void()>& while_waiting,
                  double wait_tick_s) {
  throw_if_interrupted();
  std::fflush(nullptr);  // or the child would print the parent's buffered output again
  int fds[2];
  if (pipe(fds) != 0) throw InternalError(std::string("pipe: ") + std::strerror(errno));
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) throw InternalError(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // Die with the parent, even a killed one; a parent gone before prctl took
    // effect has left us to another process already.
    restore_default_signal_actions();
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(4);
    close(fds[0]);
    int status = 0;
    std::string payload;
    try {
      payload = Json{{"ok", body()}}.dump();
    } catch (const SimulatedFailure& e) {
      payload = Json{{"error", e.what()}, {"kind", "simulated"}}.dump();
      status = 3;
    } catch (const std::exception& e) {
      payload = Json{{"error", e.what()}, {"kind", "internal"}}.dump();
      status = 4;
    }
    for (std::size_t done = 0; done < payload.size();) {
      ssize_t n = write(fds[1], payload.data() + done, payload.size() - done);
      if (n <= 0) _exit(4);
      done += static_cast<std::size_t>(n);
    }
    close(fds[1]);
    std::fflush(nullptr);
    _exit(status);  // skip the parent's destructors and atexit handlers
  }
  close(fds[1]);
  std::string payload;
  char buffer[65536];
  // A finite wait even without while_waiting, so that a signal arriving just
  // before poll() is seen within a tick.
  const int timeout_ms = static_cast<int>(wait_tick_s * 1000);
  const auto kill_child = [&] {
    kill(pid, SIGKILL);
    close(fds[0]);
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  };
  while (true) {
    if (const int signal_number = interruption_signal()) {
      kill_child();
      throw Interrupted(signal_number);
    }
    pollfd ready{fds[0], POLLIN, 0};
    const int polled = poll(&ready, 1, timeout_ms);
    if (polled < 0 && errno == EINTR) continue;
    if (polled == 0) {
      try {
        if (while_waiting) while_waiting();
      } catch (...) {
        kill_child();  // the caller gave up on it; the reason goes up
        throw;
      }
      continue;
    }
    if (polled < 0) break;
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    payload.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  throw_if_interrupted();  // a child killed by the same Ctrl-C is no bug
  Json reply = Json::parse(payload, nullptr, false);
  if (reply.is_object() && reply.contains("ok")) return reply["ok"];
  if (reply.is_object() && reply.contains("error")) {
    const std::string message = reply["error"].get<std::string>();
    if (reply.value("kind", "") == "simulated") throw SimulatedFailure(message);
    throw InternalError(message);
  }
  throw InternalError("the simulation process died (wait status " + std::to_string(status) + ")");
}

}  // namespace foliosim
