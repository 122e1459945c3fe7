#include "sim/output/fio_json.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace foliosim {

namespace {

// fio's default percentile_list (fio's HOWTO, clat_percentiles).
constexpr double kFioPercentiles[] = {1, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 99, 99.5, 99.9, 99.95, 99.99};

std::uint64_t to_ns(double seconds) { return static_cast<std::uint64_t>(std::llround(seconds * 1e9)); }

// add_ddir_lat_json: min, max, mean, stddev, N, and the percentiles when
// there are samples (keys printed with "%f", as fio does).
Json lat_json(const LatencyHistogram& h) {
  Json out;
  out["min"] = to_ns(h.min_s());
  out["max"] = to_ns(h.max_s());
  out["mean"] = h.mean_s() * 1e9;
  out["stddev"] = h.stddev_s() * 1e9;
  out["N"] = h.count();
  if (h.count() == 0) return out;
  Json percentiles = Json::object();
  for (const double p : kFioPercentiles) {
    char key[32];
    std::snprintf(key, sizeof key, "%f", p);
    percentiles[key] = to_ns(h.percentile_s(p));
  }
  out["percentile"] = percentiles;
  return out;
}

// add_ddir_status_json for read, write or trim: bw_bytes = 1000 * io_bytes /
// runtime_ms (whole numbers), bw in KiB/s, iops = 1000.0 * total_ios / runtime.
Json ddir_json(std::uint64_t bytes, std::uint64_t calls, const LatencyHistogram& latency, std::uint64_t runtime_ms) {
  Json out;
  const std::uint64_t runtime = calls ? runtime_ms : 0;
  const std::uint64_t bw_bytes = runtime ? 1000 * bytes / runtime : 0;
  out["io_bytes"] = bytes;
  out["io_kbytes"] = bytes >> 10;
  out["bw_bytes"] = bw_bytes;
  out["bw"] = bw_bytes / 1024;
  out["iops"] = runtime ? 1000.0 * static_cast<double>(calls) / static_cast<double>(runtime) : 0.0;
  out["runtime"] = runtime;
  out["total_ios"] = calls;
  out["short_ios"] = 0;
  out["drop_ios"] = 0;
  // The model's calls are synchronous: submission is part of completion,
  // so slat is empty and clat is the whole call, as lat is.
  out["slat_ns"] = lat_json(LatencyHistogram{});
  out["clat_ns"] = lat_json(latency);
  out["lat_ns"] = lat_json(latency);
  return out;
}

// The disk_util entry of one device of a variant's summary: ios, sectors
// (512 bytes), merges, ticks (ms busy; the model does not split busy time
// by direction, so all of it goes to the direction with requests, writes
// first), in_queue and util (busy over the run, percent).
Json disk_json(const Json& device, double sim_time_s) {
  Json out;
  const std::uint64_t read_ios = device.value("read_requests", std::uint64_t{0});
  const std::uint64_t write_ios = device.value("write_requests", std::uint64_t{0});
  const double busy_s = device.value("busy_s", 0.0);
  const auto busy_ms = static_cast<std::uint64_t>(std::llround(busy_s * 1000));
  out["name"] = device.value("name", std::string());
  out["read_ios"] = read_ios;
  out["write_ios"] = write_ios;
  out["read_sectors"] = device.value("read_bytes", std::uint64_t{0}) / 512;
  out["write_sectors"] = device.value("write_bytes", std::uint64_t{0}) / 512;
  out["read_merges"] = 0;
  out["write_merges"] = device.value("merges", std::uint64_t{0});
  out["read_ticks"] = write_ios ? 0 : busy_ms;
  out["write_ticks"] = write_ios ? busy_ms : 0;
  out["in_queue"] = busy_ms;
  out["util"] = sim_time_s > 0 ? std::min(100.0, 100.0 * busy_s / sim_time_s) : 0.0;
  return out;
}

}  // namespace

Json fio_job_json(const workload::JobStats& job) {
  const double runtime_s = job.start_s >= 0 ? job.end_s - job.start_s : 0;
  const auto runtime_ms = static_cast<std::uint64_t>(std::llround(runtime_s * 1000));
  Json out;
  out["jobname"] = job.name;
  out["groupid"] = job.phase;
  out["error"] = 0;
  out["read"] = ddir_json(job.read_bytes, job.read_calls, job.read_latency, runtime_ms);
  out["write"] = ddir_json(job.write_bytes, job.write_calls, job.write_latency, runtime_ms);
  out["trim"] = ddir_json(0, 0, LatencyHistogram{}, 0);
  Json sync;
  sync["total_ios"] = job.fsync_calls;
  sync["lat_ns"] = lat_json(job.fsync_latency);
  out["sync"] = sync;
  out["job_runtime"] = runtime_ms;
  out["usr_cpu"] = 0.0;
  out["sys_cpu"] = 0.0;
  out["ctx"] = 0;
  out["majf"] = 0;
  out["minf"] = 0;
  return out;
}

Json fio_document(const std::vector<std::string>& variant_names, const std::vector<Json>& variant_jobs,
                  const std::vector<Json>& variant_summaries, const Json& global_options, long long unix_time_ms,
                  const std::string& version) {
  Json doc;
  doc["fio version"] = "foliosim-" + version;
  doc["timestamp"] = unix_time_ms / 1000;
  doc["timestamp_ms"] = unix_time_ms;
  const std::time_t t = static_cast<std::time_t>(unix_time_ms / 1000);
  char text[64];
  std::strftime(text, sizeof text, "%a %b %e %H:%M:%S %Y", std::gmtime(&t));
  doc["time"] = text;
  doc["global options"] = global_options.is_object() ? global_options : Json::object();
  doc["jobs"] = Json::array();
  for (std::size_t v = 0; v < variant_jobs.size(); ++v)
    for (Json job : variant_jobs[v]) {
      if (variant_jobs.size() > 1) job["jobname"] = variant_names[v] + "/" + job["jobname"].get<std::string>();
      doc["jobs"].push_back(job);
    }
  doc["disk_util"] = Json::array();
  for (std::size_t v = 0; v < variant_summaries.size(); ++v)
    for (const auto& device : variant_summaries[v].value("devices", Json::array())) {
      Json disk = disk_json(device, variant_summaries[v].value("sim_time_s", 0.0));
      if (variant_summaries.size() > 1) disk["name"] = variant_names[v] + "/" + disk["name"].get<std::string>();
      doc["disk_util"].push_back(disk);
    }
  return doc;
}

}  // namespace foliosim
