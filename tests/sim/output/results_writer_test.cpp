#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "sim/engine/interruption.hpp"
#include "sim/output/results_writer.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using namespace foliosim;

TEST_CASE("a SIGTERM while results are written: Interrupted at the next file, no temporary directory left") {
  const fs::path dir = test::scratch("writer-signal");
  // In a child, as the handlers and the signal received stay with the process.
  const pid_t pid = fork();
  if (pid == 0) {
    catch_interruptions();
    int code = 1;
    try {
      ResultsDirectory results(dir / "out", false);
      results.write_text("summary.json", "{}\n");
      raise(SIGTERM);
      results.write_text("report.md", "# never written\n");
    } catch (const Interrupted& e) {
      code = e.signal_number() == SIGTERM ? 0 : 2;
    }
    _exit(code);
  }
  int status = -1;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(fs::is_empty(dir));
  fs::remove_all(dir);
}
