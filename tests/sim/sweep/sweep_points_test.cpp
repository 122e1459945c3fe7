// Sweep files: what they expand into, and how bad ones are refused.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/input/config_error.hpp"
#include "sim/sweep/sweep_points.hpp"
#include "sim/sweep/sweep_spec.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::ConfigError;
using foliosim::Json;

namespace {

// A sweep file in a scratch folder beside a two-variant scenario of its own.
struct SweepFixture {
  fs::path dir = foliosim::test::scratch("sweep-points");
  SweepFixture() {
    std::ofstream(dir / "base.json") << R"({
      "name": "base", "seed": 7,
      "devices": [ { "name": "d0", "capacity": "1GiB" } ],
      "filesystem": { "type": "xfs", "device": "d0" },
      "workload": { "jobs": [ { "name": "w", "bs": "1MiB", "size": "16MiB" } ] },
      "variants": [ { "name": "buffered" },
                    { "name": "dontcache", "set": { "workload/jobs/0/mode": "dontcache" } } ] })";
  }
  ~SweepFixture() { fs::remove_all(dir); }
  std::string write(const std::string& text) const {
    std::ofstream(dir / "sweep.json") << text;
    return (dir / "sweep.json").string();
  }
};

// The ConfigError's JSON path of loading and expanding `text`, "" when none.
std::string error_path(const SweepFixture& fx, const std::string& text, std::string* message = nullptr) {
  try {
    foliosim::expand_sweep(foliosim::load_sweep_file(fx.write(text)));
  } catch (const ConfigError& e) {
    if (message) *message = e.message();
    CHECK(e.file().find("sweep.json") != std::string::npos);
    return e.json_path();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep: axes x variants x seeds, the last axis moving fastest, seeds innermost, exclusions left out") {
  SweepFixture fx;
  const auto spec = foliosim::load_sweep_file(fx.write(R"({
    "name": "s", "scenario": "base.json",
    "axes": [ { "path": "machine/memory", "values": ["4GiB", "8GiB"] },
              { "zip": [ { "path": "workload/jobs/0/bs", "values": ["64KiB", "1MiB"] },
                         { "path": "workload/jobs/0/size", "values": ["8MiB", "32MiB"] } ] } ],
    "seeds": { "count": 2 },
    "exclude": [ { "machine/memory": "8GiB", "variant": "dontcache" } ] })"));
  CHECK(spec.scenario_path == (fx.dir / "base.json").string());
  CHECK(spec.axis_columns() ==
        std::vector<std::string>{"machine/memory", "workload/jobs/0/bs", "workload/jobs/0/size"});
  const auto points = foliosim::expand_sweep(spec);
  // 2 memories x 2 zipped pairs x 2 variants x 2 seeds = 16, less 8GiB x dontcache (2 x 2 seeds).
  REQUIRE(points.size() == 12);
  CHECK(points[0].axis_values == std::vector<Json>{"4GiB", "64KiB", "8MiB"});
  CHECK(points[0].variant == "buffered");
  CHECK(points[0].seed == 7);  // from the scenario's own seed up
  CHECK(points[1].seed == 8);
  CHECK(points[2].variant == "dontcache");
  CHECK(points[4].axis_values == std::vector<Json>{"4GiB", "1MiB", "32MiB"});
  CHECK(points[8].axis_values[0] == "8GiB");
  CHECK(points[8].variant == "buffered");
  CHECK(points[11].axis_values == std::vector<Json>{"8GiB", "1MiB", "32MiB"});
  // Each point is its variant's resolved scenario with the values set.
  const Json& scenario = points[4].scenario;
  CHECK(scenario["seed"] == 7);
  CHECK(scenario["machine"]["memory"] == "4GiB");
  CHECK(scenario["workload"]["jobs"][0]["bs"] == "1MiB");
  CHECK(scenario["workload"]["jobs"][0]["size"] == "32MiB");
  CHECK(scenario["variants"] == Json::parse(R"([{"name": "buffered"}])"));
  CHECK(points[6].scenario["workload"]["jobs"][0]["mode"] == "dontcache");
  // Ids: the hash of the scenario, different for every point, the same on a second expansion.
  std::set<std::string> ids;
  for (const auto& p : points) {
    CHECK(p.id.size() == 16);
    CHECK(p.id == foliosim::stable_id(p.scenario.dump()));
    ids.insert(p.id);
  }
  CHECK(ids.size() == points.size());
  CHECK(foliosim::expand_sweep(spec)[5].id == points[5].id);
}

TEST_CASE("sweep: an edited sweep keeps the ids of the points it still has") {
  SweepFixture fx;
  const auto before = foliosim::expand_sweep(foliosim::load_sweep_file(fx.write(R"({
    "name": "s", "scenario": "base.json", "variants": ["buffered"],
    "axes": [ { "path": "machine/memory", "values": ["4GiB", "8GiB"] } ] })")));
  const auto after = foliosim::expand_sweep(foliosim::load_sweep_file(fx.write(R"({
    "name": "s", "scenario": "base.json", "variants": ["buffered"],
    "axes": [ { "path": "machine/memory", "values": ["2GiB", "4GiB", "8GiB"] } ], "seeds": [7, 9] })")));
  REQUIRE(before.size() == 2);
  REQUIRE(after.size() == 6);
  CHECK(after[2].id == before[0].id);  // 4GiB, seed 7
  CHECK(after[4].id == before[1].id);  // 8GiB, seed 7
  CHECK(after[3].seed == 9);
  CHECK(after[3].id != before[0].id);
}

TEST_CASE("sweep: bad sweep files are refused naming the sweep file and the JSON path") {
  SweepFixture fx;
  std::string message;
  CHECK(error_path(fx, R"({"scenario": "base.json"})") == "name");
  CHECK(error_path(fx, R"({"name": "s"})") == "scenario");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json", "axis": []})") == "axis");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "zip": [ { "path": "machine/memory", "values": ["4GiB", "8GiB"] },
                         { "path": "workload/jobs/0/bs", "values": ["4KiB"] } ] } ]})") == "axes/0/zip/1/values");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "machine/memory", "values": ["4GiB", "4 bananas"] } ]})",
                   &message) == "axes/0/values/1");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "workload/jobs/0/mode", "values": ["buffered"] } ]})",
                   &message) == "axes/0/path");
  CHECK(message.find("variant \"dontcache\" sets") != std::string::npos);
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json", "variants": ["bufered"]})", &message) == "variants/0");
  CHECK(message.find("did you mean \"buffered\"") != std::string::npos);
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json", "seeds": [1, 1]})") == "seeds/1");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json", "seeds": {"count": 0}})") == "seeds/count");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "machine/memory", "values": ["4GiB"] } ],
    "exclude": [ { "machine/memroy": "4GiB" } ]})",
                   &message) == "exclude/0/machine/memroy");
  CHECK(message.find("did you mean \"machine/memory\"") != std::string::npos);
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "machine/memory", "values": ["4GiB"] } ],
    "plots": [ { "metric": "write_phase_s", "x": "machine/cpus" } ]})") == "plots/0/x");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "machine/memory", "values": ["8GiB", "8192MiB"] } ]})",
                   &message) == "axes");
  CHECK(message.find("same scenario") != std::string::npos);
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json",
    "axes": [ { "path": "seed", "values": [1, 2] } ]})") == "axes/0/path");
  CHECK(error_path(fx, R"({"name": "s", "scenario": "base.json", "set": {"machine/cpus": 0}})") == "set/machine/cpus");
}

TEST_CASE("sweep: a fio job file as the base, on the default machine") {
  SweepFixture fx;
  std::ofstream(fx.dir / "job.fio") << "[writer]\nrw=write\nbs=64k\nsize=16m\n";
  const auto points = foliosim::expand_sweep(foliosim::load_sweep_file(fx.write(R"({
    "name": "s", "scenario": "job.fio",
    "axes": [ { "path": "workload/jobs/0/bs", "values": ["64KiB", "1MiB"] } ] })")));
  REQUIRE(points.size() == 2);
  CHECK(points[0].variant == "base");
  CHECK(points[1].scenario["workload"]["jobs"][0]["bs"] == "1MiB");
  CHECK(points[1].scenario["workload"]["jobs"][0]["size"] == "16MiB");
  CHECK(points[1].scenario["name"] == "job");
}
