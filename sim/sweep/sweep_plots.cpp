#include "sim/sweep/sweep_plots.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>

#include "sim/input/units.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/output/spread.hpp"
#include "sim/sweep/sweep_aggregate.hpp"

namespace foliosim {
namespace fs = std::filesystem;

namespace {

// How an axis's values are placed on x.
struct XScale {
  bool numeric = false;
  std::string unit;            // of the scaled values: "GiB", "ms"; "" for plain numbers
  std::vector<double> values;  // scaled, one per distinct axis value (numeric only)
};

std::string text_of(const Json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// Parses every value with `parse`, or gives up (returns false).
bool parse_all(const std::vector<Json>& values, const std::function<double(const std::string&)>& parse,
               std::vector<double>& out) {
  out.clear();
  for (const auto& value : values) {
    if (!value.is_string()) return false;
    try {
      out.push_back(parse(value.get<std::string>()));
    } catch (const units::UnitError&) {
      return false;
    }
  }
  return true;
}

XScale x_scale(const std::vector<Json>& values) {
  XScale x;
  std::vector<double> raw;
  struct Kind {
    std::function<double(const std::string&)> parse;
    std::vector<std::pair<double, const char*>> units;  // largest first: divide by the first the maximum reaches
  };
  const Kind kinds[] = {
      {[](const std::string& t) { return double(units::parse_size_bytes(t)); },
       {{1ULL << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}, {1, "B"}}},
      {units::parse_duration_s, {{1, "s"}, {1e-3, "ms"}, {1e-6, "us"}, {1e-9, "ns"}}},
      {units::parse_rate_bytes_per_s, {{1e9, "GB/s"}, {1e6, "MB/s"}, {1, "B/s"}}},
  };
  if (std::all_of(values.begin(), values.end(), [](const Json& v) { return v.is_number(); })) {
    for (const auto& v : values) x.values.push_back(v.get<double>());
    x.numeric = true;
    return x;
  }
  for (const auto& kind : kinds) {
    if (!parse_all(values, kind.parse, raw)) continue;
    const double max = *std::max_element(raw.begin(), raw.end());
    auto unit = kind.units.back();
    for (const auto& candidate : kind.units)
      if (max >= candidate.first) {
        unit = candidate;
        break;
      }
    for (double v : raw) x.values.push_back(v / unit.first);
    x.unit = unit.second;
    x.numeric = true;
    return x;
  }
  return x;
}

// A metric's unit on y, and the factor that gets there.
std::pair<std::string, double> y_unit(const std::string& metric) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return metric.size() >= s.size() && metric.compare(metric.size() - s.size(), s.size(), s) == 0;
  };
  if (ends("_bytes") || ends("bytes")) return {"MiB", 1.0 / (1 << 20)};
  if (ends("_Bps")) return {"MB/s", 1e-6};
  if (ends("_us") || metric.find("_us/") != std::string::npos) return {"us", 1};
  if (ends("_s")) return {"s", 1};
  return {"", 1};
}

std::string gp_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) out += c == '"' || c == '\\' ? '\'' : c;
  return out + "\"";
}

std::string num(double v) {
  char text[40];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

}  // namespace

std::vector<SweepPlotFile> sweep_plot_files(const SweepPlan& plan, const std::vector<Json>& summaries) {
  std::vector<SweepPlotFile> files;
  for (const auto& plot : plan.plots) {
    const std::size_t xc =
        static_cast<std::size_t>(std::find(plan.columns.begin(), plan.columns.end(), plot.x) - plan.columns.begin());
    std::vector<Json> xs;  // distinct values in sweep order
    for (const auto& point : plan.points)
      if (std::find(xs.begin(), xs.end(), point.axis_values[xc]) == xs.end()) xs.push_back(point.axis_values[xc]);
    const XScale scale = x_scale(xs);
    const auto [y_name, y_factor] = y_unit(plot.metric);
    // Lines: the variant and the other axes' values.
    std::vector<std::string> line_labels;
    std::vector<std::vector<std::vector<double>>> line_values;  // [line][x] -> values over seeds
    for (std::size_t i = 0; i < plan.points.size(); ++i) {
      const SweepPoint& point = plan.points[i];
      std::string label = point.variant;
      for (std::size_t c = 0; c < plan.columns.size(); ++c)
        if (c != xc) label += ", " + plan.columns[c] + "=" + text_of(point.axis_values[c]);
      auto at = std::find(line_labels.begin(), line_labels.end(), label);
      if (at == line_labels.end()) {
        line_labels.push_back(label);
        line_values.emplace_back(xs.size());
        at = line_labels.end() - 1;
      }
      if (summaries[i].is_null()) continue;
      const auto value = metric_value(summaries[i], plot.metric);
      if (!value || !value->is_number()) continue;
      const std::size_t xi =
          static_cast<std::size_t>(std::find(xs.begin(), xs.end(), point.axis_values[xc]) - xs.begin());
      line_values[static_cast<std::size_t>(at - line_labels.begin())][xi].push_back(value->get<double>() * y_factor);
    }

    SweepPlotFile file;
    file.name = series_key(plot.metric + "-vs-" + plot.x);
    file.title = plot.metric + " against " + plot.x;
    file.caption = "*" + file.title + "*: one line per variant" +
                   (plan.columns.size() > 1 ? " and value of the other axes" : "") +
                   "; each mark the median over seeds, its bar from the minimum to the maximum.";
    std::string s;
    auto add = [&s](const std::string& line) { s += line + "\n"; };
    add("# " + plan.name + ": " + file.title + " (foliosim sweep). Redraw after editing: `gnuplot " + file.name +
        ".gp` in this folder, or `foliosim plot <sweep dir>`.");
    add("# Data: data/" + file.name + ".<line>.csv: x, median, min, max over seeds, and the x value as written.");
    add("set datafile separator comma");
    add("set encoding utf8");
    add("set terminal svg size 1000,560 font \"DejaVu Sans,15\" noenhanced background rgb \"white\"");
    add("set output \"" + file.name + ".svg\"");
    add("set title " + gp_string(plan.name + ": " + file.title));
    add("set xlabel " + gp_string(plot.x + (scale.unit.empty() ? "" : " (" + scale.unit + ")")));
    add("set ylabel " + gp_string(plot.metric + (y_name.empty() ? "" : " (" + y_name + ")")));
    add("set grid xtics ytics lt 1 lw 1 lc rgb \"#dddddd\"");
    add("set key outside center bottom horizontal maxrows 4");
    // A little room either side of the first and last value.
    if (scale.numeric) {
      const double lo = *std::min_element(scale.values.begin(), scale.values.end());
      const double hi = *std::max_element(scale.values.begin(), scale.values.end());
      if (lo > 0 && hi >= 16 * lo) {
        add(std::string("set logscale x ") + (scale.unit.find('i') != std::string::npos ? "2" : "10"));
        add("set xrange [" + num(lo / 1.25) + ":" + num(hi * 1.25) + "]");
      } else {
        const double margin = hi > lo ? (hi - lo) / 20 : std::max(std::abs(lo) / 20, 1.0);
        add("set xrange [" + num(lo - margin) + ":" + num(hi + margin) + "]");
      }
    } else {
      add("set xrange [-0.5:" + num(double(xs.size()) - 0.5) + "]");
    }
    // A tail spanning orders of magnitude between lines reads on a log axis.
    double y_lo = 0, y_hi = 0;
    for (const auto& line : line_values)
      for (const auto& at_x : line)
        for (double v : at_x) {
          y_lo = y_lo == 0 || (v > 0 && v < y_lo) ? v : y_lo;
          y_hi = std::max(y_hi, v);
        }
    if (y_lo > 0 && y_hi >= 100 * y_lo) add("set logscale y 10");
    std::string command = "plot";
    for (std::size_t l = 0; l < line_labels.size(); ++l) {
      const std::string data = "data/" + file.name + "." + std::to_string(l + 1) + ".csv";
      std::string csv = "x,median,min,max,label\n";
      for (std::size_t xi = 0; xi < xs.size(); ++xi) {
        if (line_values[l][xi].empty()) continue;
        const Spread v = spread_of(line_values[l][xi]);
        csv += num(scale.numeric ? scale.values[xi] : double(xi)) + "," + num(v.median) + "," + num(v.min) + "," +
               num(v.max) + "," + gp_string(text_of(xs[xi])) + "\n";
      }
      file.data.emplace_back(data, csv);
      command += std::string(l ? ", \\\n     " : " ") + gp_string(data) + " skip 1 using 1:2:3:4" +
                 (scale.numeric ? "" : ":xticlabels(5)") + " with yerrorlines lw 2 pt " + std::to_string(l % 6 + 4) +
                 " ps 1.2 title " + gp_string(line_labels[l]);
    }
    add(command);
    add("set terminal pngcairo size 1000,560 font \"DejaVu Sans,12\" noenhanced background rgb \"white\"");
    add("set output \"" + file.name + ".png\"");
    add("replot");
    add("unset output");
    file.script = s;
    files.push_back(std::move(file));
  }
  return files;
}

DrawOutcome write_sweep_plots(const fs::path& root, const std::vector<SweepPlotFile>& plots) {
  const fs::path final_dir = root / "plots";
  fs::path temp = final_dir;
  temp += ".tmp-" + std::to_string(getpid());
  std::error_code error;
  fs::remove_all(temp, error);
  fs::create_directories(temp / "data", error);
  if (error) throw OutputError(temp.string() + ": cannot create: " + error.message());
  auto write = [&](const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw OutputError(path.string() + ": cannot write");
  };
  for (const auto& plot : plots) {
    write(temp / (plot.name + ".gp"), plot.script);
    for (const auto& [path, text] : plot.data) write(temp / path, text);
  }
  const DrawOutcome outcome = plots.empty() ? DrawOutcome{} : draw_plots(temp);
  fs::remove_all(final_dir, error);
  fs::rename(temp, final_dir, error);
  if (error) throw OutputError(final_dir.string() + ": cannot write: " + error.message());
  return outcome;
}

}  // namespace foliosim
