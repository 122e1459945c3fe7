// fio jobs onto the scenario's native jobs (models/workload/job_params.hpp):
// each option is mapped to a job field, accepted as having no effect in the
// model (with the reason in scenarios/fio/README.md), or refused by name with
// its file and line, unless the user chose to --ignore it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "models/workload/file_spec.hpp"
#include "models/workload/job_params.hpp"
#include "sim/input/fio/fio_ini.hpp"

namespace foliosim::fio {

// What of the machine a job's options depend on.
struct FioMachineFacts {
  // Capacity of the device the jobs' files live on: the base of size=N% and
  // offset=N% when the job gives no filesize (fio takes the file's or the
  // device's size); nullopt: unknown, such percentages are refused.
  std::optional<std::uint64_t> device_capacity_bytes;
};

struct FioWorkload {
  std::vector<workload::JobParams> jobs;
  // The files overwrite=1 lays out before the jobs (workload/files).
  std::vector<workload::FileSpec> files;
  // The first `description` option, for the scenario's description; "" if none.
  std::string description;
};

// Maps every job of `file`; options named in `ignored` are dropped as if
// absent. Throws ConfigError naming the option's file and line (or JSON path).
FioWorkload map_fio_jobs(const FioJobFile& file, const FioMachineFacts& machine,
                         const std::set<std::string>& ignored = {});

// Calls a time-based random job may make at most: more than any runtime
// reaches (the runtime stops it), few enough that calls x bs fits 64 bits.
std::uint64_t time_based_calls(std::uint64_t bs_bytes);

}  // namespace foliosim::fio
