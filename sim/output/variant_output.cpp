#include "sim/output/variant_output.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/output/fio_json.hpp"
#include "sim/output/latency_attribution.hpp"
#include "sim/output/number_text.hpp"
#include "sim/output/stat_writers.hpp"

namespace foliosim {

namespace {

Json tail_calls_json(const workload::TailRecorder& tail) {
  Json out = Json::array();
  for (const auto& w : tail.slowest()) {
    Json events = Json::array();
    for (const auto& e : w.events)
      events.push_back({{"component", e.component}, {"start_s", e.start_s}, {"end_s", e.end_s}, {"after", e.after}});
    out.push_back({{"start_s", w.start_s}, {"latency_s", w.latency_s}, {"events", events}});
  }
  return out;
}

// One row of bdi_estimates.csv: an update of one device's estimates.
struct EstimateRow {
  const std::string* device = nullptr;
  writeback::EstimateUpdate update{};
};

void estimate_row(CsvStatWriter& f, const EstimateRow& row) {
  static const std::string none;
  f.seconds("time_s", row.update.time_s, "when the estimates were updated");
  f.text("device", row.device ? *row.device : none, "the device whose bdi it is");
  row.update.stats(f);
}

std::string bdi_estimates_csv(const VariantRun& run) {
  std::vector<EstimateRow> rows;
  for (const auto& d : run.devices)
    if (d.estimate)
      for (const auto& u : d.estimate->updates()) rows.push_back({&d.name, u});
  // By time; devices in index order at the same moment.
  std::stable_sort(rows.begin(), rows.end(),
                   [](const EstimateRow& a, const EstimateRow& b) { return a.update.time_s < b.update.time_s; });
  return csv_text(rows, estimate_row);
}

std::string latency_cdf_csv(const LatencyHistogram& histogram) {
  // One row per non-empty histogram bucket: its upper value and the fraction
  // of writes at or below it (exact to the histogram's 1/2048).
  std::string csv = "latency_us,cumulative_fraction\n";
  for (const auto& [latency_s, fraction] : histogram.cdf()) {
    append_fixed(csv, latency_s * 1e6, 3);
    csv += ',';
    append_fixed(csv, fraction, 9);
    csv += '\n';
  }
  return csv;
}

// The slowest calls' critical paths, aggregated (see latency_attribution.hpp),
// under "tail_attribution<suffix>" and how many calls as `count_key`.
void attribute_tail(Json& summary, const Json& tail_calls, const std::string& suffix, const std::string& count_key) {
  try {
    const TailAttribution attribution = attribute_tail_writes(tail_calls);
    summary["tail_attribution" + suffix] = attribution_json(attribution);
    summary[count_key] = attribution.writes;
  } catch (const std::invalid_argument& e) {
    // A bad record is the simulator's bug; keep the run and say so.
    summary["tail_attribution" + suffix + "_error"] = e.what();
  }
}

}  // namespace

VariantOutput variant_output(const VariantRun& run) {
  VariantOutput out;
  JsonStatWriter summary;
  run.stats(summary);
  out.summary = std::move(summary.json());
  out.tail_writes = tail_calls_json(run.workload.tail);
  attribute_tail(out.summary, out.tail_writes, "", "tail_attribution_writes");
  if (run.workload.read_calls > 0) {
    out.tail_reads = tail_calls_json(run.workload.read_tail);
    attribute_tail(out.summary, out.tail_reads, "_reads", "tail_attribution_read_calls");
    out.read_latency_cdf_csv = latency_cdf_csv(run.workload.read_latency);
  }
  out.time_series_csv = csv_text(run.series, [](CsvStatWriter& f, const MemorySample& s) { s.stats(f); });
  out.latency_cdf_csv = latency_cdf_csv(run.workload.write_latency);
  out.bdi_estimates_csv = bdi_estimates_csv(run);
  out.fio_jobs = Json::array();
  for (const auto& job : run.workload.jobs) {
    out.fio_jobs.push_back(fio_job_json(job));
    out.job_latency_cdf_csvs.push_back(
        latency_cdf_csv(job.write_calls || !job.read_calls ? job.write_latency : job.read_latency));
  }
  return out;
}

Json VariantOutput::to_json() const {
  return Json{{"summary", summary},
              {"tail_writes", tail_writes},
              {"tail_reads", tail_reads},
              {"time_series_csv", time_series_csv},
              {"latency_cdf_csv", latency_cdf_csv},
              {"read_latency_cdf_csv", read_latency_cdf_csv},
              {"bdi_estimates_csv", bdi_estimates_csv},
              {"fio_jobs", fio_jobs},
              {"job_latency_cdf_csvs", job_latency_cdf_csvs}};
}

VariantOutput VariantOutput::from_json(const Json& json) {
  try {
    VariantOutput out;
    out.summary = json.at("summary");
    out.tail_writes = json.at("tail_writes");
    out.tail_reads = json.at("tail_reads");
    out.time_series_csv = json.at("time_series_csv").get<std::string>();
    out.latency_cdf_csv = json.at("latency_cdf_csv").get<std::string>();
    out.read_latency_cdf_csv = json.at("read_latency_cdf_csv").get<std::string>();
    out.bdi_estimates_csv = json.at("bdi_estimates_csv").get<std::string>();
    out.fio_jobs = json.at("fio_jobs");
    out.job_latency_cdf_csvs = json.at("job_latency_cdf_csvs").get<std::vector<std::string>>();
    return out;
  } catch (const Json::exception& e) {
    throw InternalError(std::string("a variant's results came back malformed: ") + e.what());
  }
}

std::string results_reference() {
  // A run with one device of each kind of entry, so every figure shows.
  VariantRun run;
  run.devices.push_back({"nvme0", {}, 0, 0, writeback::BandwidthEstimate(1, 1)});
  run.sampler.decimations = 1;  // the figures a halved time series adds
  run.workload.jobs.resize(1);  // the figures of a job and a phase
  ReferenceWriter summary;
  summary.text("variant", "", "the variant's name");
  summary.text("description", "", "what the variant changes (when the scenario says)");
  summary.count("seed", 0, "the seed its random streams derive from");
  run.stats(summary);
  summary.group("tail_attribution", "critical-path seconds per component over the slowest writes", [](auto&) {});
  summary.count("tail_attribution_writes", 0, "how many slowest writes tail_attribution covers");
  summary.group("tail_attribution_reads", "critical-path seconds per component over the slowest reads (when any)",
                [](auto&) {});
  summary.count("tail_attribution_read_calls", 0, "how many slowest reads tail_attribution_reads covers");
  summary.group("published", "(top level) each published figure beside the simulated one, when the scenario lists them",
                [](auto&) {});
  ReferenceWriter series;
  MemorySample{}.stats(series);
  ReferenceWriter estimates;
  estimates.seconds("time_s", 0, "when the estimates were updated");
  estimates.text("device", "", "the device whose bdi it is");
  writeback::EstimateUpdate{}.stats(estimates);
  const std::string head = "| figure | unit | meaning |\n|---|---|---|\n";
  return "### summary.json, per variant\n\n" + head + summary.rows() + "\n### variants/<variant>/timeseries.csv\n\n" +
         head + series.rows() + "\n### variants/<variant>/bdi_estimates.csv\n\n" + head + estimates.rows();
}

}  // namespace foliosim
