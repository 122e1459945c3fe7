// Prints how fast the simulator runs, for a fixed set of cases: the Axboe
// scenario at full scale, the calibration cases, and scaling series (bytes,
// writers, a cache fragmented by random 4 KiB writes). Per case: wall
// seconds, simulated seconds, simulated write calls per wall second,
// simulated seconds per wall second and the simulating child's peak memory.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <deque>
#include <vector>

#include "sim/input/scenario.hpp"
#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/output/variant_output.hpp"

namespace {

constexpr std::uint64_t KiB = 1024, MiB = 1024 * KiB, GiB = 1024 * MiB;
using foliosim::workload::Rw;

struct Case {
  std::string name;
  foliosim::Scenario scenario;
};

// `writers` buffered writers of `bytes_per_writer` each in `bs_bytes` calls,
// on a machine whose memory holds everything written.
foliosim::Scenario writers_case(Rw rw, std::uint64_t writers, std::uint64_t bs_bytes,
                                std::uint64_t bytes_per_writer) {
  foliosim::Scenario s;
  s.name = "bench";
  s.machine.cpus = 8;
  s.machine.memory_bytes = 4 * writers * bytes_per_writer + 8 * GiB;
  s.devices.resize(1);
  s.devices[0].name = "dev0";
  s.devices[0].capacity_bytes = 2 * writers * bytes_per_writer + GiB;
  s.filesystem.device = "dev0";
  s.jobs.resize(1);
  s.jobs[0].name = "writer";
  s.jobs[0].rw = rw;
  s.jobs[0].mode = foliosim::workload::IoMode::kBuffered;
  s.jobs[0].bs_bytes = bs_bytes;
  s.jobs[0].size_bytes = bytes_per_writer;
  s.jobs[0].numjobs = writers;
  s.jobs[0].end_fsync = true;
  // The time series grows with simulated time over this step (one row per
  // step, kept in memory until the results are written); 10 ms keeps it
  // small next to the model's own state.
  s.sample_interval_s = 10e-3;
  return s;
}

// Every variant of a shipped scenario file.
void add_file(std::deque<Case>& cases, const std::string& label, const std::string& path) {
  auto file = foliosim::load_scenario_file(path);
  for (auto& v : foliosim::resolve_variants(file)) cases.push_back({label + " " + v.name, std::move(v.scenario)});
}

}  // namespace

int main(int argc, char** argv) {
  // First argument: only the cases whose name contains it. Shipped scenarios
  // are read from the source tree (FOLIOSIM_SOURCE_DIR, or the second argument).
  const std::string only = argc > 1 ? argv[1] : "";
  const std::string source = argc > 2 ? argv[2] : FOLIOSIM_SOURCE_DIR;
  // A deque: cases never move once built.
  std::deque<Case> cases;
  for (const char* c : {"c1", "c2", "c6"}) add_file(cases, c, source + "/scenarios/calibration/" + c + ".json");
  // Simulated bytes x1, x4, x16 (one writer, 64 KiB calls).
  for (std::uint64_t x : {1, 4, 16})
    cases.push_back({"bytes x" + std::to_string(x) + " (" + std::to_string(x) + " GiB)",
                     writers_case(Rw::kWrite, 1, 64 * KiB, x * GiB)});
  // Sequential buffered writes of 1 and 16 GiB in 4 KiB and 1 MiB calls (the
  // page-cache issue's targets: a million 4 KiB calls a wall second, memory
  // flat in the bytes written).
  for (std::uint64_t bs : {4 * KiB, 1 * MiB})
    for (std::uint64_t gib : {1, 16})
      cases.push_back({"seq " + std::string(bs == 4 * KiB ? "4KiB" : "1MiB") + " " + std::to_string(gib) + " GiB",
                       writers_case(Rw::kWrite, 1, bs, gib * GiB)});
  // Writers 1, 8, 64, 256 MiB each (64 KiB calls): their folios interleave on the LRU.
  for (std::uint64_t w : {1, 8, 64})
    cases.push_back({"writers " + std::to_string(w), writers_case(Rw::kWrite, w, 64 * KiB, 256 * MiB)});
  // The same with a bounded LRU merge window (page_cache/lru_merge_window_runs).
  for (std::uint64_t w : {8, 64}) {
    cases.push_back({"writers " + std::to_string(w) + " window 64", writers_case(Rw::kWrite, w, 64 * KiB, 256 * MiB)});
    cases.back().scenario.page_cache.lru_merge_window_runs = 64;
  }
  // A cache fragmented by random 4 KiB writes, 64 and 256 MiB.
  for (std::uint64_t m : {64, 256})
    cases.push_back(
        {"randwrite 4KiB " + std::to_string(m) + " MiB", writers_case(Rw::kRandWrite, 1, 4 * KiB, m * MiB)});

  // Last: the largest. (A child's peak RSS counts the pages it shares with
  // the parent at fork, so the parent is kept small: results are trimmed.)
  add_file(cases, "axboe", source + "/scenarios/axboe_buffered_vs_uncached.json");
  std::printf("%-30s %9s %9s %11s %13s %12s %9s %9s\n", "case", "wall_s", "sim_s", "write_calls", "calls/wall_s",
              "sim_s/wall_s", "rss_MiB", "pc_runs");
  for (auto& c : cases) {
    if (!only.empty() && c.name.find(only) == std::string::npos) continue;
    auto start = std::chrono::steady_clock::now();
    // The child reports its own peak memory: the parent's is not the run's.
    auto result = foliosim::run_isolated([&c] {
      foliosim::Json r = foliosim::variant_output(foliosim::simulate(c.scenario)).summary;
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      r["peak_rss_kib"] = usage.ru_maxrss;
      return r;
    });
    const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto calls = result["write_calls"].get<std::uint64_t>();
    const double sim_s = result["sim_time_s"].get<double>();
    std::printf("%-30s %9.3f %9.4f %11llu %13.0f %12.5f %9.1f %9llu\n", c.name.c_str(), wall_s, sim_s,
                static_cast<unsigned long long>(calls), static_cast<double>(calls) / wall_s, sim_s / wall_s,
                result["peak_rss_kib"].get<double>() / 1024.0,
                static_cast<unsigned long long>(result["page_cache_runs"].get<std::uint64_t>()));
    std::fflush(stdout);
  }
  return 0;
}
