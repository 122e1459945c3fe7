// The CSV behind each plot, one file per plotted series (a variant), derived
// from what a run wrote: the variant's time series, its latency CDF and its
// summary entry. Rates are moving averages of the cumulative counters.
#pragma once

#include <string>

#include "sim/input/json_fields.hpp"
#include "sim/output/csv_table.hpp"

namespace foliosim {

// One variant as the plots see it.
struct PlotSeries {
  std::string key;  // legend title and file-name part: "qd128", or "A.qd128" in a comparison
  Json summary;     // the variant's entry of summary.json
  CsvTable time_series;
  CsvTable latency_cdf;
  CsvTable read_latency_cdf;  // no rows when the variant made no reads
};

// latency_us,cumulative_fraction: the CDF with a first row at the fastest
// write and fraction 0, so that drawn as steps it starts from the axis.
std::string latency_cdf_data(const PlotSeries& series, bool reads = false);
// fraction,latency_us: the summary's p50, p99 and p99.9.
std::string latency_percentiles_data(const PlotSeries& series, bool reads = false);
// time_s and, in bytes: cached (total), clean, dirty, under writeback,
// drop-behind, zeroed by the filesystem, the two dirty thresholds and the
// memory limit (0: none). Clean is what is neither dirty nor under writeback.
std::string page_cache_data(const PlotSeries& series);
// time_s, the cumulative app and device bytes, and their rates in bytes/s
// averaged over `window_s` centred on each sample.
std::string throughput_data(const PlotSeries& series, double window_s);
// time_s and, per CPU component (writers, completion, flusher, kswapd, ...):
// cumulative busy seconds and use in % of one CPU averaged over `window_s`.
std::string cpu_data(const PlotSeries& series, double window_s);
// time_s,queued_requests: waiting or in service, all devices, as sampled.
std::string device_queue_data(const PlotSeries& series);

// The CPU components of a time series, from its cpu_<name>_busy_s columns.
std::vector<std::string> cpu_components(const CsvTable& time_series);

// Rate of the cumulative `counter` (sampled at `time`) over `window_s`
// centred on each sample, clipped to the sampled span; counters are linear
// between samples.
std::vector<double> moving_rate(const std::vector<double>& time, const std::vector<double>& counter, double window_s);

}  // namespace foliosim
