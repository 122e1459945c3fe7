// `foliosim sweep` end to end: a sweep killed part-way and run again runs only
// the points it had not done, and its table holds every point's own figures.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "sim/input/json_fields.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::Json;
using foliosim::test::scratch;
using foliosim::test::slurp;

namespace {

// 2 axes x 2 variants x 3 seeds, 16 MiB writes: 24 small points.
void write_sweep(const fs::path& dir) {
  std::ofstream(dir / "base.json") << R"({
    "name": "small", "seed": 1,
    "devices": [ { "name": "d0", "capacity": "1GiB" } ],
    "filesystem": { "type": "xfs", "device": "d0" },
    "workload": { "jobs": [ { "name": "w", "bs": "1MiB", "size": "16MiB", "end_fsync": true } ] },
    "variants": [ { "name": "buffered" },
                  { "name": "dontcache", "set": { "workload/jobs/0/mode": "dontcache" } } ] })";
  std::ofstream(dir / "sweep.json") << R"({
    "name": "kill-and-resume", "scenario": "base.json",
    "axes": [ { "path": "devices/0/queue_depth", "values": [4, 32] },
              { "path": "workload/jobs/0/bs", "values": ["64KiB", "1MiB"] } ],
    "seeds": [1, 2, 3],
    "metrics": ["write_phase_s", "write_latency_us/p99", "device_write_requests", "app_write_rate_Bps"] })";
}

std::size_t points_done(const fs::path& out) {
  std::size_t done = 0;
  if (!fs::exists(out / "points")) return 0;
  for (const auto& entry : fs::directory_iterator(out / "points"))  // not a point's temporary directory
    done += entry.path().filename().string().find(".tmp-") == std::string::npos &&
            fs::exists(entry.path() / "summary.json");
  return done;
}

std::vector<std::vector<std::string>> csv_rows(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> cells;
    std::istringstream cell_stream(line);
    for (std::string cell; std::getline(cell_stream, cell, ',');) cells.push_back(cell);
    if (!line.empty() && line.back() == ',') cells.emplace_back();
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("sweep: killed after some points, run again, only the missing points run; sweep.csv has them all") {
  const fs::path dir = scratch("sweep-resume");
  write_sweep(dir);
  const fs::path out = dir / "out";
  const std::string sweep_file = (dir / "sweep.json").string();

  // One point at a time, killed (SIGKILL: no chance to clean up) once five are done.
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    freopen((dir / "first.log").c_str(), "w", stderr);
    freopen((dir / "first.out").c_str(), "w", stdout);
    execl(FOLIOSIM_BINARY, FOLIOSIM_BINARY, "sweep", sweep_file.c_str(), "-o", out.c_str(), "-j", "1",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (points_done(out) < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  // The point that was running dies with the sweep and removes its temporary directory.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const std::size_t done_before = points_done(out);
  REQUIRE(done_before >= 5);
  REQUIRE(done_before < 24);
  std::map<std::string, fs::file_time_type> first_run;  // id -> summary.json's time
  for (const auto& entry : fs::directory_iterator(out / "points")) {
    const std::string name = entry.path().filename().string();
    CHECK(name.find(".tmp-") == std::string::npos);  // no half-written point left
    first_run[name] = fs::last_write_time(entry.path() / "summary.json");
  }

  REQUIRE(foliosim::test::run_foliosim("sweep " + sweep_file + " -o " + out.string() + " -j 2", dir / "second.log") ==
          0);
  const std::string second = slurp(dir / "second.log");
  CHECK(second.find("sweep: ran " + std::to_string(24 - done_before) + " points") != std::string::npos);
  CHECK(second.find("(" + std::to_string(done_before) + " done before), 0 failed") != std::string::npos);
  CHECK(points_done(out) == 24);
  for (const auto& [id, time] : first_run) CHECK(fs::last_write_time(out / "points" / id / "summary.json") == time);

  // A third run has nothing to do.
  REQUIRE(foliosim::test::run_foliosim("sweep " + sweep_file + " -o " + out.string(), dir / "third.log") == 0);
  CHECK(slurp(dir / "third.log").find("sweep: ran 0 points") != std::string::npos);

  // One row per point, in the sweep's order, with the figures of the point's own summary.
  const auto rows = csv_rows(slurp(out / "sweep.csv"));
  REQUIRE(rows.size() == 25);
  CHECK(rows[0] == std::vector<std::string>{"point", "devices/0/queue_depth", "workload/jobs/0/bs", "variant", "seed",
                                            "status", "write_phase_s", "write_latency_us/p99", "device_write_requests",
                                            "app_write_rate_Bps"});
  CHECK(rows[1][1] == "4");
  CHECK(rows[1][2] == "64KiB");
  CHECK(rows[1][3] == "buffered");
  CHECK(rows[24][1] == "32");
  CHECK(rows[24][2] == "1MiB");
  CHECK(rows[24][3] == "dontcache");
  CHECK(rows[24][4] == "3");
  for (std::size_t r = 1; r < rows.size(); ++r) {
    REQUIRE(rows[r].size() == 10);
    CHECK(rows[r][5] == "done");
    const Json summary = Json::parse(slurp(out / "points" / rows[r][0] / "summary.json"))["variants"][0];
    CHECK(summary["variant"] == rows[r][3]);
    CHECK(summary["seed"].dump() == rows[r][4]);
    CHECK(summary["write_phase_s"].dump() == rows[r][6]);
    CHECK(summary["write_latency_us"]["p99"].dump() == rows[r][7]);
    CHECK(summary["device_write_requests"].dump() == rows[r][8]);
    CHECK(Json::parse(rows[r][9]).get<double>() ==
          doctest::Approx(summary["app_write_bytes"].get<double>() / summary["write_phase_s"].get<double>()));
    // The point ran its own scenario: the axis values and seed are in it.
    const Json input = Json::parse(slurp(out / "inputs" / (rows[r][0] + ".json")));
    CHECK(input["devices"][0]["queue_depth"].dump() == rows[r][1]);
    CHECK(input["workload"]["jobs"][0]["bs"] == rows[r][2]);
    CHECK(summary["app_write_bytes"] == 16 << 20);
  }
  const Json sweep = Json::parse(slurp(out / "sweep.json"));
  CHECK(sweep["points"].size() == 24);
  CHECK(sweep["points"][0]["status"] == "done");
  CHECK(slurp(out / "report.md").find("24 points: 24 done, 0 failed, 0 not run") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("sweep: a failed point is reported with its log and the others go on; the exit code says so") {
  const fs::path dir = scratch("sweep-failure");
  write_sweep(dir);
  // 1 MiB of device for 16 MiB of writes: the simulated device fills (exit 3 of that point's run).
  std::ofstream(dir / "fail.json") << R"({
    "name": "one-fails", "scenario": "base.json", "variants": ["buffered"],
    "axes": [ { "path": "devices/0/capacity", "values": ["1GiB", "8MiB"] } ] })";
  const fs::path out = dir / "out";
  CHECK(foliosim::test::run_foliosim("sweep " + (dir / "fail.json").string() + " -o " + out.string(), dir / "log") ==
        3);
  const std::string log = slurp(dir / "log");
  CHECK(log.find("devices/0/capacity=8MiB, variant buffered, seed 1) failed (exit 3)") != std::string::npos);
  CHECK(log.find("1 of 2 points done, 1 failed") != std::string::npos);
  const Json sweep = Json::parse(slurp(out / "sweep.json"));
  CHECK(sweep["points"][0]["status"] == "done");
  CHECK(sweep["points"][1]["status"] == "failed");
  CHECK(fs::exists(out / sweep["points"][1]["log"].get<std::string>()));
  fs::remove_all(dir);
}

TEST_CASE("sweep: --dry-run writes nothing; a directory that is not a sweep's is refused") {
  const fs::path dir = scratch("sweep-dry");
  write_sweep(dir);
  const std::string sweep_file = (dir / "sweep.json").string();
  REQUIRE(foliosim::test::run_foliosim("sweep " + sweep_file + " -o " + (dir / "out").string() + " --dry-run",
                                       dir / "log") == 0);
  CHECK(slurp(dir / "log").find("kill-and-resume: 24 points, 0 already done") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
  fs::create_directories(dir / "mine");
  std::ofstream(dir / "mine" / "notes.txt") << "keep";
  CHECK(foliosim::test::run_foliosim("sweep " + sweep_file + " -o " + (dir / "mine").string(), dir / "log") == 2);
  CHECK(slurp(dir / "log").find("is not a foliosim sweep directory") != std::string::npos);
  CHECK(slurp(dir / "mine" / "notes.txt") == "keep");
  CHECK(foliosim::test::run_foliosim("sweep --collect " + (dir / "nothing").string(), dir / "log") == 2);
  fs::remove_all(dir);
}
