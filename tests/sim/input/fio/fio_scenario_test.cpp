// fio job files as scenarios: on a machine scenario or the default machine,
// and as a scenario's workload (a file or inline options).
#include "sim/input/fio/fio_scenario.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "sim/input/config_error.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::ConfigError;
using foliosim::Json;
using foliosim::fio::load_scenario_or_job_file;

TEST_CASE("fio scenario: a job file on the default machine, named for its stem") {
  const fs::path dir = foliosim::test::scratch("fio-scenario-default");
  std::ofstream(dir / "my_job.fio") << "[w]\nrw=write\nbs=1m\nsize=64m\n";
  const auto file = load_scenario_or_job_file((dir / "my_job.fio").string(), {}, "", {});
  const auto variants = foliosim::resolve_variants(file);
  REQUIRE(variants.size() == 1);
  const auto& s = variants[0].scenario;
  CHECK(s.name == "my_job");
  CHECK(s.devices.size() == 1);
  CHECK(s.devices[0].name == "nvme0");
  CHECK(s.machine.memory_bytes == std::uint64_t{24} << 30);
  REQUIRE(s.jobs.size() == 1);
  CHECK(s.jobs[0].bs_bytes == 1 << 20);
  CHECK(s.jobs[0].size_bytes == 64 << 20);
  // --set reaches the jobs the file mapped to.
  const auto set = foliosim::resolve_variants(
      load_scenario_or_job_file((dir / "my_job.fio").string(), {"workload/jobs/0/size=16MiB"}, "", {}));
  CHECK(set[0].scenario.jobs[0].size_bytes == 16 << 20);
  fs::remove_all(dir);
}

TEST_CASE("fio scenario: --machine gives every section but the workload, not its variants") {
  const fs::path dir = foliosim::test::scratch("fio-scenario-machine");
  std::ofstream(dir / "job.fio") << "[w]\nrw=write\nsize=50%\n";
  const std::string machine = foliosim::test::source_path("scenarios/streaming_larger_than_memory.json");
  const auto variants =
      foliosim::resolve_variants(load_scenario_or_job_file((dir / "job.fio").string(), {}, machine, {}));
  REQUIRE(variants.size() == 1);
  const Json base = foliosim::read_json_file(machine);
  const auto expected = foliosim::parse_scenario(base, machine);
  CHECK(variants[0].scenario.machine.memory_bytes == expected.machine.memory_bytes);
  CHECK(variants[0].scenario.devices[0].capacity_bytes == expected.devices[0].capacity_bytes);
  // size=50% of the machine's device.
  CHECK(variants[0].scenario.jobs[0].size_bytes == expected.devices[0].capacity_bytes / 2 / 4096 * 4096);
  CHECK_THROWS_WITH_AS(load_scenario_or_job_file(machine, {}, machine, {}), doctest::Contains("--machine"),
                       ConfigError);
  fs::remove_all(dir);
}

TEST_CASE("fio scenario: a workload naming a job file (relative to the scenario) or holding fio options") {
  const fs::path dir = foliosim::test::scratch("fio-scenario-workload");
  fs::create_directories(dir / "jobs");
  std::ofstream(dir / "jobs" / "x.fio") << "[global]\nbs=64k\n[a]\nrw=randwrite\nsize=8m\nthinktime=5\n";
  Json scenario = Json::parse(R"({"name": "s", "devices": [{"name": "d"}], "filesystem": {"device": "d"},
      "workload": {"fio": "jobs/x.fio", "ignore": ["thinktime"]}})");
  std::ofstream(dir / "s.json") << scenario.dump();
  auto variants = foliosim::resolve_variants(load_scenario_or_job_file((dir / "s.json").string(), {}, "", {}));
  REQUIRE(variants[0].scenario.jobs.size() == 1);
  CHECK(variants[0].scenario.jobs[0].bs_bytes == 64 << 10);
  CHECK(variants[0].scenario.jobs[0].rw == foliosim::workload::Rw::kRandWrite);

  // Without the ignore list the thinktime is refused, at its line in the job file.
  scenario["workload"].erase("ignore");
  std::ofstream(dir / "s.json") << scenario.dump();
  CHECK_THROWS_WITH_AS(foliosim::load_scenario_file((dir / "s.json").string()),
                       doctest::Contains("x.fio:6: option 'thinktime': not modelled"), ConfigError);

  scenario["workload"] = Json::parse(R"({"fio_options": {"global": {"rw": "write", "bs": "1m", "end_fsync": true},
      "jobs": [{"name": "a", "size": "16m"}, {"name": "b", "size": "8m", "direct": 1}]}})");
  variants = foliosim::resolve_variants(foliosim::parse_scenario_text(scenario.dump(), "inline.json"));
  const auto& jobs = variants[0].scenario.jobs;
  REQUIRE(jobs.size() == 2);
  CHECK(jobs[0].name == "a");
  CHECK(jobs[0].size_bytes == 16 << 20);
  CHECK(jobs[0].end_fsync);
  CHECK(jobs[1].mode == foliosim::workload::IoMode::kDirect);

  scenario["workload"]["fio_options"]["jobs"][1]["rate"] = "1m";
  CHECK_THROWS_WITH_AS(foliosim::parse_scenario_text(scenario.dump(), "inline.json"),
                       doctest::Contains("inline.json: workload/fio_options/jobs/1/rate: option 'rate': not modelled"),
                       ConfigError);
  scenario["workload"] = Json::parse(R"({"fio": "jobs/x.fio", "jobs": []})");
  CHECK_THROWS_AS(foliosim::parse_scenario_text(scenario.dump(), (dir / "s.json").string()), ConfigError);
  fs::remove_all(dir);
}
