// Prints how fast the simulator runs: wall seconds, simulated write calls per
// wall second and peak process memory, for a fixed set of cases.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "sim/simulation.hpp"

namespace {

foliosim::Scenario sequential_write(const char* mode, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  foliosim::Scenario s;
  s.name = "bench";
  // Memory large enough to hold every byte written in the cache.
  s.machine.memory_bytes = 64ULL << 30;
  s.devices.resize(1);
  s.devices[0].name = "dev0";
  s.devices[0].capacity_bytes = 64ULL << 30;
  s.filesystem.device = "dev0";
  s.jobs.resize(1);
  s.jobs[0].name = "writer";
  s.jobs[0].mode = mode;
  s.jobs[0].bs_bytes = bs_bytes;
  s.jobs[0].size_bytes = size_bytes;
  return s;
}

struct Case {
  const char* name;
  foliosim::Scenario scenario;
};

}  // namespace

int main(int argc, char** argv) {
  // An argument selects the cases whose name contains it.
  const std::string only = argc > 1 ? argv[1] : "";
  Case cases[] = {
      {"direct 64MiB bs=4KiB", sequential_write("direct", 4096, 64ULL << 20)},
      {"direct 1GiB bs=1MiB", sequential_write("direct", 1 << 20, 1ULL << 30)},
      {"buffered 1GiB bs=4KiB", sequential_write("buffered", 4096, 1ULL << 30)},
      {"buffered 1GiB bs=1MiB", sequential_write("buffered", 1 << 20, 1ULL << 30)},
      {"buffered 16GiB bs=4KiB", sequential_write("buffered", 4096, 16ULL << 30)},
      {"buffered 16GiB bs=1MiB", sequential_write("buffered", 1 << 20, 16ULL << 30)},
  };
  std::printf("%-28s %10s %10s %14s %16s %14s\n", "case", "wall_s", "sim_s", "write_calls", "calls_per_wall_s",
              "peak_rss_MiB");
  for (auto& c : cases) {
    if (!only.empty() && std::string(c.name).find(only) == std::string::npos) continue;
    auto start = std::chrono::steady_clock::now();
    // The child reports its own peak memory: the parent's is not the run's.
    auto result = foliosim::run_isolated([&c] {
      auto r = foliosim::simulate(c.scenario);
      r.erase(foliosim::kTimeSeriesKey);
      rusage usage{};
      getrusage(RUSAGE_SELF, &usage);
      r["peak_rss_kib"] = usage.ru_maxrss;
      return r;
    });
    double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    auto calls = result["write_calls"].get<std::uint64_t>();
    std::printf("%-28s %10.3f %10.4f %14llu %16.0f %14.1f\n", c.name, wall_s, result["sim_time_s"].get<double>(),
                static_cast<unsigned long long>(calls), static_cast<double>(calls) / wall_s,
                result["peak_rss_kib"].get<double>() / 1024.0);
  }
  return 0;
}
