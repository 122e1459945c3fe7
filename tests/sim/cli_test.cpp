// The foliosim binary end to end: exit codes, what is written and what is not.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/input/json_fields.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::test::scratch;
using foliosim::test::slurp;
using foliosim::test::source_path;

namespace {

int run(const std::string& args, const fs::path& log) { return foliosim::test::run_foliosim(args, log); }

}  // namespace

TEST_CASE("run writes summary, resolved scenario and run info, same seed gives identical summaries") {
  fs::path dir = scratch("determinism");
  REQUIRE(run("run " + source_path("scenarios/direct_queue_depth.json") + " -o " + (dir / "a").string(),
              dir / "a.log") == 0);
  REQUIRE(run("run " + source_path("scenarios/direct_queue_depth.json") + " -o " + (dir / "b").string(),
              dir / "b.log") == 0);
  std::string a = slurp(dir / "a" / "summary.json");
  CHECK_FALSE(a.empty());
  CHECK(a == slurp(dir / "b" / "summary.json"));
  auto summary = foliosim::Json::parse(a);
  CHECK(summary["scenario"] == "direct_queue_depth");
  CHECK(summary["variants"].size() == 2);
  CHECK(summary["variants"][0]["app_write_bytes"] == 256ULL << 20);
  CHECK(fs::exists(dir / "a" / "resolved_scenario.json"));
  CHECK(fs::exists(dir / "a" / "run_info.json"));
  CHECK(slurp(dir / "a.log").find("summary.json") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("bad input exits 2, names file and path, and writes nothing") {
  fs::path dir = scratch("bad");
  std::ofstream(dir / "bad.json") << R"({"name": "bad", "devices": [{"name": "d", "latency": 5}],
    "filesystem": {"device": "d"}, "workload": {"jobs": [{"name": "w", "size": "1MiB", "mode": "direct"}]}})";
  CHECK(run("run " + (dir / "bad.json").string() + " -o " + (dir / "out").string(), dir / "log") == 2);
  std::string log = slurp(dir / "log");
  CHECK(log.find("bad.json") != std::string::npos);
  CHECK(log.find("devices/0/latency") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK(run("check " + (dir / "bad.json").string(), dir / "log2") == 2);
  CHECK(run("run " + (dir / "missing.json").string(), dir / "log3") == 2);
  CHECK(run("frobnicate", dir / "log4") == 2);
  fs::remove_all(dir);
}

TEST_CASE("a selected variant and --set reach the results") {
  fs::path dir = scratch("variant");
  REQUIRE(run("run " + source_path("scenarios/direct_queue_depth.json") +
                  " --variant qd1 --set workload/jobs/0/size=16MiB -o " + (dir / "out").string(),
              dir / "log") == 0);
  auto summary = foliosim::Json::parse(slurp(dir / "out" / "summary.json"));
  REQUIRE(summary["variants"].size() == 1);
  CHECK(summary["variants"][0]["variant"] == "qd1");
  CHECK(summary["variants"][0]["app_write_bytes"] == 16ULL << 20);
  auto resolved = foliosim::Json::parse(slurp(dir / "out" / "resolved_scenario.json"));
  CHECK(resolved["variants"][0]["scenario"]["workload"]["jobs"][0]["size"] == "16MiB");
  CHECK(resolved["variants"][0]["scenario"]["devices"][0]["queue_depth"] == 1);
  CHECK(run("check " + source_path("scenarios/direct_queue_depth.json"), dir / "log2") == 0);
  CHECK(run("--version", dir / "log3") == 0);
  CHECK(slurp(dir / "log3").find("foliosim 0.1.0") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a scenario's published figures reach summary.json and report.md") {
  fs::path dir = scratch("published");
  auto scenario = foliosim::Json::parse(slurp(source_path("scenarios/direct_queue_depth.json")));
  // Every call and request alike, and costs of round numbers, so the figures
  // below are worked out by hand.
  scenario["machine"]["interrupt_rate"] = "0Hz";
  scenario["cpu"] = {{"call_sigma", 0}, {"copy_sigma", 0}, {"dio_setup_sigma", 0}, {"dio_setup", "71.6us"},
                     {"dio_per_page", "0.418us"}};
  scenario["devices"][0]["service_sigma"] = 0;
  scenario["devices"][0]["segment_overhead"] = "0s";
  scenario["filesystem"]["fresh_mount"] = false;  // no metadata reads before the first call
  // Both variants: 256 O_DIRECT calls of 1 MiB, each two 512 KiB requests
  // (256 user pages, max_segments 128): 0.4 + 71.6 + 256 x 0.418 + 2 x 1.5
  // us of CPU, 95 us of latency, 2 x (13 us + 512 KiB at 3 GB/s), 2 x 2 us of
  // completions. qd128 overlaps the two latencies, 656.533 us a call; qd1
  // pays the second too: 751.533 us. The ratio of the rates is 656.533 /
  // 751.533 = 0.874 (the fsync's log write moves it by about 0.1 %).
  scenario["published"] = foliosim::Json::parse(R"({"source": "by hand", "tolerance": "10%", "figures": [
      {"what": "p50", "variant": "qd1", "measure": "write_latency_p50", "value": "750us"},
      {"what": "ratio", "variant": "qd1", "over": "qd128", "measure": "app_write_rate", "value": 2}]})");
  std::ofstream(dir / "s.json") << scenario.dump();
  REQUIRE(run("run " + (dir / "s.json").string() + " -o " + (dir / "out").string(), dir / "log") == 0);
  auto summary = foliosim::Json::parse(slurp(dir / "out" / "summary.json"));
  const auto& figures = summary["published"]["figures"];
  REQUIRE(figures.size() == 2);
  CHECK(figures[0]["simulated"].get<double>() == doctest::Approx(751.533e-6).epsilon(1.0 / 2048));
  CHECK(figures[0]["within_tolerance"] == true);
  CHECK(figures[1]["simulated"].get<double>() == doctest::Approx(656.533 / 751.533).epsilon(2e-3));
  CHECK(figures[1]["within_tolerance"] == false);
  const std::string report = slurp(dir / "out" / "report.md");
  CHECK(report.find("## Simulated vs published") != std::string::npos);
  CHECK(report.find("| ratio (0s to the end of the writes) | qd1 / qd128 | 2.00 | 0.87 | -56.3 % | **no** |") !=
        std::string::npos);
  fs::remove_all(dir);
}
