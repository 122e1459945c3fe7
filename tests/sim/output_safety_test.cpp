// What `run` and `compare` may replace and where they refuse: never a user's
// file or directory, a results directory only with --force (-o) or at its
// default place; names that become paths; output locations that fail.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "sim/input/json_fields.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::Json;
using foliosim::test::scratch;
using foliosim::test::slurp;
using foliosim::test::source_path;

namespace {

// A one-variant run of 4 MiB (four 1 MiB O_DIRECT writes), without gnuplot: quick.
const std::string kSmallRun = "run " + source_path("scenarios/direct_queue_depth.json") +
                              " --variant qd128 --set workload/jobs/0/size=4MiB";

// Runs foliosim in `cwd` without gnuplot; stderr to `cwd`/err, returned by error().
int run_in(const fs::path& cwd, const std::string& args, const std::string& env = "") {
  return foliosim::test::run_foliosim(args, cwd / "log", cwd / "err",
                                      "cd " + cwd.string() + " && PATH=/nonexistent " + env);
}

std::string error(const fs::path& cwd) { return slurp(cwd / "err"); }

// The names in `dir` (one level), sorted, space-separated.
std::string listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : " ") + name;
  return out;
}

// The direct scenario with its name and variants replaced.
fs::path scenario_named(const fs::path& dir, const Json& name, const Json& variants) {
  Json scenario = Json::parse(slurp(source_path("scenarios/direct_queue_depth.json")));
  scenario["name"] = name;
  scenario["variants"] = variants;
  std::ofstream(dir / "s.json") << scenario.dump();
  return dir / "s.json";
}

}  // namespace

TEST_CASE("-o refuses an existing file, a user's directory and the current directory or its parents") {
  const fs::path dir = scratch("refuse");
  std::ofstream(dir / "notes.txt") << "mine";
  fs::create_directories(dir / "mine");
  std::ofstream(dir / "mine" / "data") << "mine too";
  CHECK(run_in(dir, kSmallRun + " -o notes.txt") == 2);
  CHECK(error(dir).find("notes.txt: is an existing file") != std::string::npos);
  CHECK(run_in(dir, kSmallRun + " -o mine") == 2);
  CHECK(error(dir).find("mine: exists and is not a foliosim results directory") != std::string::npos);
  // --force replaces results, never these.
  for (const std::string& place : {std::string("notes.txt"), std::string("mine"), std::string("."),
                                   std::string(".."), dir.string(), std::string("/")}) {
    INFO(place);
    CHECK(run_in(dir, kSmallRun + " --force -o " + place) == 2);
    CHECK(error(dir).find(": refusing to replace it") != std::string::npos);
  }
  CHECK(slurp(dir / "notes.txt") == "mine");
  CHECK(slurp(dir / "mine" / "data") == "mine too");
  CHECK(listing(dir) == "err log mine notes.txt");
  fs::remove_all(dir);
}

TEST_CASE("-o replaces earlier results only with --force, the default place on every run") {
  const fs::path dir = scratch("force");
  REQUIRE(run_in(dir, kSmallRun + " -o out") == 0);
  CHECK(fs::exists(dir / "out" / ".foliosim-results"));
  std::ofstream(dir / "out" / "extra") << "from the first run";
  CHECK(run_in(dir, kSmallRun + " -o out") == 2);
  CHECK(error(dir).find("out: holds earlier results: add --force") != std::string::npos);
  CHECK(fs::exists(dir / "out" / "extra"));
  // A results directory written before the marker: summary.json and resolved_scenario.json.
  fs::remove(dir / "out" / ".foliosim-results");
  REQUIRE(run_in(dir, kSmallRun + " --force -o out") == 0);
  CHECK_FALSE(fs::exists(dir / "out" / "extra"));
  CHECK(fs::exists(dir / "out" / ".foliosim-results"));
  // results/<name>/ is foliosim's own: a rerun replaces it, unless it is the user's.
  REQUIRE(run_in(dir, kSmallRun) == 0);
  REQUIRE(run_in(dir, kSmallRun) == 0);
  CHECK(fs::exists(dir / "results" / "direct_queue_depth" / "summary.json"));
  fs::remove_all(dir / "results" / "direct_queue_depth");
  fs::create_directories(dir / "results" / "direct_queue_depth");
  CHECK(run_in(dir, kSmallRun) == 2);
  CHECK(error(dir).find("results/direct_queue_depth: exists and is not") != std::string::npos);
  CHECK(listing(dir / "results") == "direct_queue_depth");
  fs::remove_all(dir);
}

TEST_CASE("check --resolved prints the resolved scenario that a bug report needs") {
  const fs::path dir = scratch("resolved");
  REQUIRE(run_in(dir, "check " + source_path("scenarios/direct_queue_depth.json") +
                          " --resolved --set workload/jobs/0/size=4MiB") == 0);
  const Json resolved = Json::parse(slurp(dir / "log"));
  REQUIRE(resolved["variants"].size() == 2);
  CHECK(resolved["overrides"] == Json::array({"workload/jobs/0/size=4MiB"}));
  CHECK(resolved["variants"][1]["name"] == "qd1");
  CHECK(resolved["variants"][1]["scenario"]["devices"][0]["queue_depth"] == 1);
  CHECK(resolved["variants"][1]["scenario"]["workload"]["jobs"][0]["size"] == "4MiB");
  fs::remove_all(dir);
}

TEST_CASE("names that become paths: a NUL, .., a clash of file names are refused with their JSON path") {
  const fs::path dir = scratch("names");
  fs::create_directories(dir / "results" / "earlier");
  // The NUL once cut the path to results/ and the cleanup removed all of it.
  scenario_named(dir, std::string("x\0y", 3), Json::array());
  CHECK(run_in(dir, "run s.json") == 2);
  CHECK(error(dir).find("s.json: name: holds a NUL character") != std::string::npos);
  scenario_named(dir, "x", Json::parse(R"([{"name": "a"}, {"name": ".."}])"));
  CHECK(run_in(dir, "run s.json") == 2);
  CHECK(error(dir).find("s.json: variants/1/name: ") != std::string::npos);
  // "a b" and "a_b" once wrote the same plots/data/<plot>.a_b.csv.
  scenario_named(dir, "x", Json::parse(R"([{"name": "a b"}, {"name": "c"}, {"name": "a_b"}])"));
  CHECK(run_in(dir, "run s.json") == 2);
  CHECK(error(dir).find("s.json: variants/2/name: \"a_b\" and variant \"a b\" give the same file name") !=
        std::string::npos);
  CHECK(run_in(dir, "check s.json") == 2);
  CHECK(listing(dir) == "err log results s.json");
  CHECK(listing(dir / "results") == "earlier");
  fs::remove_all(dir);
}

TEST_CASE("an output location that cannot be written or fills up: exit 2 naming the path, nothing left") {
  const fs::path dir = scratch("unwritable");
  std::ofstream(dir / "file") << "x";
  CHECK(run_in(dir, kSmallRun + " -o file/out") == 2);
  CHECK(error(dir).find("file: is not a directory") != std::string::npos);
  // A full disk, as a file size limit of 1 KiB, which summary.json is beyond.
  CHECK(run_in(dir, kSmallRun + " -o new/parents/out", "/bin/bash -c \"trap '' XFSZ; ulimit -f 1; exec \\$0 \\$@\"") ==
        2);
  CHECK(error(dir).find("new/parents/out/summary.json: cannot write: File too large") != std::string::npos);
  CHECK(listing(dir) == "err file log");
  fs::remove_all(dir);
}

TEST_CASE("compare reads only variant folders inside its directories and names a malformed summary.json") {
  const fs::path dir = scratch("compare-safety");
  REQUIRE(run_in(dir, kSmallRun + " -o a") == 0);
  auto compare_with = [&](const std::string& summary_text) {
    fs::remove_all(dir / "b");
    fs::copy(dir / "a", dir / "b", fs::copy_options::recursive);
    std::ofstream(dir / "b" / "summary.json") << summary_text;
    return run_in(dir, "compare a b -o cmp");
  };
  Json summary = Json::parse(slurp(dir / "a" / "summary.json"));
  fs::create_directories(dir / "outside");
  fs::copy(dir / "a" / "variants" / "qd128", dir / "outside" / "qd128", fs::copy_options::recursive);
  summary["variants"][0]["variant"] = "../../outside/qd128";
  CHECK(compare_with(summary.dump()) == 2);
  CHECK(error(dir).find("b/summary.json: variants/0/variant: \"../../outside/qd128\" is not a variant folder") !=
        std::string::npos);
  for (const std::string malformed : {R"([1, 2])", R"({"variants": [1]})", R"({"variants": [{"variant": 7}]})"}) {
    INFO(malformed);
    CHECK(compare_with(malformed) == 2);
    CHECK(error(dir).find("b/summary.json: variants") != std::string::npos);
  }
  summary = Json::parse(slurp(dir / "a" / "summary.json"));
  summary["variants"][0]["write_latency_us"]["p99"] = "slow";
  CHECK(compare_with(summary.dump()) == 2);
  CHECK(error(dir).find("b/summary.json: variants/0: not what foliosim writes") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "cmp"));
  std::ofstream(dir / "cmp") << "mine";
  CHECK(run_in(dir, "compare a a --force -o cmp") == 2);
  CHECK(error(dir).find("cmp: is an existing file") != std::string::npos);
  CHECK(slurp(dir / "cmp") == "mine");
  fs::remove_all(dir);
}
