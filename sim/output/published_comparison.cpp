#include "sim/output/published_comparison.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "sim/input/units.hpp"

namespace foliosim {

namespace {

enum class Kind { kRate, kSeconds };

Kind kind_of(Measure measure) { return measure_is_rate(measure) ? Kind::kRate : Kind::kSeconds; }

std::string three_digits(double value, const char* unit) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g %s", value, unit);
  return text;
}

std::string show(double value, Kind kind, bool ratio) {
  if (ratio) {
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", value);
    return text;
  }
  if (kind == Kind::kRate)
    return value >= 1e9 ? three_digits(value / 1e9, "GB/s") : three_digits(value / 1e6, "MB/s");
  if (value >= 1) return three_digits(value, "s");
  return value >= 1e-3 ? three_digits(value * 1e3, "ms") : three_digits(value * 1e6, "us");
}

// Cumulative column value at time t, interpolated between the samples
// around it (a window's ends need not fall on a sample).
double value_at(const CsvTable& series, const std::string& column, double t) {
  const auto& times = series.column("time_s");
  const auto& values = series.column(column);
  const auto it = std::upper_bound(times.begin(), times.end(), t);
  if (it == times.begin()) return 0;
  const auto i = static_cast<std::size_t>(it - times.begin());
  if (i == times.size() || times[i] <= times[i - 1]) return values[i - 1];
  return values[i - 1] + (values[i] - values[i - 1]) * (t - times[i - 1]) / (times[i] - times[i - 1]);
}

// Bytes per second of a cumulative column over the figure's window (by
// default to the end of the write phase, or of the run for reads); throws
// std::runtime_error when the window ends past the run.
double rate_of(const PublishedFigure& f, const VariantResults& r, const char* column, bool reads = false) {
  const double last_s = r.timeseries->rows() ? r.timeseries->column("time_s").back() : 0;
  const double end_s = f.to_s > 0 ? f.to_s : (reads ? last_s : (*r.summary)["write_phase_s"].get<double>());
  if (end_s > last_s * (1 + 1e-9))
    throw std::runtime_error("the window ends at " + units::format_duration(end_s) + ", after the run (" +
                             units::format_duration(last_s) + ")");
  return (value_at(*r.timeseries, column, end_s) - value_at(*r.timeseries, column, f.from_s)) / (end_s - f.from_s);
}

// The figure's measure for one variant; throws std::runtime_error when its
// results cannot give it (a window past the end of the run).
double measure_of(const PublishedFigure& f, const VariantResults& r) {
  const Json& s = *r.summary;
  auto latency_s = [&s](const char* percentile) { return s["write_latency_us"][percentile].get<double>() * 1e-6; };
  switch (f.measure) {
    case Measure::kAppWriteRate: return rate_of(f, r, "app_write_bytes");
    case Measure::kDeviceWriteRate: return rate_of(f, r, "device_write_bytes");
    case Measure::kAppReadRate: return rate_of(f, r, "app_read_bytes", true);
    case Measure::kDeviceReadRate: return rate_of(f, r, "device_read_bytes", true);
    case Measure::kCpuBusy: {
      double busy = 0;
      for (const auto& [component, seconds] : s["cpu_busy_s"].items()) busy += seconds.get<double>();
      return busy;
    }
    case Measure::kWriteLatencyP50: return latency_s("p50");
    case Measure::kWriteLatencyP99: return latency_s("p99");
    case Measure::kWriteLatencyP999: return latency_s("p999");
  }
  invalid_enum_value("measure");
}

const VariantResults* find(const std::vector<VariantResults>& results, const std::string& name) {
  for (const auto& r : results)
    if (r.name == name) return &r;
  return nullptr;
}

}  // namespace

Json compare_published(const PublishedSection& published, const std::vector<VariantResults>& results) {
  Json out;
  out["source"] = published.source;
  out["tolerance"] = published.tolerance;
  out["figures"] = Json::array();
  for (const auto& f : published.figures) {
    const bool ratio = !f.over.empty();
    const Kind kind = kind_of(f.measure);
    Json row;
    row["what"] = f.what;
    row["variant"] = f.variant;
    if (ratio) row["over"] = f.over;
    row["measure"] = choice_name(f.measure, kMeasureNames);
    if (kind == Kind::kRate) {
      row["from_s"] = f.from_s;
      if (f.to_s > 0) row["to_s"] = f.to_s;
    }
    row["published"] = f.value;
    row["published_text"] = show(f.value, kind, ratio);
    const VariantResults* mine = find(results, f.variant);
    const VariantResults* base = ratio ? find(results, f.over) : nullptr;
    if (!mine || (ratio && !base)) {
      row["not_run"] = "needs variant " + (mine ? f.over : f.variant) + ", not run";
      out["figures"].push_back(row);
      continue;
    }
    try {
      const double simulated = ratio ? measure_of(f, *mine) / measure_of(f, *base) : measure_of(f, *mine);
      const double error = simulated / f.value - 1;
      row["simulated"] = simulated;
      row["simulated_text"] = show(simulated, kind, ratio);
      row["error"] = error;
      row["within_tolerance"] = std::abs(error) <= published.tolerance;
    } catch (const std::exception& e) {
      row["not_run"] = e.what();
    }
    out["figures"].push_back(row);
  }
  return out;
}

std::string published_markdown(const Json& comparison) {
  const double tolerance = comparison["tolerance"].get<double>();
  char header[160];
  std::snprintf(header, sizeof header,
                "| figure | variant | published | simulated | error | within %.0f %% |\n|---|---|---|---|---|---|\n",
                tolerance * 100);
  std::string out = "## Simulated vs published\n\nSource: " + comparison["source"].get<std::string>() +
                    "\n\nComputed from this run's results; the tolerance is the scenario's.\n\n" + header;
  for (const auto& row : comparison["figures"]) {
    std::string who = row["variant"].get<std::string>();
    if (row.contains("over")) who += " / " + row["over"].get<std::string>();
    std::string what = row["what"].get<std::string>();
    if (row.contains("from_s")) {
      const double to_s = row.value("to_s", 0.0);
      what += " (" + units::format_duration(row["from_s"].get<double>()) + " to " +
              (to_s > 0 ? units::format_duration(to_s) : std::string("the end of the writes")) + ")";
    }
    out += "| " + what + " | " + who + " | " + row["published_text"].get<std::string>() + " | ";
    if (row.contains("not_run")) {
      out += row["not_run"].get<std::string>() + " | – | – |\n";
      continue;
    }
    char error[32];
    std::snprintf(error, sizeof error, "%+.1f %%", row["error"].get<double>() * 100);
    out += row["simulated_text"].get<std::string>() + " | " + error + " | " +
           (row["within_tolerance"].get<bool>() ? "yes" : "**no**") + " |\n";
  }
  return out + "\n";
}

}  // namespace foliosim
