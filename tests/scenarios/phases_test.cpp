// Jobs in phases (stonewall, wait_for, new_group), the steps between them
// (drop_caches, sleep) and the per-job results, which add up to the
// variant's. Values worked out by hand on the bare scenario: no CPU cost,
// 95 us a request plus 3 GB/s.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

constexpr double kRequestS = 95e-6;
constexpr double kBandwidthBps = 3e9;
// One O_DIRECT 1 MiB call alone on the device.
constexpr double kOneMiBS = kRequestS + double(1 << 20) / kBandwidthBps;

workload::JobParams direct_mib(const std::string& name) {
  auto job = direct_job(name, 1 * MiB, 1 * MiB);
  job.filename = name;
  return job;
}

}  // namespace

TEST_CASE("phases: a stonewall job starts when the job before it ends, in the next phase") {
  Scenario s = bare_scenario();
  auto second = direct_mib("b");
  second.stonewall = true;
  s.jobs = {direct_mib("a"), second};
  Json r = simulate_isolated(s).summary;
  const Json& a = r["jobs"][0];
  const Json& b = r["jobs"][1];
  CHECK(a["name"] == "a");
  CHECK(a["phase"] == 0);
  CHECK(b["phase"] == 1);
  CHECK(a["start_s"].get<double>() == 0);
  CHECK(a["end_s"].get<double>() == doctest::Approx(kOneMiBS));
  CHECK(b["start_s"].get<double>() == doctest::Approx(kOneMiBS));
  CHECK(b["end_s"].get<double>() == doctest::Approx(2 * kOneMiBS));
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(2 * kOneMiBS));
  REQUIRE(r["phases"].size() == 2);
  CHECK(r["phases"][1]["start_s"].get<double>() == doctest::Approx(kOneMiBS));
  CHECK(r["phases"][1]["bytes"] == 1 * MiB);
  CHECK(r["phases"][1]["calls"] == 1);
}

TEST_CASE("phases: wait_for waits for the named job only; the others start at once") {
  Scenario s = bare_scenario();
  auto waiter = direct_mib("b");
  waiter.wait_for = "a";
  auto free_job = direct_mib("c");
  free_job.new_group = true;  // a new group for the results, without waiting
  s.jobs = {direct_mib("a"), waiter, free_job};
  Json r = simulate_isolated(s).summary;
  const Json& jobs = r["jobs"];
  CHECK(jobs[1]["start_s"].get<double>() == doctest::Approx(jobs[0]["end_s"].get<double>()));
  CHECK(jobs[1]["start_s"].get<double>() > 0);
  CHECK(jobs[2]["start_s"].get<double>() == 0);
  CHECK(jobs[0]["phase"] == 0);
  CHECK(jobs[1]["phase"] == 0);
  CHECK(jobs[2]["phase"] == 1);
}

TEST_CASE("phases: the jobs of a two-job run add up to the variant's totals") {
  Scenario s = bare_scenario();
  auto a = buffered_job("a", 4 * KiB, 1 * MiB);
  a.end_fsync = true;
  auto b = buffered_job("b", 16 * KiB, 512 * KiB);
  b.end_fsync = true;
  s.jobs = {a, b};
  Json r = simulate_isolated(s).summary;
  const Json& ja = r["jobs"][0];
  const Json& jb = r["jobs"][1];
  CHECK(ja["write_calls"] == 256);
  CHECK(jb["write_calls"] == 32);
  CHECK(r["write_calls"] == 288);
  CHECK(ja["app_write_bytes"].get<std::uint64_t>() + jb["app_write_bytes"].get<std::uint64_t>() ==
        r["app_write_bytes"]);
  CHECK(ja["fsync_calls"].get<std::uint64_t>() + jb["fsync_calls"].get<std::uint64_t>() == r["fsync_calls"]);
  // The histograms merge to the total: its max is the larger max, its mean
  // the calls' weighted mean.
  const Json& la = ja["write_latency_us"];
  const Json& lb = jb["write_latency_us"];
  CHECK(r["write_latency_us"]["max"].get<double>() == std::max(la["max"].get<double>(), lb["max"].get<double>()));
  CHECK(r["write_latency_us"]["mean"].get<double>() ==
        doctest::Approx((256 * la["mean"].get<double>() + 32 * lb["mean"].get<double>()) / 288));
  CHECK(r["fsync_latency_us"]["max"].get<double>() ==
        std::max(ja["fsync_latency_us"]["max"].get<double>(), jb["fsync_latency_us"]["max"].get<double>()));
  // One phase holds both.
  REQUIRE(r["phases"].size() == 1);
  CHECK(r["phases"][0]["calls"] == 288 + 2);
  CHECK(r["phases"][0]["bytes"] == 1 * MiB + 512 * KiB);
  // Each file was fsynced: cached and clean at its job's end.
  CHECK(ja["files_at_end"]["cached_bytes"] == 1 * MiB);
  CHECK(ja["files_at_end"]["dirty_bytes"] == 0);
}

namespace {

// A buffered writer of "f" (1 MiB, then fsync: clean and cached), then
// after it a buffered reader of "f" whose steps are `before`.
Scenario write_then_read(std::vector<workload::JobStep> before) {
  Scenario s = bare_scenario();
  auto writer = buffered_job("writer", 1 * MiB, 1 * MiB);
  writer.filename = "f";
  writer.end_fsync = true;
  auto reader = reading(buffered_job("reader", 1 * MiB, 1 * MiB), "f");
  reader.stonewall = true;
  reader.before = std::move(before);
  s.jobs = {writer, reader};
  return s;
}

}  // namespace

TEST_CASE("steps: drop_caches empties the clean cache before the reader, and sleep delays it") {
  Json kept = simulate_isolated(write_then_read({})).summary;
  // Without the steps the reader finds the MiB cached and starts at once.
  CHECK(kept["device_read_bytes"] == 0);
  CHECK(kept["jobs"][1]["start_s"].get<double>() == doctest::Approx(kept["jobs"][0]["end_s"].get<double>()));

  Json dropped = simulate_isolated(
                     write_then_read({{workload::StepKind::kDropCaches, "", 0}, {workload::StepKind::kSleep, "", 1.0}}))
                     .summary;
  const double writer_end_s = dropped["jobs"][0]["end_s"].get<double>();
  // The writer's fsync: one 1 MiB request.
  CHECK(writer_end_s == doctest::Approx(kOneMiBS));
  CHECK(dropped["jobs"][1]["start_s"].get<double>() == doctest::Approx(writer_end_s + 1.0));
  // Dropped: the reader reads the MiB from the device (readahead of 128 KiB
  // windows, at most a MiB), and it is cached again at its end.
  CHECK(dropped["device_read_bytes"] == 1 * MiB);
  CHECK(dropped["jobs"][1]["files_at_end"]["cached_bytes"] == 1 * MiB);
  CHECK(dropped["jobs"][1]["app_read_bytes"] == 1 * MiB);
}

TEST_CASE("steps: invalidate drops the file's clean cache before the job, pre_read fills it") {
  Scenario s = write_then_read({});
  s.jobs[1].invalidate = true;
  CHECK(simulate_isolated(s).summary["device_read_bytes"] == 1 * MiB);
  s.jobs[1].pre_read = true;  // overrides invalidate, as in fio
  s.jobs[1].invalidate = false;
  CHECK(simulate_isolated(s).summary["device_read_bytes"] == 0);
}
