// fio's JSON output (`--output-format=json`): the layout of fio's stat.c
// (show_thread_status_json, add_ddir_status_json, add_ddir_lat_json and the
// disk_util array), field names and units as fio writes them, so that tools
// that read fio's JSON read a simulated run. Latencies are in nanoseconds,
// runtimes in milliseconds, bw in KiB/s, bw_bytes in bytes/s.
#pragma once

#include <string>
#include <vector>

#include "models/workload/job_stats.hpp"
#include "sim/input/json_fields.hpp"

namespace foliosim {

// One job's entry of fio's "jobs" array (made where the histograms are, in
// the process that ran the engine). The model counts no per-job CPU time,
// context switches or faults: usr_cpu, sys_cpu, ctx, majf and minf are 0.
Json fio_job_json(const workload::JobStats& job);

// fio's whole document: "fio version", "timestamp", "timestamp_ms", "time",
// "global options", "jobs" (each variant's jobs; with several variants
// jobname is "<variant>/<job>"), "disk_util" (from each variant's devices in
// its summary). `unix_time_ms`: when it was written (wall time); `version`:
// foliosim's, for "fio version".
Json fio_document(const std::vector<std::string>& variant_names, const std::vector<Json>& variant_jobs,
                  const std::vector<Json>& variant_summaries, const Json& global_options, long long unix_time_ms,
                  const std::string& version);

}  // namespace foliosim
