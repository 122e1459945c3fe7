#include "sim/record/recorded_comparison.hpp"

#include <cmath>
#include <optional>
#include <vector>

#include "sim/output/metrics_table.hpp"
#include "sim/record/recorded_summary.hpp"

namespace foliosim::record {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kPageBytes = 4096;

struct Figure {
  const char* path;   // JSON pointer inside a variant's entry
  const char* label;  // with its unit
  double scale;       // from the summary's unit to the label's
};

// The figures both the simulator and the kernel give (README, "Recording on the real kernel").
const Figure kFigures[] = {
    {"/write_phase_s", "write phase (ms)", 1e3},
    {"/write_calls", "write calls", 1},
    {"/app_write_bytes", "app writes (MiB)", 1 / kMiB},
    {"/write_latency_us/p50", "write p50 (us)", 1},
    {"/write_latency_us/p90", "write p90 (us)", 1},
    {"/write_latency_us/p99", "write p99 (us)", 1},
    {"/write_latency_us/p999", "write p99.9 (us)", 1},
    {"/write_latency_us/max", "write max (us)", 1},
    {"/write_latency_us/mean", "write mean (us)", 1},
    {"/fsync_latency_us/max", "fsync (us)", 1},
    {"/device_write_bytes", "device writes (MiB)", 1 / kMiB},
    {"/device_write_requests", "device write requests", 1},
    {"/read_calls", "read calls", 1},
    {"/app_read_bytes", "app reads (MiB)", 1 / kMiB},
    {"/read_latency_us/p50", "read p50 (us)", 1},
    {"/read_latency_us/p99", "read p99 (us)", 1},
    {"/device_read_bytes", "device reads (MiB)", 1 / kMiB},
    {"/device_read_requests", "device read requests", 1},
    {"/after_write_phase/cached_bytes", "after writes: cached (pages)", 1 / kPageBytes},
    {"/after_write_phase/dirty_bytes", "after writes: dirty (pages)", 1 / kPageBytes},
    {"/after_write_phase/writeback_bytes", "after writes: writeback (pages)", 1 / kPageBytes},
    {"/after_write_phase/device_write_bytes", "after writes: device (MiB)", 1 / kMiB},
    {"/peak_between_writes/cached_bytes", "peak between writes: cached (pages)", 1 / kPageBytes},
    {"/peak_between_writes/dirty_bytes", "peak between writes: dirty (pages)", 1 / kPageBytes},
    {"/peak_between_writes/writeback_bytes", "peak between writes: writeback (pages)", 1 / kPageBytes},
};

struct Value {
  double median = 0, min = 0, max = 0;
  bool range = false;  // a recorded spread, not one value
};

std::optional<Value> value_at(const Json& variant, const char* pointer, double scale) {
  const Json::json_pointer at(pointer);
  if (!variant.contains(at)) return std::nullopt;
  const Json& v = variant[at];
  if (v.is_number()) {
    const double x = v.get<double>() * scale;
    return Value{x, x, x, false};
  }
  if (is_spread(v) && v["median"].is_number())
    return Value{v["median"].get<double>() * scale, v["min"].get<double>() * scale, v["max"].get<double>() * scale,
                 true};
  return std::nullopt;
}

std::string range_text(const Value& v) {
  if (!v.range) return format_value(v.median);
  return format_value(v.median) + " [" + format_value(v.min) + ", " + format_value(v.max) + "]";
}

// B's variant paired with A's variant `i`: the same name, else the same position.
const Json* counterpart(const Json& a_variant, const Json& b, std::size_t i) {
  if (!b.contains("variants") || !b["variants"].is_array()) return nullptr;
  const Json& variants = b["variants"];  // a reference into b: the pointer returned stays valid
  for (const auto& v : variants)
    if (v.value("variant", Json()) == a_variant.value("variant", Json())) return &v;
  return i < variants.size() ? &variants[i] : nullptr;
}

std::string pad(const std::string& text, std::size_t width, bool left) {
  std::size_t columns = 0;
  for (unsigned char c : text) columns += (c & 0xC0) != 0x80;
  const std::string fill(width > columns ? width - columns : 0, ' ');
  return left ? text + fill : fill + text;
}

std::string aligned(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows)
    for (std::size_t c = 0; c < row.size(); ++c) {
      std::size_t columns = 0;
      for (unsigned char ch : row[c]) columns += (ch & 0xC0) != 0x80;
      if (widths.size() <= c) widths.push_back(0);
      widths[c] = std::max(widths[c], columns);
    }
  std::string out;
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) out += (c ? "  " : "") + pad(row[c], widths[c], c == 0);
    out += "\n";
  }
  return out;
}

std::string markdown(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out += "|";
    for (const auto& cell : rows[r]) out += " " + cell + " |";
    out += "\n";
    if (r == 0) {
      out += "|---|";
      for (std::size_t c = 1; c < rows[r].size(); ++c) out += "---:|";
      out += "\n";
    }
  }
  return out;
}

std::string name_of(const Json& variant) {
  const Json name = variant.value("variant", Json("?"));
  return name.is_string() ? name.get<std::string>() : "?";
}

}  // namespace

bool is_recorded_summary(const Json& summary) { return summary.is_object() && summary.contains("recorded_on"); }

RecordedComparison compare_with_recorded(const Json& a, const Json& b) {
  // The recorded side holds the ranges; when both are, A does.
  const bool a_measured = is_recorded_summary(a);
  const Json& measured = a_measured ? a : b;
  const Json& other = a_measured ? b : a;
  const std::string other_side = a_measured ? "B" : "A";
  const std::string other_kind = is_recorded_summary(other) ? "recorded median" : "simulated";
  RecordedComparison out;
  const Json& variants = measured.value("variants", Json::array());
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Json& kernel = variants[i];
    const Json* model = counterpart(kernel, other, i);
    if (!model) continue;
    std::vector<std::vector<std::string>> rows{
        {"figure", "kernel median [min, max]", other_side + " " + other_kind, "inside", "error to median"}};
    for (const auto& figure : kFigures) {
      const auto k = value_at(kernel, figure.path, figure.scale);
      const auto m = value_at(*model, figure.path, figure.scale);
      if (!k || !m) continue;
      ++out.compared;
      const bool inside = m->median >= k->min && m->median <= k->max;
      if (!inside) ++out.outside;
      rows.push_back({figure.label, range_text(*k), format_value(m->median), inside ? "yes" : "NO",
                      percent_difference(m->median, k->median)});
    }
    const std::string title = name_of(kernel) + (name_of(*model) == name_of(kernel) ? "" : " vs " + name_of(*model));
    out.text += title + "\n" + aligned(rows) + "\n";
    out.markdown += "### " + title + "\n\n" + markdown(rows) + "\n";
  }
  return out;
}

std::vector<std::string> default_fit_figures() {
  return {"/write_phase_s",         "/write_latency_us/p50", "/write_latency_us/p90",
          "/write_latency_us/p99",  "/fsync_latency_us/max", "/device_write_requests",
          "/peak_between_writes/cached_bytes", "/after_write_phase/writeback_bytes"};
}

std::vector<FitTerm> fit_terms(const Json& recorded_variant, const Json& simulated_variant,
                               const std::vector<std::string>& figures) {
  std::vector<FitTerm> terms;
  for (const auto& figure : figures) {
    const auto k = value_at(recorded_variant, figure.c_str(), 1);
    const auto m = value_at(simulated_variant, figure.c_str(), 1);
    if (!k || !m || k->median == 0) continue;
    terms.push_back({figure, k->median, m->median, (m->median - k->median) / std::fabs(k->median)});
  }
  return terms;
}

std::string recorded_table(const Json& summary) {
  std::vector<std::vector<std::string>> rows{{"variant", "write phase ms", "p50 us", "p99 us", "max us",
                                              "device MiB", "dev reqs", "cached after writes pg"}};
  for (const auto& v : summary.value("variants", Json::array())) {
    std::vector<std::string> row{name_of(v)};
    for (const char* path : {"/write_phase_s", "/write_latency_us/p50", "/write_latency_us/p99",
                             "/write_latency_us/max", "/device_write_bytes", "/device_write_requests",
                             "/after_write_phase/cached_bytes"}) {
      double scale = 1;
      for (const auto& figure : kFigures)
        if (std::string(figure.path) == path) scale = figure.scale;
      const auto value = value_at(v, path, scale);
      row.push_back(value ? range_text(*value) : "–");
    }
    rows.push_back(row);
  }
  return aligned(rows);
}

}  // namespace foliosim::record
