// `foliosim run JOB.fio` end to end: the shipped job files run, bad job
// files exit 2 naming file, line and option, --ignore lets a run through, and
// the resolved scenario reproduces the run.
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

// env_size.fio takes its sizes from the environment.
const std::string kEnv = "SIZE=64m BS=64k";

int run(const std::string& args, const fs::path& log) { return foliosim::test::run_foliosim(args, log, {}, kEnv); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("every shipped fio job file and fio scenario runs and writes its summary") {
  const fs::path dir = scratch("fio-shipped");
  std::size_t ran = 0;
  for (const auto& entry : fs::directory_iterator(source_path("scenarios/fio"))) {
    const std::string ext = entry.path().extension().string();
    if (ext != ".fio" && ext != ".json") continue;
    const fs::path out = dir / entry.path().stem();
    INFO(entry.path().string() << "\n" << slurp(dir / "log"));
    CHECK(run("run " + entry.path().string() + " -o " + out.string(), dir / "log") == 0);
    CHECK(fs::exists(out / "summary.json"));
    ++ran;
  }
  CHECK(ran >= 10);
  fs::remove_all(dir);
}

TEST_CASE("a fio run's resolved scenario holds the native jobs and reproduces the run") {
  const fs::path dir = scratch("fio-resolved");
  REQUIRE(run("run " + source_path("scenarios/fio/sparse_write_gap.fio") + " -o " + (dir / "a").string(),
              dir / "log") == 0);
  const auto resolved = foliosim::Json::parse(slurp(dir / "a" / "resolved_scenario.json"));
  const auto& scenario = resolved["variants"][0]["scenario"];
  CHECK(scenario["name"] == "sparse_write_gap");
  CHECK(scenario["workload"]["jobs"][0]["stride"] == "16KiB");
  CHECK(scenario["workload"]["jobs"][0]["mode"] == "dontcache");
  std::ofstream(dir / "native.json") << scenario.dump(2);
  REQUIRE(run("run " + (dir / "native.json").string() + " -o " + (dir / "b").string(), dir / "log") == 0);
  CHECK(slurp(dir / "a" / "summary.json") == slurp(dir / "b" / "summary.json"));
  fs::remove_all(dir);
}

TEST_CASE("bad fio job files exit 2 naming the file, line and option, and write nothing") {
  const fs::path dir = scratch("fio-bad");
  std::ofstream(dir / "shared.fio") << "bs=64k\n";
  const struct {
    const char* name;
    const char* text;
    const char* expected;
  } cases[] = {
      {"unknown.fio", "[w]\nrw=write\nsize=64m\nfrobnicate=1\n", "unknown.fio:4: option 'frobnicate': unknown"},
      {"unmodelled.fio", "[w]\nrw=write\nsize=64m\nthinktime=10\n",
       "unmodelled.fio:4: option 'thinktime': not modelled"},
      {"bad_size.fio", "[w]\nrw=write\nsize=64q\n", "bad_size.fio:3: option 'size': unknown size suffix"},
      {"undefined.fio", "[w]\nrw=write\nsize=${FOLIOSIM_TEST_UNDEFINED}\n",
       "undefined.fio:3: option 'size': ${FOLIOSIM_TEST_UNDEFINED}: the environment variable"},
      {"no_include.fio", "[global]\ninclude shared.fio\ninclude missing.fio\n[w]\nrw=write\nsize=64m\n",
       "no_include.fio:3: include missing.fio: cannot open"},
      {"not_json", "[w]\nrw=write\nsize=64m\nrate=1m\n", "not_json:4: option 'rate': not modelled"},
  };
  for (const auto& c : cases) {
    std::ofstream(dir / c.name) << c.text;
    const fs::path out = dir / (std::string(c.name) + ".out");
    CHECK(run("run " + (dir / c.name).string() + " -o " + out.string(), dir / "log") == 2);
    INFO(slurp(dir / "log"));
    CHECK(contains(slurp(dir / "log"), (dir / c.expected).string()));
    CHECK_FALSE(fs::exists(out));
    CHECK(run("check " + (dir / c.name).string(), dir / "log") == 2);
  }
  fs::remove_all(dir);
}

TEST_CASE("--ignore lets a job with an unmodelled option run and --machine picks the machine") {
  const fs::path dir = scratch("fio-ignore");
  std::ofstream(dir / "job.fio") << "[w]\nrw=write\nbs=1m\nsize=64m\nthinktime=10\nfrobnicate\n";
  CHECK(run("run " + (dir / "job.fio").string() + " -o " + (dir / "out").string(), dir / "log") == 2);
  REQUIRE(run("run " + (dir / "job.fio").string() + " --ignore thinktime --ignore frobnicate --machine " +
                  source_path("scenarios/streaming_larger_than_memory.json") + " -o " + (dir / "out").string(),
              dir / "log") == 0);
  const auto summary = foliosim::Json::parse(slurp(dir / "out" / "summary.json"));
  CHECK(summary["scenario"] == "job");
  CHECK(summary["variants"][0]["app_write_bytes"] == 64ULL << 20);
  const auto resolved = foliosim::Json::parse(slurp(dir / "out" / "resolved_scenario.json"));
  CHECK(resolved["ignored_fio_options"] == foliosim::Json::array({"thinktime", "frobnicate"}));
  CHECK(resolved["variants"][0]["scenario"]["machine"]["memory"] == "4GiB");
  CHECK(run("check " + (dir / "job.fio").string() + " --ignore thinktime --ignore frobnicate", dir / "log") == 0);
  fs::remove_all(dir);
}
