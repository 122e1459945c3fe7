// A scenario: the machine, its devices and filesystem, the kernel settings and
// the workload, read from JSON whose sections mirror the model folders.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/block_device/device_params.hpp"
#include "models/cpu/cpu_params.hpp"
#include "models/filesystem/filesystem_params.hpp"
#include "models/page_cache/page_cache_params.hpp"
#include "models/reclaim/reclaim_params.hpp"
#include "models/workload/file_spec.hpp"
#include "models/workload/job_params.hpp"
#include "models/writeback/writeback_params.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/published.hpp"

namespace foliosim {

// Limits that keep a run bounded (README "Scenario format"; the per-field
// ones are in the params headers' fields()).
// Shortest sample_interval: 1 us. The time series keeps at most
// kMaxTimeseriesRows rows whatever the interval, but each sample is an event,
// and shorter steps come near the resolution of the clock.
inline constexpr double kMinSampleIntervalS = 1e-6;
// Rows the time series keeps at most (even, for decimation): 131072, over
// two minutes at the default 1 ms, about 25 MB of samples.
inline constexpr std::uint64_t kMaxTimeseriesRows = std::uint64_t{1} << 17;
// Clones of all jobs together (numjobs summed), as for numjobs itself.
inline constexpr std::uint64_t kMaxClones = 4096;
// Deepest nesting of objects and lists in a scenario file or a --set value:
// a scenario needs 4 levels; deeper input is refused before it is built, as
// copying it recurses once a level.
inline constexpr std::size_t kMaxJsonDepth = 64;

struct Scenario {
  // Names the scenario: the summary's "scenario", the report's title and
  // the default results directory, results/<name> (required; no slashes).
  std::string name;
  // The question the scenario asks, opening the report (optional).
  std::string description;
  // Seeds every random stream (one per model or job: random_streams.hpp);
  // same scenario and seed give byte-identical results.
  std::uint64_t seed = 1;
  // The model sections, one per model folder; each header says what its
  // knobs do, and models/README.md how the defaults were derived.
  cpu::MachineParams machine;
  cpu::CpuCostParams cpu;
  std::vector<block_device::DeviceParams> devices;
  filesystem::FilesystemParams filesystem;
  page_cache::PageCacheParams page_cache;
  writeback::WritebackParams writeback;
  reclaim::ReclaimParams reclaim;
  // The scenario's "workload/jobs": the writers (and readers).
  std::vector<workload::JobParams> jobs;
  // The scenario's "workload/files": files that exist before the run, laid
  // out and cached at time 0 (file_spec.hpp).
  std::vector<workload::FileSpec> files;
  // The run lasts at least this long, so the daemons (flusher, kswapd) can
  // be watched after the jobs end; 0: until the last job ends. At most
  // kMaxSimulatedTimeS (a week).
  double run_for_s = 0;
  // Interval of the time series (memory, device bytes) in the results; at
  // least kMinSampleIntervalS. Smaller: finer series, larger CSVs and more
  // sampling events (slower). A long run doubles it as often as needed to
  // keep timeseries_rows_max rows (summary.json says the interval used).
  double sample_interval_s = 1e-3;
  // Not a scenario field (always kMaxTimeseriesRows there): tests lower it.
  std::uint64_t timeseries_rows_max = kMaxTimeseriesRows;
  // Writes slower than this percentile are kept with the events they waited
  // on, for latency attribution; at most the slowest `tail_writes_max`, so
  // memory does not grow with the calls. Lower percentile or higher max:
  // more writes explained, more memory and output.
  double tail_percentile = 99.9;
  std::uint64_t tail_writes_max = 1000;

  // Index in `devices` of the device a job's files live on.
  std::size_t device_of(const workload::JobParams& job) const;
  // Index in `devices` of the named device; "" is the filesystem's.
  std::size_t device_index(const std::string& name) const;
};

// Why `name` cannot be a file or directory name (results/<name>/,
// variants/<name>/: empty, a NUL, a separator, "." or ".."), or nullptr.
const char* path_name_problem(const std::string& name);

// Parses and validates a scenario (without its "variants"); throws
// ConfigError naming `file` and the JSON path of the first bad value.
Scenario parse_scenario(const Json& root, const std::string& file);

// Every value of the scenario, defaults included, with units: reading it back
// gives the same scenario.
Json resolved_json(const Scenario& scenario);

struct VariantSpec {
  std::string name;
  std::string description;
  Json set;  // "devices/0/queue_depth" -> value
};

// A scenario file as read: its JSON with command-line overrides applied, and
// its variants (one named "base" when it declares none).
struct ScenarioFile {
  std::string file;
  Json base;
  std::vector<VariantSpec> variants;
  PublishedSection published;  // empty: none
};

// JSON text, refused with the line and column where it is malformed, or
// nested deeper than kMaxJsonDepth; `file` names it in errors.
Json parse_json_text(const std::string& text, const std::string& file);
// The same, read from `path` (ConfigError when it cannot be opened).
Json read_json_file(const std::string& path);

// Reads `path`, applies each "path=value" of `overrides` (from --set).
// Throws ConfigError on unreadable files, malformed JSON (with line and
// column), bad overrides and malformed variants.
ScenarioFile load_scenario_file(const std::string& path, const std::vector<std::string>& overrides = {});
// Same, from text already in memory; `file` names it in errors.
ScenarioFile parse_scenario_text(const std::string& text, const std::string& file,
                                 const std::vector<std::string>& overrides = {});
// Same, from JSON already parsed. A fio workload (`"workload": {"fio": ...}`,
// sim/input/fio/fio_scenario.hpp) becomes native jobs first.
ScenarioFile parse_scenario_json(Json scenario, const std::string& file,
                                 const std::vector<std::string>& overrides = {});

struct ResolvedVariant {
  std::string name;
  std::string description;
  Scenario scenario;
};

// Applies each variant's overrides to the base and validates the result;
// `only` selects one variant by name ("" for all).
std::vector<ResolvedVariant> resolve_variants(const ScenarioFile& scenario_file, const std::string& only = "");

// Sets `value` at `path` ("devices/0/queue_depth") inside `root`; objects on
// the way are created, array indexes must exist. Throws std::invalid_argument.
void set_by_path(Json& root, const std::string& path, const Json& value);

}  // namespace foliosim
