// fio job files as scenario input: `foliosim run JOB.fio [--machine M.json]`
// (the machine from M.json, every section but the workload) and a scenario's
// `"workload": {"fio": "jobs/x.fio"}` or `{"fio_options": {...}}`, both turned
// into the scenario's native jobs before anything else reads them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sim/input/fio/fio_ini.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim::fio {

// Whether `path` is read as a fio job file: its name ends in .fio, or its
// first character that is not a space is not '{' (a scenario is a JSON object).
bool is_fio_job_file(const std::string& path);

// The machine `run JOB.fio` uses without --machine: the quickstart's (two
// 2.5 GHz CPUs, 24 GiB, one 3 GB/s NVMe device "nvme0" of 16 GiB, XFS).
Json default_machine_json();

// The scenario of the job file at `job_path` on the machine of the scenario
// at `machine_path` ("": the default machine): every section of it but name,
// description, workload, variants and published; named for the job file's stem.
Json fio_scenario_json(const std::string& job_path, const std::string& machine_path,
                       const std::set<std::string>& ignored, const EnvLookup& env = process_env);

// Replaces a scenario's `"workload": {"fio": FILE}` (relative to
// `scenario_file`) or `{"fio_options": {"global": {...}, "jobs": [{...}]}}`,
// with an optional `"ignore": [names]`, by `{"jobs": [native jobs]}`; leaves
// any other workload alone. Throws ConfigError.
void expand_fio_workload(Json& scenario, const std::string& scenario_file, const std::set<std::string>& ignored = {},
                         const EnvLookup& env = process_env);

// A scenario file or a fio job file, as `run` and `check` take them: a job
// file on `machine_path`'s machine, or a scenario (whose fio workload, if
// any, also drops the `ignored` options). --machine with a scenario is refused.
ScenarioFile load_scenario_or_job_file(const std::string& path, const std::vector<std::string>& overrides,
                                       const std::string& machine_path, const std::vector<std::string>& ignored);

}  // namespace foliosim::fio
