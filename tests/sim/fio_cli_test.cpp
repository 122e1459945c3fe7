// `foliosim run JOB.fio` end to end: the shipped job files run, bad job
// files exit 2 naming file, line and option, --ignore lets a run through, and
// the resolved scenario reproduces the run.
#include <doctest/doctest.h>

#include <cmath>
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

TEST_CASE("--output-format=json writes fio.json in fio's layout, with the jobs' figures") {
  const fs::path dir = scratch("fio-json");
  // Two O_DIRECT jobs of 4 x 1 MiB, the second after the first (stonewall), with fsync.
  std::ofstream(dir / "job.fio") << "[global]\nrw=write\nbs=1m\nsize=4m\ndirect=1\nend_fsync=1\n"
                                    "[a]\n[b]\nstonewall\n";
  REQUIRE(run("run " + (dir / "job.fio").string() + " --output-format=json -o " + (dir / "out").string(),
              dir / "log") == 0);
  CHECK(contains(slurp(dir / "log"), (dir / "out" / "fio.json").string()));
  const auto fio = foliosim::Json::parse(slurp(dir / "out" / "fio.json"));
  const auto summary = foliosim::Json::parse(slurp(dir / "out" / "summary.json"));
  CHECK(fio["fio version"].get<std::string>().rfind("foliosim-", 0) == 0);
  CHECK(fio["timestamp"].is_number_integer());
  CHECK(fio["global options"]["bs"] == "1m");
  REQUIRE(fio["jobs"].size() == 2);
  const auto& a = fio["jobs"][0];
  CHECK(a["jobname"] == "a");
  CHECK(a["groupid"] == 0);
  CHECK(fio["jobs"][1]["groupid"] == 1);
  CHECK(a["error"] == 0);
  // 4 calls of 1 MiB: 4194304 bytes, 4096 KiB; nothing read.
  const auto& w = a["write"];
  CHECK(w["io_bytes"] == 4194304);
  CHECK(w["io_kbytes"] == 4096);
  CHECK(w["total_ios"] == 4);
  CHECK(a["read"]["io_bytes"] == 0);
  CHECK(a["read"]["total_ios"] == 0);
  CHECK(a["sync"]["total_ios"] == 1);
  // runtime in ms from the job's start to its end, bw_bytes = 1000 * io_bytes / runtime, bw in KiB/s.
  const auto& job = summary["variants"][0]["jobs"][0];
  const auto runtime_ms =
      static_cast<std::uint64_t>(std::llround((job["end_s"].get<double>() - job["start_s"].get<double>()) * 1000));
  CHECK(w["runtime"] == runtime_ms);
  CHECK(a["job_runtime"] == runtime_ms);
  if (runtime_ms > 0) {
    CHECK(w["bw_bytes"] == 1000 * 4194304ULL / runtime_ms);
    CHECK(w["bw"] == 1000 * 4194304ULL / runtime_ms / 1024);
    CHECK(w["iops"].get<double>() == doctest::Approx(4000.0 / double(runtime_ms)));
  }
  // clat in ns: 4 samples, the summary's max (us) in ns, fio's 17 percentiles.
  const auto& clat = w["clat_ns"];
  CHECK(clat["N"] == 4);
  CHECK(double(clat["max"].get<std::uint64_t>()) ==
        doctest::Approx(job["write_latency_us"]["max"].get<double>() * 1000).epsilon(1e-6));
  CHECK(clat["min"].get<std::uint64_t>() <= clat["max"].get<std::uint64_t>());
  CHECK(clat["percentile"].size() == 17);
  CHECK(clat["percentile"].contains("1.000000"));
  CHECK(clat["percentile"].contains("99.990000"));
  CHECK(w["lat_ns"]["N"] == 4);
  CHECK(w["slat_ns"]["N"] == 0);
  REQUIRE(fio["disk_util"].size() == 1);
  CHECK(fio["disk_util"][0]["name"] == "nvme0");
  CHECK(fio["disk_util"][0]["write_ios"] == summary["variants"][0]["devices"][0]["write_requests"]);
  // The normal output format writes no fio.json; an unknown one is refused.
  REQUIRE(run("run " + (dir / "job.fio").string() + " -o " + (dir / "plain").string(), dir / "log") == 0);
  CHECK_FALSE(fs::exists(dir / "plain" / "fio.json"));
  CHECK(run("run " + (dir / "job.fio").string() + " --output-format=xml -o " + (dir / "x").string(), dir / "log") == 2);
  CHECK(contains(slurp(dir / "log"), "--output-format"));
  CHECK_FALSE(fs::exists(dir / "x"));
  fs::remove_all(dir);
}

TEST_CASE("wait_for naming an unknown job and a bad declared file exit 2 naming where") {
  const fs::path dir = scratch("fio-phase-errors");
  std::ofstream(dir / "wait.fio") << "[a]\nrw=write\nsize=4m\n[b]\nrw=write\nsize=4m\nwait_for=nobody\n";
  CHECK(run("run " + (dir / "wait.fio").string() + " -o " + (dir / "out").string(), dir / "log") == 2);
  INFO(slurp(dir / "log"));
  CHECK(contains(slurp(dir / "log"), (dir / "wait.fio").string() + ":7: option 'wait_for': no job named \"nobody\""));
  CHECK_FALSE(fs::exists(dir / "out"));
  const std::string machine = source_path("scenarios/quickstart.json");
  const struct {
    const char* file;
    const char* expected;
  } cases[] = {
      {R"({"name": "bad", "size": "12q"})", "workload/files/0/size"},
      {R"({"name": "bad", "size": "4MiB", "layout": "zigzag"})", "workload/files/0/layout"},
      {R"({"name": "bad", "size": "4MiB", "cached": "range", "cached_length": "8MiB"})",
       "workload/files/0/cached_length"},
  };
  for (const auto& c : cases) {
    auto scenario = foliosim::Json::parse(slurp(machine));
    scenario.erase("variants");
    scenario.erase("published");
    scenario["workload"]["files"] = foliosim::Json::array({foliosim::Json::parse(c.file)});
    std::ofstream(dir / "s.json") << scenario.dump(1);
    CHECK(run("run " + (dir / "s.json").string() + " -o " + (dir / "out").string(), dir / "log") == 2);
    INFO(slurp(dir / "log"));
    CHECK(contains(slurp(dir / "log"), (dir / "s.json").string()));
    CHECK(contains(slurp(dir / "log"), c.expected));
    CHECK_FALSE(fs::exists(dir / "out"));
  }
  fs::remove_all(dir);
}
