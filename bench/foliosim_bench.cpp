// Prints how fast the simulator runs, for a fixed set of cases: the Axboe
// scenario at full scale, the calibration cases, and scaling series (bytes,
// writers, a cache fragmented by random 4 KiB writes, reads). Per case: wall
// seconds, simulated seconds, simulated calls (writes and reads) per wall second,
// simulated seconds per wall second, the simulating child's peak memory, and
// the simulated events per MiB the application wrote, the figure that drives
// the wall time: SimGrid's time steps, its completed activities (sleeps and
// executions), the actors' sleeps, and device requests.
//
// `foliosim_bench --scenarios [--save] [FILTER]` instead runs every variant
// of every shipped scenario and prints its wall time and peak memory beside
// those of bench/scenario_baseline.json (what the last `--save` measured), so
// a slowdown shows in the next run. `--repeat N` runs each case N times and
// prints the fastest run's figures and the slowest's wall time.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <simgrid/s4u/Activity.hpp>
#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>

#include "sim/engine/isolated_run.hpp"
#include "sim/engine/simulation.hpp"
#include "sim/input/scenario.hpp"
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
foliosim::Scenario writers_case(Rw rw, std::uint64_t writers, std::uint64_t bs_bytes, std::uint64_t bytes_per_writer) {
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

// A file of `bytes` written with O_DIRECT (nothing cached), then read
// sequentially in `bs_bytes` calls in `mode` by one reader.
foliosim::Scenario reads_case(foliosim::workload::IoMode mode, std::uint64_t bs_bytes, std::uint64_t bytes) {
  foliosim::Scenario s = writers_case(Rw::kWrite, 1, 1 * MiB, bytes);
  s.jobs[0].name = "file";
  s.jobs[0].mode = foliosim::workload::IoMode::kDirect;
  s.jobs[0].filename = "f";
  s.jobs[0].end_fsync = false;
  auto reader = s.jobs[0];
  reader.name = "reader";
  reader.rw = Rw::kRead;
  reader.mode = mode;
  reader.bs_bytes = bs_bytes;
  // Well after the file is written (the default device writes over 1 GB/s).
  reader.startdelay_s = 1 + static_cast<double>(bytes) / 1e9;
  s.jobs.push_back(reader);
  return s;
}

// Every variant of a shipped scenario file.
void add_file(std::deque<Case>& cases, const std::string& label, const std::string& path) {
  auto file = foliosim::load_scenario_file(path);
  for (auto& v : foliosim::resolve_variants(file)) cases.push_back({label + " " + v.name, std::move(v.scenario)});
}

struct Measured {
  double wall_s = 0;
  foliosim::Json summary;  // the variant's summary, with the child's peak_rss_kib and event counts
};

// Runs `scenario` in a child process that counts SimGrid's events as it goes
// (static signals, connected before the engine exists; they only count).
Measured measure(const foliosim::Scenario& scenario) {
  const auto start = std::chrono::steady_clock::now();
  Measured m;
  m.summary = foliosim::run_isolated([&scenario] {
    static std::uint64_t time_steps = 0, activities = 0, sleeps = 0;
    simgrid::s4u::Engine::on_time_advance_cb([](double) { ++time_steps; });
    simgrid::s4u::Activity::on_completion_cb([](const simgrid::s4u::Activity&) { ++activities; });
    simgrid::s4u::Actor::on_sleep_cb([](const simgrid::s4u::Actor&) { ++sleeps; });
    foliosim::Json r = foliosim::variant_output(foliosim::simulate(scenario)).summary;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    r["peak_rss_kib"] = usage.ru_maxrss;
    r["events"] = {{"time_steps", time_steps}, {"activities", activities}, {"sleeps", sleeps}};
    return r;
  });
  m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return m;
}

// The fastest of `repeat` runs, the one the machine disturbed least (this
// VM's wall times vary by a third from run to run), and the slowest.
struct Repeated {
  Measured fastest;
  double slowest_s = 0;
};
Repeated measure_repeated(const foliosim::Scenario& scenario, int repeat) {
  Repeated r;
  for (int i = 0; i < repeat; ++i) {
    Measured m = measure(scenario);
    r.slowest_s = std::max(r.slowest_s, m.wall_s);
    if (i == 0 || m.wall_s < r.fastest.wall_s) r.fastest = std::move(m);
  }
  return r;
}

// "  (3 runs, the slowest 21.04 s)" after a line of several runs.
std::string runs_text(const Repeated& r, int repeat) {
  if (repeat <= 1) return "";
  char text[64];
  std::snprintf(text, sizeof text, "  (%d runs, the slowest %.2f s)", repeat, r.slowest_s);
  return text;
}

std::string baseline_text(const foliosim::Json& before, const char* key) {
  if (!before.contains(key)) return "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", before[key].get<double>());
  return text;
}

// --scenarios: every shipped scenario's variants against the saved baseline.
int scenarios_mode(const std::string& only, const std::string& source, bool save, int repeat) {
  namespace fs = std::filesystem;
  const fs::path baseline_path = fs::path(source) / "bench" / "scenario_baseline.json";
  foliosim::Json baseline = foliosim::Json::object();
  if (fs::exists(baseline_path)) baseline = foliosim::read_json_file(baseline_path.string());
  std::vector<fs::path> files;
  for (const auto& dir : {fs::path(source) / "scenarios", fs::path(source) / "scenarios" / "calibration"})
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.path().extension() == ".json") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::printf("%-52s %9s %9s %9s %9s\n", "scenario variant", "wall_s", "base_s", "rss_MiB", "base_MiB");
  foliosim::Json saved = baseline;
  for (const auto& file : files) {
    std::deque<Case> cases;
    add_file(cases, file.stem().string(), file.string());
    for (const auto& c : cases) {
      if (!only.empty() && c.name.find(only) == std::string::npos) continue;
      const Repeated runs = measure_repeated(c.scenario, repeat);
      const Measured& m = runs.fastest;
      const double rss_mib = m.summary["peak_rss_kib"].get<double>() / 1024.0;
      const foliosim::Json before = baseline.value(c.name, foliosim::Json::object());
      // Beyond a fifth slower (and 50 ms, the noise of a short run): flagged.
      const bool slower = before.contains("wall_s") && m.wall_s > 1.2 * before["wall_s"].get<double>() + 0.05;
      std::printf("%-52s %9.2f %9s %9.1f %9s%s%s\n", c.name.c_str(), m.wall_s, baseline_text(before, "wall_s").c_str(),
                  rss_mib, baseline_text(before, "rss_MiB").c_str(), slower ? "  slower than the baseline" : "",
                  runs_text(runs, repeat).c_str());
      std::fflush(stdout);
      saved[c.name] = {{"wall_s", m.wall_s}, {"rss_MiB", rss_mib}};
    }
  }
  if (save) {
    std::ofstream(baseline_path) << saved.dump(2) << "\n";
    std::printf("saved: %s\n", baseline_path.string().c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // `--scenarios [--save]`: the shipped scenarios against the baseline.
  // Otherwise: the cases below. The next argument keeps only the cases whose
  // name contains it; shipped scenarios are read from the source tree
  // (FOLIOSIM_SOURCE_DIR, or the argument after it).
  std::vector<std::string> args(argv + 1, argv + argc);
  // `--repeat N`, anywhere: each case N times, its figures from the fastest run.
  int repeat = 1;
  if (const auto at = std::find(args.begin(), args.end(), "--repeat"); at != args.end()) {
    const std::string runs = std::next(at) != args.end() ? *std::next(at) : "";
    char* end = nullptr;
    const long n = std::strtol(runs.c_str(), &end, 10);
    if (runs.empty() || *end != '\0' || n < 1 || n > 1000) {
      std::fprintf(stderr, "foliosim_bench: --repeat takes a number of runs, 1 to 1000, not \"%s\"\n", runs.c_str());
      return 2;
    }
    repeat = static_cast<int>(n);
    args.erase(at, std::next(at, 2));
  }
  const bool scenarios = !args.empty() && args.front() == "--scenarios";
  if (scenarios) args.erase(args.begin());
  const bool save = scenarios && !args.empty() && args.front() == "--save";
  if (save) args.erase(args.begin());
  const std::string only = !args.empty() ? args[0] : "";
  const std::string source = args.size() > 1 ? args[1] : FOLIOSIM_SOURCE_DIR;
  if (scenarios) return scenarios_mode(only, source, save, repeat);
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

  // Reads of a 1 GiB file not cached, after it is written with O_DIRECT:
  // buffered (readahead), dontcache and O_DIRECT, 4 KiB and 64 KiB calls.
  for (auto [mode, name] : {std::pair{foliosim::workload::IoMode::kBuffered, "buffered"},
                            {foliosim::workload::IoMode::kDontcache, "dontcache"},
                            {foliosim::workload::IoMode::kDirect, "direct"}})
    for (std::uint64_t bs : {4 * KiB, 64 * KiB})
      cases.push_back({std::string("read ") + name + " " + (bs == 4 * KiB ? "4KiB" : "64KiB") + " 1 GiB",
                       reads_case(mode, bs, 1 * GiB)});

  // Last: the largest. (A child's peak RSS counts the pages it shares with
  // the parent at fork, so the parent is kept small: results are trimmed.)
  add_file(cases, "axboe", source + "/scenarios/axboe_buffered_vs_uncached.json");
  std::printf("%-30s %8s %8s %10s %11s %10s %8s %8s | per MiB: %8s %10s %8s %8s\n", "case", "wall_s", "sim_s", "calls",
              "calls/wall", "sim/wall", "rss_MiB", "pc_runs", "steps", "activities", "sleeps", "dev_reqs");
  for (auto& c : cases) {
    if (!only.empty() && c.name.find(only) == std::string::npos) continue;
    const Repeated runs = measure_repeated(c.scenario, repeat);
    const Measured& m = runs.fastest;
    const auto& r = m.summary;
    // Reads count as calls and bytes beside writes.
    const auto calls = r["write_calls"].get<std::uint64_t>() + r.value("read_calls", std::uint64_t{0});
    const double sim_s = r["sim_time_s"].get<double>();
    const double mib =
        std::max(1.0, (r["app_write_bytes"].get<double>() + r.value("app_read_bytes", 0.0)) / double(MiB));
    std::printf("%-30s %8.3f %8.4f %10llu %11.0f %10.5f %8.1f %8llu | per MiB: %8.1f %10.1f %8.1f %8.2f%s\n",
                c.name.c_str(), m.wall_s, sim_s, static_cast<unsigned long long>(calls),
                static_cast<double>(calls) / m.wall_s, sim_s / m.wall_s, r["peak_rss_kib"].get<double>() / 1024.0,
                static_cast<unsigned long long>(r["page_cache_runs"].get<std::uint64_t>()),
                r["events"]["time_steps"].get<double>() / mib, r["events"]["activities"].get<double>() / mib,
                r["events"]["sleeps"].get<double>() / mib,
                (r["device_write_requests"].get<double>() + r.value("device_read_requests", 0.0)) / mib,
                runs_text(runs, repeat).c_str());
    std::fflush(stdout);
  }
  return 0;
}
