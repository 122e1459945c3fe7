#include "sim/output/plot_data.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "sim/output/number_text.hpp"

namespace foliosim {
namespace {

constexpr const char* kCpuPrefix = "cpu_";
constexpr const char* kCpuSuffix = "_busy_s";

// Whole numbers (byte counts) exactly, the rest to 9 significant digits,
// plenty for a plot.
void add_field(std::string& csv, double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15)
    append_fixed(csv, v, 0);
  else
    append_general(csv, v, 9);
}

// Comma-joined values and the line's end.
template <class It>
void add_row(std::string& csv, It first, It last) {
  for (It it = first; it != last; ++it) {
    if (it != first) csv += ',';
    add_field(csv, *it);
  }
  csv += '\n';
}

void add_row(std::string& csv, std::initializer_list<double> values) { add_row(csv, values.begin(), values.end()); }

std::string join(const std::vector<std::string>& names) {
  std::string line;
  for (std::size_t i = 0; i < names.size(); ++i) line += (i ? "," : "") + names[i];
  return line + "\n";
}

// Linear interpolation of a sampled counter at `t`, clamped to the samples.
double counter_at(const std::vector<double>& time, const std::vector<double>& counter, double t) {
  if (t <= time.front()) return counter.front();
  if (t >= time.back()) return counter.back();
  const auto after = static_cast<std::size_t>(std::upper_bound(time.begin(), time.end(), t) - time.begin());
  const std::size_t before = after - 1;
  const double span = time[after] - time[before];
  if (span <= 0) return counter[after];
  return counter[before] + (counter[after] - counter[before]) * (t - time[before]) / span;
}

double column_or_zero(const CsvTable& table, const std::string& name, std::size_t row_index) {
  return table.has(name) ? table.column(name)[row_index] : 0;
}

}  // namespace

std::vector<double> moving_rate(const std::vector<double>& time, const std::vector<double>& counter, double window_s) {
  std::vector<double> rates(time.size(), 0);
  if (time.size() < 2) return rates;
  for (std::size_t i = 0; i < time.size(); ++i) {
    const double from = std::max(time.front(), time[i] - window_s / 2);
    const double to = std::min(time.back(), time[i] + window_s / 2);
    if (to > from) rates[i] = (counter_at(time, counter, to) - counter_at(time, counter, from)) / (to - from);
  }
  return rates;
}

std::vector<std::string> cpu_components(const CsvTable& time_series) {
  const std::string prefix = kCpuPrefix, suffix = kCpuSuffix;
  std::vector<std::string> components;
  for (const std::string& name : time_series.names()) {
    if (name.size() > prefix.size() + suffix.size() && name.compare(0, prefix.size(), prefix) == 0 &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      components.push_back(name.substr(prefix.size(), name.size() - prefix.size() - suffix.size()));
  }
  return components;
}

std::string latency_cdf_data(const PlotSeries& series, bool reads) {
  std::string csv = "latency_us,cumulative_fraction\n";
  const CsvTable& cdf = reads ? series.read_latency_cdf : series.latency_cdf;
  if (cdf.rows() == 0) return csv;
  const std::vector<double>& latency = cdf.column("latency_us");
  const std::vector<double>& fraction = cdf.column("cumulative_fraction");
  // The fastest write: the histogram's min, which the summary does not keep;
  // the first bucket's upper value is within the histogram's error of it.
  add_row(csv, {latency.front(), 0});
  for (std::size_t i = 0; i < cdf.rows(); ++i) add_row(csv, {latency[i], fraction[i]});
  return csv;
}

std::string latency_percentiles_data(const PlotSeries& series, bool reads) {
  std::string csv = "fraction,latency_us\n";
  const Json& latency = series.summary.value(reads ? "read_latency_us" : "write_latency_us", Json::object());
  for (auto [key, fraction] : {std::pair{"p50", 0.5}, {"p99", 0.99}, {"p999", 0.999}})
    if (latency.contains(key)) add_row(csv, {fraction, latency[key].get<double>()});
  return csv;
}

std::string page_cache_data(const PlotSeries& series) {
  const CsvTable& ts = series.time_series;
  std::string csv = join({"time_s", "cached_bytes", "clean_bytes", "dirty_bytes", "writeback_bytes", "dropbehind_bytes",
                          "zeroed_bytes", "dirty_thresh_bytes", "dirty_bg_thresh_bytes", "memory_limit_bytes"});
  const double limit = series.summary.value("memory_limit_bytes", 0.0);
  for (std::size_t i = 0; i < ts.rows(); ++i) {
    const double cached = ts.column("cached_bytes")[i];
    const double dirty = ts.column("dirty_bytes")[i];
    const double writeback = ts.column("writeback_bytes")[i];
    // A folio redirtied under writeback counts in both: clean never below 0.
    const double clean = std::max(0.0, cached - dirty - writeback);
    add_row(csv, {ts.column("time_s")[i], cached, clean, dirty, writeback, column_or_zero(ts, "dropbehind_bytes", i),
                column_or_zero(ts, "zeroed_bytes", i), column_or_zero(ts, "dirty_thresh_bytes", i),
                column_or_zero(ts, "dirty_bg_thresh_bytes", i), limit});
  }
  return csv;
}

std::string throughput_data(const PlotSeries& series, double window_s) {
  const CsvTable& ts = series.time_series;
  std::string csv = join(
      {"time_s", "app_write_bytes", "device_write_bytes", "app_Bps", "device_Bps", "app_read_Bps", "device_read_Bps"});
  const std::vector<double>& time = ts.column("time_s");
  const std::vector<double> app = moving_rate(time, ts.column("app_write_bytes"), window_s);
  const std::vector<double> device = moving_rate(time, ts.column("device_write_bytes"), window_s);
  // Results written before reads were modelled have no read columns.
  const std::vector<double> none(ts.rows(), 0.0);
  const auto rate_of = [&](const char* column) {
    return ts.has(column) ? moving_rate(time, ts.column(column), window_s) : none;
  };
  const std::vector<double> app_read = rate_of("app_read_bytes"), device_read = rate_of("device_read_bytes");
  for (std::size_t i = 0; i < ts.rows(); ++i)
    add_row(csv, {time[i], ts.column("app_write_bytes")[i], ts.column("device_write_bytes")[i], app[i], device[i],
                app_read[i], device_read[i]});
  return csv;
}

std::string cpu_data(const PlotSeries& series, double window_s) {
  const CsvTable& ts = series.time_series;
  const std::vector<std::string> components = cpu_components(ts);
  std::vector<std::string> names{"time_s"};
  std::vector<const std::vector<double>*> busy;
  std::vector<std::vector<double>> percent;
  const std::vector<double>& time = ts.column("time_s");
  for (const std::string& c : components) {
    busy.push_back(&ts.column(kCpuPrefix + c + kCpuSuffix));
    percent.push_back(moving_rate(time, *busy.back(), window_s));
    for (double& p : percent.back()) p *= 100;
    names.push_back(c + "_busy_s");
    names.push_back(c + "_cpu_pct");
  }
  std::string csv = join(names);
  for (std::size_t i = 0; i < ts.rows(); ++i) {
    std::vector<double> values{time[i]};
    for (std::size_t c = 0; c < components.size(); ++c) {
      values.push_back((*busy[c])[i]);
      values.push_back(percent[c][i]);
    }
    add_row(csv, values.begin(), values.end());
  }
  return csv;
}

std::string device_queue_data(const PlotSeries& series) {
  const CsvTable& ts = series.time_series;
  std::string csv = "time_s,queued_requests\n";
  for (std::size_t i = 0; i < ts.rows(); ++i)
    add_row(csv, {ts.column("time_s")[i], ts.column("device_queued_requests")[i]});
  return csv;
}

}  // namespace foliosim
