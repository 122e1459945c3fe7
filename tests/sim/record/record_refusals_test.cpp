// What `foliosim record` refuses, and the messages that say why (no root
// needed: these run before anything is touched).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "sim/input/scenario.hpp"
#include "sim/record/kernel_probe.hpp"
#include "sim/record/memory_cgroup.hpp"
#include "sim/record/recorded_comparison.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/repetition.hpp"
#include "tests/cli_support.hpp"

using foliosim::Json;
using namespace foliosim::record;

namespace {

std::string refusal_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Refused& e) {
    return e.what();
  }
  return "";
}

foliosim::Scenario small_scenario(const std::string& extra_set_path = "", const Json& value = Json()) {
  Json root = {{"name", "t"},
               {"devices", {{{"name", "loop0"}, {"capacity", "256MiB"}}}},
               {"filesystem", {{"type", "ext4"}, {"device", "loop0"}}},
               {"workload", {{"jobs", {{{"name", "w"}, {"bs", "1MiB"}, {"size", "16MiB"}, {"numjobs", 2}}}}}}};
  if (!extra_set_path.empty()) foliosim::set_by_path(root, extra_set_path, value);
  return foliosim::parse_scenario(root, "t.json");
}

void fs_write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("record: refused without root, saying why") {
  const std::string why = refusal_of([] { require_root(1000); });
  CHECK(why.find("needs root") != std::string::npos);
  CHECK(refusal_of([] { require_root(0); }).empty());
}

TEST_CASE("record: a model choice no kernel has is refused with its JSON path") {
  CHECK(refusal_of([] { check_reproducible(small_scenario("page_cache/dontcache_kick", "flusher"), "t.json", "v"); })
            .find("t.json: page_cache/dontcache_kick (variant v)") != std::string::npos);
  CHECK(refusal_of([] { check_reproducible(small_scenario("filesystem/zeroing", "before_6_10"), "t.json", "v"); })
            .find("filesystem/zeroing") != std::string::npos);
  const std::string errors = refusal_of([] {
    check_reproducible(small_scenario("devices/0/write_errors", Json::array({{{"from", "1s"}, {"to", "2s"}}})),
                       "t.json", "v");
  });
  CHECK(errors.find("devices/0/write_errors") != std::string::npos);
  CHECK(errors.find("cannot be injected") != std::string::npos);
}

TEST_CASE("record: page_cache/cgroup_writeback must be what the machine's memory cgroup does") {
  bool machine_has = false;
  try {
    machine_has = has_cgroup_writeback(require_memory_cgroup());
  } catch (const Refused&) {
    return;  // no memory cgroup here: a memory_limit is refused for that already
  }
  const auto with = [](bool cgroup_writeback) {
    foliosim::Scenario s = small_scenario("page_cache/memory_limit", "256MiB");
    s.page_cache.cgroup_writeback = cgroup_writeback;
    return s;
  };
  const std::string refused = refusal_of([&] { check_reproducible(with(!machine_has), "t.json", "v"); });
  CHECK(refused.find("page_cache/cgroup_writeback") != std::string::npos);
  const std::string matching = refusal_of([&] { check_reproducible(with(machine_has), "t.json", "v"); });
  CHECK(matching.find("cgroup_writeback") == std::string::npos);
}

TEST_CASE("record: --target and --format are checked before anything is made") {
  CHECK(refusal_of([] { parse_target("/no/such/place", false); }).find("--target /no/such/place") !=
        std::string::npos);
  CHECK(refusal_of([] { parse_target("loop", true); }).find("--format") != std::string::npos);
  CHECK(refusal_of([] { parse_target("/tmp", true); }).find("--format") != std::string::npos);
  CHECK(parse_target("", false).kind == TargetKind::kLoop);
  CHECK(parse_target("/tmp", false).kind == TargetKind::kDirectory);
}

TEST_CASE("record: the workload's footprint, what the target must hold") {
  CHECK(workload_footprint_bytes(small_scenario()) == 2 * (16ULL << 20));  // two clones, a file each
  CHECK(workload_footprint_bytes(small_scenario("workload/jobs/0/filename", "shared")) == 16ULL << 20);
  CHECK(workload_footprint_bytes(small_scenario("workload/jobs/0/stride", "4MiB")) == 2 * (64ULL << 20));
}

TEST_CASE("record: compare puts a simulated figure against the recorded range and median") {
  const Json spread = {{"median", 60.0}, {"min", 50.0}, {"max", 90.0}, {"reps", {50.0, 60.0, 90.0}}};
  const Json recorded = {{"recorded_on", "real kernel"},
                         {"variants", {{{"variant", "xfs-buffered"}, {"write_latency_us", {{"p50", spread}}}}}}};
  const Json simulated = {
      {"variants", {{{"variant", "xfs-buffered"}, {"write_latency_us", {{"p50", 66.0}, {"p99", 1.0}}}}}}};
  const RecordedComparison in = compare_with_recorded(recorded, simulated);
  CHECK(in.compared == 1);
  CHECK(in.outside == 0);
  CHECK(in.text.find("60 [50, 90]") != std::string::npos);
  CHECK(in.text.find("+10.0 %") != std::string::npos);
  Json far = simulated;
  far["variants"][0]["write_latency_us"]["p50"] = 120.0;
  const RecordedComparison out = compare_with_recorded(far, recorded);  // either side may be the recorded one
  CHECK(out.outside == 1);
  CHECK(out.text.find("NO") != std::string::npos);
}

TEST_CASE("record: without root the command refuses with exit 2 and writes nothing") {
  if (geteuid() != 0) {
    const auto dir = foliosim::test::scratch("record-not-root");
    const int code = foliosim::test::run_foliosim(
        "record " + std::string(FOLIOSIM_SOURCE_DIR) + "/scenarios/calibration/c1.json -o " + (dir / "out").string(),
        dir / "log");
    CHECK(code == 2);
    CHECK(foliosim::test::slurp(dir / "log").find("needs root") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(dir / "out"));
    std::filesystem::remove_all(dir);
  }
  // As root, a scenario the kernel cannot reproduce is refused the same way, before anything is made.
  const auto dir = foliosim::test::scratch("record-refused");
  const int code = foliosim::test::run_foliosim(
      "record " + std::string(FOLIOSIM_SOURCE_DIR) +
          "/scenarios/calibration/c1.json --set page_cache/dontcache_kick=flusher -o " + (dir / "out").string(),
      dir / "log");
  CHECK(code == 2);
  const std::string log = foliosim::test::slurp(dir / "log");
  CHECK(log.find(geteuid() == 0 ? "page_cache/dontcache_kick" : "needs root") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir / "out"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("fit: a parameter without an upper bound is refused; with one, the fitted values are written") {
  const auto dir = foliosim::test::scratch("fit");
  fs_write(dir / "rec" / "summary.json",
           Json{{"recorded_on", "real kernel"},
                {"variants",
                 {{{"variant", "xfs-buffered"},
                   {"write_latency_us",
                    {{"p50", {{"median", 60.0}, {"min", 51.0}, {"max", 86.0}, {"reps", {51.0, 60.0, 86.0}}}}}}}}}}
               .dump());
  const std::string c1 = std::string(FOLIOSIM_SOURCE_DIR) + "/scenarios/calibration/c1.json";
  int code = foliosim::test::run_foliosim(
      "fit " + c1 + " --from " + (dir / "rec").string() + " --params cpu.copy_bandwidth", dir / "log");
  CHECK(code == 2);
  CHECK(foliosim::test::slurp(dir / "log").find("no declared upper bound") != std::string::npos);
  code = foliosim::test::run_foliosim("fit " + c1 + " --from " + (dir / "rec").string() +
                                          " --params cpu.copy_bandwidth=5GBps:60GBps --max-evals 4 -o " +
                                          (dir / "fit.json").string(),
                                      dir / "log");
  CHECK(code == 0);
  const Json fit = Json::parse(foliosim::test::slurp(dir / "fit.json"));
  CHECK(fit["params"][0]["path"] == "cpu/copy_bandwidth");
  CHECK(fit["terms_fitted"].size() == 1);  // the one recorded figure of the one recorded variant
  CHECK(fit["rms_relative_error"]["fitted"].get<double>() <= fit["rms_relative_error"]["initial"].get<double>());
  std::filesystem::remove_all(dir);
}
