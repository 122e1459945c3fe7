#include "sim/output/metrics_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>

namespace foliosim {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr const char* kMissing = "–";

std::optional<double> number(const Json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number()) return std::nullopt;
  return object[key].get<double>();
}

// UTF-8 text's width in terminal columns (every code point one column).
std::size_t columns_of(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::vector<std::pair<std::string, double>> headline_metrics(const Json& v) {
  std::vector<std::pair<std::string, double>> out;
  auto add = [&out](const std::string& label, std::optional<double> value, double scale = 1) {
    if (value) out.emplace_back(label, *value * scale);
  };
  add("simulated time (s)", number(v, "sim_time_s"));
  add("write phase (s)", number(v, "write_phase_s"));
  const auto bytes = number(v, "app_write_bytes"), phase = number(v, "write_phase_s");
  if (bytes && phase && *phase > 0) add("application write throughput (MB/s)", *bytes / *phase / 1e6);
  add("write calls", number(v, "write_calls"));
  const Json latency = v.value("write_latency_us", Json::object());
  for (auto [key, label] :
       {std::pair{"p50", "p50"}, {"p99", "p99"}, {"p999", "p99.9"}, {"max", "max"}, {"mean", "mean"}})
    add(std::string("write latency ") + label + " (µs)", number(latency, key));
  if (number(v, "fsync_calls").value_or(0) > 0)
    add("fsync latency max (µs)", number(v.value("fsync_latency_us", Json::object()), "max"));
  if (number(v, "read_calls").value_or(0) > 0) {
    add("read phase (s)", number(v, "read_phase_s"));
    add("application read throughput (MB/s)", number(v, "read_throughput_Bps"), 1e-6);
    add("read calls", number(v, "read_calls"));
    const Json read_latency = v.value("read_latency_us", Json::object());
    for (auto [key, label] :
         {std::pair{"p50", "p50"}, {"p99", "p99"}, {"p999", "p99.9"}, {"max", "max"}, {"mean", "mean"}})
      add(std::string("read latency ") + label + " (µs)", number(read_latency, key));
    add("read cache hit ratio", number(v, "read_cache_hit_ratio"));
    add("device reads (MiB)", number(v, "device_read_bytes"), 1 / kMiB);
    add("device read requests", number(v, "device_read_requests"));
    add("read ahead (MiB)", number(v, "readahead_bytes"), 1 / kMiB);
  }
  add("device writes (MiB)", number(v, "device_write_bytes"), 1 / kMiB);
  add("device write requests", number(v, "device_write_requests"));
  add("page cache peak (MiB)", number(v, "page_cache_peak_bytes"), 1 / kMiB);
  add("dirty peak (MiB)", number(v, "dirty_peak_bytes"), 1 / kMiB);
  add("under writeback peak (MiB)", number(v, "writeback_peak_bytes"), 1 / kMiB);
  add("dirty throttling (s)", number(v, "throttle_time_s"));
  add("direct reclaim (s)", number(v, "direct_reclaim_time_s"));
  add("reclaimed (MiB)", number(v, "reclaimed_bytes"), 1 / kMiB);
  if (number(v, "reclaim_lock_wait_s").value_or(0) > 0)
    add("reclaim lock waits (s)", number(v, "reclaim_lock_wait_s"));
  const Json cpu_busy = v.value("cpu_busy_s", Json::object());
  for (const auto& [component, busy] : cpu_busy.items())
    if (busy.is_number()) add("CPU busy, " + component + " (s)", busy.get<double>());
  return out;
}

std::string format_value(double value) {
  char text[64];
  const double magnitude = std::fabs(value);
  if (value == 0) return "0";
  if (magnitude < 1e-3 || magnitude >= 1e15) {
    std::snprintf(text, sizeof text, "%.4g", value);
    return text;
  }
  const bool whole = value == std::floor(value);
  const int decimals = whole ? 0 : std::max(0, 3 - static_cast<int>(std::floor(std::log10(magnitude))));
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  std::string out = text;
  // 0.4000 reads as 0.4: drop the zeros that say nothing.
  if (out.find('.') != std::string::npos) {
    out.erase(out.find_last_not_of('0') + 1);
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

std::string percent_difference(double value, double baseline) {
  if (value == baseline) return "0.0 %";
  if (baseline == 0) return "n/a";
  const double percent = (value - baseline) / std::fabs(baseline) * 100;
  char text[32];
  // Beyond +1000 % a ratio reads better: "×13.1" rather than "+1209.1 %".
  if (percent >= 1000 && baseline > 0) {
    std::snprintf(text, sizeof text, "×%.3g", value / baseline);
    return text;
  }
  // A difference too small for one decimal still shows it is not zero.
  std::snprintf(text, sizeof text, std::fabs(percent) < 0.05 ? "%+.1g %%" : "%+.1f %%", percent);
  return text;
}

MetricsTable metrics_table(const std::vector<TableColumn>& columns) {
  MetricsTable table;
  table.header.push_back("metric");
  std::vector<std::string> labels;
  std::vector<std::map<std::string, double>> values(columns.size());
  for (std::size_t c = 0; c < columns.size(); ++c) {
    table.header.push_back(columns[c].title);
    for (const auto& [label, value] : headline_metrics(columns[c].summary)) {
      if (std::find(labels.begin(), labels.end(), label) == labels.end()) labels.push_back(label);
      values[c][label] = value;
    }
  }
  for (const auto& label : labels) {
    std::vector<std::string> row{label};
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto it = values[c].find(label);
      std::string cell = it == values[c].end() ? kMissing : format_value(it->second);
      const int b = columns[c].baseline;
      if (b >= 0) {
        ++table.compared;
        auto base = values[static_cast<std::size_t>(b)].find(label);
        const bool both = it != values[c].end() && base != values[static_cast<std::size_t>(b)].end();
        if (both) cell += " (" + percent_difference(it->second, base->second) + ")";
        if (!both || it->second != base->second) ++table.differences;
      }
      row.push_back(cell);
    }
    table.rows.push_back(row);
  }
  return table;
}

std::string markdown_table(const MetricsTable& table) {
  std::string out = "|";
  for (const auto& h : table.header) out += " " + h + " |";
  out += "\n|---|";
  for (std::size_t c = 1; c < table.header.size(); ++c) out += "---:|";
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (const auto& cell : row) out += " " + cell + " |";
    out += "\n";
  }
  return out;
}

std::string text_table(const MetricsTable& table) {
  std::vector<std::size_t> widths(table.header.size(), 0);
  auto widen = [&widths](const std::vector<std::string>& row) {
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], columns_of(row[c]));
  };
  widen(table.header);
  for (const auto& row : table.rows) widen(row);
  auto line = [&widths](const std::vector<std::string>& row) {
    std::string out;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - columns_of(row[c]), ' ');
      out += c == 0 ? row[c] + pad : "  " + pad + row[c];  // metric left, numbers right
    }
    return out + "\n";
  };
  std::string out = line(table.header);
  for (const auto& row : table.rows) out += line(row);
  return out;
}

}  // namespace foliosim
