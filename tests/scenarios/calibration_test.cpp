// Calibration: every variant of scenarios/calibration/{c1,c2,c6}.json, run
// with the default machine parameters, against what Linux 6.18 measured on
// the reference machine (medians of three runs, from the kernel reference's
// calibration.json). How the defaults were fitted to these figures, and why
// the C6 states differ: models/README.md.
//
// Tolerances (the calibration targets):
//   buffered and O_DIRECT: page-cache states (peaks between write calls,
//   after the write phase, after fsync) and device bytes: exact; write-phase
//   wall time and p50 write latency: within 25 %;
//   RWF_DONTCACHE (issue 4): states after the write phase and after fsync:
//   exact; device bytes and requests: within 10 %; peak cached pages and
//   write-phase wall time: within 25 %.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "sim/input/scenario.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

constexpr double kTimeTolerance = 0.25;  // relative: write-phase wall time and p50 latency
constexpr double kDeviceTolerance = 0.10;  // relative, dontcache: device bytes and requests
constexpr double kPeakTolerance = 0.25;    // relative, dontcache: peak cached pages
constexpr std::uint64_t kPage = 4096;

// Page counts of the file in the page cache (cachestat: nr_cache, nr_dirty,
// nr_writeback).
struct Pages {
  std::uint64_t cached, dirty, writeback;
};

struct Measured {
  const char* scenario;  // scenarios/calibration/<scenario>.json
  const char* variant;
  double wall_ms;        // write phase: "wall excl. sampling ms"
  double p50_us;         // pwritev2() latency
  double device_MiB;     // written to the loop device from open() to fsync() return
  // Of which file data; the rest (2.5 KiB XFS log, 36 to 68 KiB ext4
  // journal) is filesystem metadata, which the model does not write.
  std::uint64_t data_MiB;
  Pages peak;         // largest cachestat values sampled during the write loop
  Pages after_write;  // when the last write returned
  std::uint64_t cached_after_fsync;
};

const Measured kMeasured[] = {
    {"c1", "xfs-buffered", 10.137, 37.727, 256.00244140625, 256, {65536, 65536, 0}, {65536, 65536, 0}, 65536},
    {"c1", "xfs-direct", 113.233, 442.224, 256.00244140625, 256, {0, 0, 0}, {0, 0, 0}, 0},
    {"c1", "ext4-buffered", 48.113, 169.235, 256.0390625, 256, {65536, 65536, 0}, {65536, 65536, 0}, 65536},
    {"c1", "ext4-direct", 113.936, 434.803, 256.0390625, 256, {0, 0, 0}, {0, 0, 0}, 0},
    {"c2", "xfs-buffered", 41.724, 2.223, 64.00244140625, 64, {16384, 16384, 0}, {16384, 16384, 0}, 16384},
    {"c2", "xfs-direct", 1684.685, 99.49, 64.00244140625, 64, {0, 0, 0}, {0, 0, 0}, 0},
    {"c2", "ext4-buffered", 51.609, 2.844, 64.03515625, 64, {16384, 16384, 0}, {16384, 16384, 0}, 16384},
    {"c2", "ext4-direct", 1709.566, 100.13, 64.03515625, 64, {0, 0, 0}, {0, 0, 0}, 0},
    {"c6", "xfs-buffered", 254.358, 45.018, 1024.00341796875, 1024, {65296, 65280, 22544}, {65280, 61440, 0}, 65280},
    {"c6", "ext4-buffered", 297.962, 215.754, 1024.06640625, 1024, {63488, 62720, 8192}, {63488, 57344, 6144},
     63488},
};

// Known gaps of a dontcache row (models/README.md): the targets it misses.
enum Gap : unsigned { kNoGap = 0, kGapWall = 1, kGapPeak = 2, kGapAfterWrite = 4 };

struct MeasuredDontcache {
  const char* scenario;
  const char* variant;
  double wall_ms;    // write phase: "wall excl. sampling ms"
  double device_MiB;  // written to the loop device from open() to fsync() return
  std::uint64_t device_requests;
  std::uint64_t peak_cached;  // largest cachestat nr_cache sampled during the write loop
  Pages after_write;          // when the last write returned
  std::uint64_t cached_after_fsync;
  unsigned gaps;
};

// RWF_DONTCACHE, medians of three runs.
const MeasuredDontcache kDontcache[] = {
    {"c1", "xfs-dontcache", 57.543, 256.0029296875, 258, 6144, {256, 0, 256}, 0, kGapPeak | kGapAfterWrite},
    {"c1", "ext4-dontcache", 65.798, 256.04296875, 258, 7936, {1792, 0, 1792}, 0, kGapPeak | kGapAfterWrite},
    {"c2", "xfs-dontcache", 234.654, 64.00244140625, 16385, 56, {34, 0, 34}, 0, kGapPeak | kGapAfterWrite},
    {"c2", "ext4-dontcache", 255.194, 64.03515625, 16386, 52, {31, 0, 31}, 0, kGapPeak | kGapAfterWrite},
    {"c6", "xfs-dontcache", 207.501, 1024.00341796875, 1028, 6144, {512, 0, 512}, 0, kGapPeak | kGapAfterWrite},
    {"c6", "ext4-dontcache", 425.003, 1024.06640625, 1026, 6144, {1024, 0, 768}, 0,
     kGapWall | kGapPeak | kGapAfterWrite},
};

struct Simulated {
  double wall_ms;
  double p50_us;
  std::uint64_t device_bytes;
  std::uint64_t log_bytes;  // of device_bytes, the filesystem's log writes
  std::uint64_t device_requests;
  Pages peak;  // between write calls, as the reference samples
  Pages after_write;
  std::uint64_t cached_after_fsync;
};

std::string scenario_file(const std::string& scenario) {
  return source_path("scenarios/calibration/" + scenario + ".json");
}

// What a cachestat sample between write calls can see, as the reference
// samples: the largest of each state the writer saw between its calls.
Pages write_loop_peak(const Json& r) {
  const Json& seen = r["peak_between_writes"];
  return {seen["cached_bytes"].get<std::uint64_t>() / kPage, seen["dirty_bytes"].get<std::uint64_t>() / kPage,
          seen["writeback_bytes"].get<std::uint64_t>() / kPage};
}

// Each variant runs once per test process, whichever test case asks first.
const Simulated& simulated(const std::string& scenario, const std::string& variant) {
  static std::map<std::string, Simulated> runs;
  const std::string key = scenario + "/" + variant;
  auto it = runs.find(key);
  if (it != runs.end()) return it->second;
  const auto variants = resolve_variants(load_scenario_file(scenario_file(scenario)), variant);
  REQUIRE(variants.size() == 1);
  const Json r = simulate_isolated(variants[0].scenario).summary;
  const Json& after = r["after_write_phase"];
  Simulated s{};
  s.wall_ms = r["write_phase_s"].get<double>() * 1e3;
  s.p50_us = r["write_latency_us"]["p50"].get<double>();
  s.device_bytes = r["device_write_bytes"].get<std::uint64_t>();
  s.log_bytes = r["device_log_write_bytes"].get<std::uint64_t>();
  s.device_requests = r["device_write_requests"].get<std::uint64_t>();
  s.peak = write_loop_peak(r);
  s.after_write = {after["cached_bytes"].get<std::uint64_t>() / kPage,
                   after["dirty_bytes"].get<std::uint64_t>() / kPage,
                   after["writeback_bytes"].get<std::uint64_t>() / kPage};
  s.cached_after_fsync = r["page_cache_end_bytes"].get<std::uint64_t>() / kPage;
  return runs.emplace(key, s).first->second;
}

const Simulated& simulated(const Measured& m) { return simulated(m.scenario, m.variant); }
const Simulated& simulated(const MeasuredDontcache& m) { return simulated(m.scenario, m.variant); }

std::string label(const Measured& m) { return std::string(m.scenario) + " " + m.variant; }
std::string label(const MeasuredDontcache& m) { return std::string(m.scenario) + " " + m.variant; }

bool within(double simulated_value, double measured_value, double tolerance) {
  return std::abs(simulated_value - measured_value) <= tolerance * measured_value;
}

void check_dirty_and_writeback(const Measured& m) {
  const Simulated& s = simulated(m);
  INFO(label(m));
  CHECK(s.peak.dirty == m.peak.dirty);
  CHECK(s.peak.writeback == m.peak.writeback);
  CHECK(s.after_write.dirty == m.after_write.dirty);
  CHECK(s.after_write.writeback == m.after_write.writeback);
}

void check_states(const Measured& m) {
  const Simulated& s = simulated(m);
  INFO(label(m));
  CHECK(s.peak.cached == m.peak.cached);
  CHECK(s.after_write.cached == m.after_write.cached);
  CHECK(s.cached_after_fsync == m.cached_after_fsync);
  check_dirty_and_writeback(m);
}

}  // namespace

TEST_CASE("calibration: the scenarios describe the reference machine and run the default parameters") {
  const cpu::CpuCostParams default_costs;
  const block_device::DeviceParams default_device;
  for (const std::string scenario : {"c1", "c2", "c6"}) {
    INFO(scenario);
    const auto variants = resolve_variants(load_scenario_file(scenario_file(scenario)));
    std::vector<std::string> expected_names, names;
    for (const auto& m : kMeasured)
      if (m.scenario == scenario) expected_names.push_back(m.variant);
    for (const auto& m : kDontcache)
      if (m.scenario == scenario) expected_names.push_back(m.variant);
    for (const auto& v : variants) {
      INFO(v.name);
      names.push_back(v.name);
      const Scenario& s = v.scenario;
      CHECK(!s.description.empty());
      CHECK(s.machine.cpus == 2);
      CHECK(s.machine.memory_bytes == 24684092 * KiB);
      REQUIRE(s.devices.size() == 1);
      CHECK(s.devices[0].capacity_bytes == 2 * GiB);
      CHECK(s.devices[0].queue_depth == 128);  // nr_requests
      CHECK(s.devices[0].max_request_bytes == 1280 * KiB);  // max_sectors_kb
      // What is calibrated comes from the defaults, not from the scenario.
      CHECK(s.devices[0].write_bandwidth_Bps == default_device.write_bandwidth_Bps);
      CHECK(s.devices[0].request_latency_s == default_device.request_latency_s);
      CHECK(s.devices[0].request_overhead_s == default_device.request_overhead_s);
      CHECK(s.machine.cpu_speed_hz == s.cpu.reference_speed_hz);
      CHECK(resolved_json(s)["cpu"] == write_fields(default_costs));
      REQUIRE(s.jobs.size() == 1);
      const auto& job = s.jobs[0];
      CHECK(v.name == std::string(choice_name(s.filesystem.type, filesystem::kFilesystemKindNames)) + "-" +
                          choice_name(job.mode, workload::kIoModeNames));
      CHECK(job.rw == workload::Rw::kWrite);
      CHECK(job.numjobs == 1);
      CHECK(job.end_fsync);
      CHECK(job.bs_bytes == (scenario == "c2" ? 4 * KiB : 1 * MiB));
      CHECK(job.size_bytes == (scenario == "c1" ? 256 * MiB : scenario == "c2" ? 64 * MiB : 1 * GiB));
      CHECK(s.page_cache.memory_limit_bytes == (scenario == "c6" ? 256 * MiB : 0));
    }
    CHECK(names == expected_names);
  }
}

TEST_CASE("calibration: write-phase wall time within 25 % of the measured one") {
  for (const auto& m : kMeasured) {
    const Simulated& s = simulated(m);
    INFO(label(m), ": measured ", m.wall_ms, " ms, simulated ", s.wall_ms, " ms");
    CHECK(within(s.wall_ms, m.wall_ms, kTimeTolerance));
  }
}

TEST_CASE("calibration: p50 write latency within 25 % of the measured one") {
  for (const auto& m : kMeasured) {
    const Simulated& s = simulated(m);
    INFO(label(m), ": measured ", m.p50_us, " us, simulated ", s.p50_us, " us");
    CHECK(within(s.p50_us, m.p50_us, kTimeTolerance));
  }
}

TEST_CASE("calibration: the device receives exactly the file's data, and the fsync's log write") {
  for (const auto& m : kMeasured) {
    INFO(label(m));
    // The measured figure is the data plus at most 128 KiB of metadata.
    REQUIRE(m.device_MiB >= static_cast<double>(m.data_MiB));
    REQUIRE(m.device_MiB - static_cast<double>(m.data_MiB) < 0.125);
    CHECK(simulated(m).device_bytes - simulated(m).log_bytes == m.data_MiB * MiB);
    // One commit, at the fsync: XFS a 3 KiB log record; ext4 a descriptor,
    // 6 metadata blocks and a block bitmap per 128 MiB group allocated in
    // (C2: 1, C1: 2, C6: 8), then the commit block, 4 KiB each.
    const bool xfs = std::string(m.variant).rfind("xfs", 0) == 0;
    const std::uint64_t groups = m.data_MiB / 128 + (m.data_MiB % 128 ? 1 : 0);
    CHECK(simulated(m).log_bytes == (xfs ? 3 * KiB : (1 + 6 + groups + 1) * 4 * KiB));
  }
}

TEST_CASE("calibration: C1 and C2 page-cache states are exactly the measured ones") {
  for (const auto& m : kMeasured)
    if (std::string(m.scenario) != "c6") check_states(m);
}

// The cgroup holds 256 MiB less what else it is charged: the task's own
// memory (cgroup_other_memory) and, with ext4, 112 bytes of buffer_head per
// cached block, so 255 whole 1 MiB folios fit on XFS and 248 on ext4. The
// kernel's XFS peak, 65296, is those 255 folios and 16 pages of the next
// write caught between its folio charge and the reclaim it caused.
TEST_CASE("calibration: C6 cached pages under the 256 MiB cgroup are the measured ones") {
  for (const auto& m : kMeasured) {
    if (std::string(m.scenario) != "c6") continue;
    const Simulated& s = simulated(m);
    INFO(label(m));
    CHECK(s.after_write.cached == m.after_write.cached);
    CHECK(s.cached_after_fsync == m.cached_after_fsync);
    CHECK(s.peak.cached <= m.peak.cached);
    CHECK(s.peak.cached + 16 >= m.peak.cached);
  }
}

// Known model gap (models/README.md): how the cgroup's cache divides into
// dirty and under writeback. The kernel's XFS writeback goes out in waves
// of 20480 pages (80 MiB) that start and end at once, cut by iomap's bios
// and ioends, for reasons the reference does not show; the model's waves
// are blk-wbt's depth. The states after the write phase are a snapshot of
// that cycle. When the model closes the gap this case fails: drop
// should_fail then.
TEST_CASE("calibration: C6 dirty and writeback pages are exactly the measured ones" * doctest::should_fail()) {
  for (const auto& m : kMeasured)
    if (std::string(m.scenario) == "c6") check_dirty_and_writeback(m);
}

// ---- RWF_DONTCACHE (issue 4) ----

void check_dontcache_wall(const MeasuredDontcache& m) {
  const Simulated& s = simulated(m);
  INFO(label(m), ": measured ", m.wall_ms, " ms, simulated ", s.wall_ms, " ms");
  CHECK(within(s.wall_ms, m.wall_ms, kTimeTolerance));
}

void check_dontcache_peak(const MeasuredDontcache& m) {
  const Simulated& s = simulated(m);
  INFO(label(m), ": measured ", m.peak_cached, " pages, simulated ", s.peak.cached);
  CHECK(within(static_cast<double>(s.peak.cached), static_cast<double>(m.peak_cached), kPeakTolerance));
}

void check_dontcache_after_write(const MeasuredDontcache& m) {
  const Simulated& s = simulated(m);
  INFO(label(m), ": measured ", m.after_write.cached, "/", m.after_write.dirty, "/", m.after_write.writeback,
       ", simulated ", s.after_write.cached, "/", s.after_write.dirty, "/", s.after_write.writeback);
  CHECK(s.after_write.cached == m.after_write.cached);
  CHECK(s.after_write.dirty == m.after_write.dirty);
  CHECK(s.after_write.writeback == m.after_write.writeback);
}

TEST_CASE("calibration, dontcache: the device receives the measured bytes and requests within 10 %") {
  for (const auto& m : kDontcache) {
    const Simulated& s = simulated(m);
    INFO(label(m), ": measured ", m.device_MiB, " MiB in ", m.device_requests, " requests, simulated ",
         static_cast<double>(s.device_bytes) / MiB, " MiB in ", s.device_requests);
    CHECK(within(static_cast<double>(s.device_bytes) / MiB, m.device_MiB, kDeviceTolerance));
    CHECK(within(static_cast<double>(s.device_requests), static_cast<double>(m.device_requests), kDeviceTolerance));
  }
}

TEST_CASE("calibration, dontcache: nothing stays cached after fsync, as measured") {
  for (const auto& m : kDontcache) {
    INFO(label(m));
    CHECK(simulated(m).cached_after_fsync == m.cached_after_fsync);
  }
}

TEST_CASE("calibration, dontcache: write-phase wall time within 25 % of the measured one") {
  for (const auto& m : kDontcache)
    if (!(m.gaps & kGapWall)) check_dontcache_wall(m);
}

TEST_CASE("calibration, dontcache: peak cached pages within 25 % of the measured peak") {
  for (const auto& m : kDontcache)
    if (!(m.gaps & kGapPeak)) check_dontcache_peak(m);
}

TEST_CASE("calibration, dontcache: states after the write phase are exactly the measured ones") {
  for (const auto& m : kDontcache)
    if (!(m.gaps & kGapAfterWrite)) check_dontcache_after_write(m);
}

// Known gap (models/README.md): C6 ext4 took 425 ms in the median run, 53 %
// more than its fastest (278 ms) and 1.6 times C1 ext4's pace per MiB; the
// model's writer and device give C1's pace.
TEST_CASE("calibration, dontcache: the known wall-time gaps" * doctest::should_fail()) {
  for (const auto& m : kDontcache)
    if (m.gaps & kGapWall) check_dontcache_wall(m);
}

// Known gap (models/README.md): how far blk-wbt lets the writer run ahead
// depends on its scale step, which grows every 100 ms window of writes and
// decays when idle. The model starts each run at step 0 (wb_normal 8, the
// kernel's initial state); the reference runs started after mkfs and mount
// had moved it (the rep-1 series start at 8 or 16 and reach 31 within C1's
// 60 ms), so their peaks are larger in the short cases and the model's larger
// in the long ones.
TEST_CASE("calibration, dontcache: the known peak gaps" * doctest::should_fail()) {
  for (const auto& m : kDontcache)
    if (m.gaps & kGapPeak) check_dontcache_peak(m);
}

// Known gap (models/README.md): when the last write returns, the requests in
// flight are wherever blk-wbt's drain cycle stands (the three runs of C1 XFS
// ended with 16, 256 and 6144 pages under writeback); with the kernel's
// completions in a workqueue, cachestat also counts folios whose I/O is done
// but not yet ended (C6 ext4's 256 cached pages not under writeback). The
// model ends writeback, and drops, at the request's completion.
TEST_CASE("calibration, dontcache: the known after-write state gaps" * doctest::should_fail()) {
  for (const auto& m : kDontcache)
    if (m.gaps & kGapAfterWrite) check_dontcache_after_write(m);
}
