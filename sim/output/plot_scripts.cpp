#include "sim/output/plot_scripts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace foliosim {
namespace {

// Okabe-Ito colours: told apart by colour-blind readers, legible on white.
constexpr const char* kBlack = "#000000";
constexpr const char* kBlue = "#0072B2";
constexpr const char* kVermillion = "#D55E00";
constexpr const char* kGreen = "#009E73";
constexpr const char* kPurple = "#CC79A7";
constexpr const char* kOrange = "#E69F00";
constexpr const char* kSky = "#56B4E9";

// Pixels of both images; the PNG's fonts are in points at 72 dpi.
constexpr const char* kSize = "1000,560";

std::string fmt(const char* format, double v) {
  char text[64];
  std::snprintf(text, sizeof text, format, v);
  return text;
}

// Smallest of 1, 2 or 5 times a power of ten that is at least x.
double nice_ceil(double x) {
  if (!(x > 0)) return 1;
  const double power = std::pow(10, std::floor(std::log10(x)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * power >= x * (1 - 1e-12)) return m * power;
  return 10 * power;
}

// Text safe inside a gnuplot double-quoted string; a newline stays one.
std::string gnuplot_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n')
      out += "\\n";
    else
      out += c == '"' || c == '\\' ? '\'' : c;
  }
  return out + "\"";
}

double last_or_zero(const CsvTable& table, const std::string& column) {
  return table.has(column) && table.rows() ? table.column(column).back() : 0;
}

double max_of(const CsvTable& table, const std::string& column) {
  if (!table.has(column) || table.rows() == 0) return 0;
  const auto& values = table.column(column);
  return *std::max_element(values.begin(), values.end());
}

AxisUnit time_unit(double end_s) {
  if (end_s < 1e-3) return {"us", 1e6};
  if (end_s < 1) return {"ms", 1e3};
  return {"s", 1};
}

AxisUnit bytes_unit(double max_bytes) {
  if (max_bytes >= double(1ULL << 30)) return {"GiB", 1.0 / double(1ULL << 30)};
  if (max_bytes >= double(1ULL << 20) || max_bytes == 0) return {"MiB", 1.0 / double(1ULL << 20)};
  return {"KiB", 1.0 / 1024};
}

AxisUnit rate_unit(double max_Bps) { return max_Bps >= 1e9 ? AxisUnit{"GB/s", 1e-9} : AxisUnit{"MB/s", 1e-6}; }

const char* component_color(const std::string& component, std::size_t index) {
  if (component == "writers") return kBlue;
  if (component == "completion") return kGreen;
  if (component == "flusher") return kVermillion;
  if (component == "kswapd") return kPurple;
  const char* others[] = {kOrange, kSky, kBlack};
  return others[index % 3];
}

// A quantity drawn for every series: colour says which quantity, dash which
// series.
struct Quantity {
  std::string column;
  std::string label;
  std::string color;
  double line_width;
  bool marked = true;  // limits are thin lines without marks
};

class Script {
 public:
  Script(const std::string& name, const std::string& what, const PlotSetup& setup) : name_(name) {
    add("# " + what + " (" + setup.title + "), every series on the same axes.");
    add("# Data: data/" + name + ".<series>.csv, one file per series, columns named in its first row.");
    add("# Redraw after editing: `gnuplot " + name + ".gp` in this folder, or `foliosim plot <results dir>`.");
    std::string keys;
    for (const auto& k : setup.keys) keys += (keys.empty() ? "" : " ") + k;
    add("variants = " + gnuplot_string(keys));
    add(std::string("colors = \"") + kBlue + " " + kVermillion + " " + kGreen + " " + kPurple + " " + kOrange + " " +
        kSky + " " + kBlack + "\"");
    add("color(i) = word(colors, (i - 1) % words(colors) + 1)");
    add("data(i) = sprintf(\"data/" + name + ".%s.csv\", word(variants, i))");
    add("set datafile separator comma");
    add("set datafile columnheaders");
    // gnuplot otherwise sets and resets a SIGFPE handler around each point's
    // `using` expression: two syscalls a point, most of a 32-job CDF's time.
    add("set datafile nofpe_trap");
    add("set encoding utf8");
    add(std::string("set terminal svg size ") + kSize + " font \"DejaVu Sans,15\" noenhanced background rgb \"white\"");
    add("set output \"" + name + ".svg\"");
    add("set title " + gnuplot_string(setup.title + ": " + what));
    add("set grid xtics ytics lt 1 lw 1 lc rgb \"#dddddd\"");
    add("set key outside right top");
  }
  void add(const std::string& line) { text_ += line + "\n"; }
  void time_axis(const PlotSetup& setup) {
    add("time_scale = " + fmt("%.17g", setup.time.scale) + "  # seconds to " + setup.time.name);
    add("set xlabel \"simulated time (" + setup.time.name + ")\"");
    // A run that never left time 0 has no x range to autoscale.
    add(setup.end_s > 0 ? "set xrange [0:*]" : "set xrange [0:1]");
    add("set offsets 0, 0, graph 0.05, 0  # headroom above the highest line");
  }
  // Plots each quantity for every series, then a legend of quantities
  // (colours) and of series (dashes and marks). Marks, staggered per series,
  // keep a series visible where it runs on top of another.
  void quantities_by_series(const std::vector<Quantity>& quantities, const std::string& value_scale,
                            const PlotSetup& setup) {
    add("marks = " + fmt("%.0f", setup.mark_every) + "  # samples between two marks of a series");
    add("mark(i) = word(\"6 8 4 12 10 2\", (i - 1) % 6 + 1) + 0");
    std::string plot = "plot";
    auto clause = [&plot](const std::string& c) { plot += (plot == "plot" ? " " : ", \\\n     ") + c; };
    for (const auto& q : quantities) {
      const std::string using_clause =
          "data(i) using (column(\"time_s\")*time_scale):(column(\"" + q.column + "\")*" + value_scale + ")";
      const std::string color = " lc rgb \"" + q.color + "\"";
      clause("for [i=1:words(variants)] " + using_clause + " with lines lw " + fmt("%g", q.line_width) + color +
             " dt i notitle");
      if (q.marked)
        clause("for [i=1:words(variants)] " + using_clause +
               " every marks::((i - 1) * marks / words(variants)) with points pt mark(i) ps 1.2" + color + " notitle");
    }
    for (const auto& q : quantities)
      clause("keyentry with lines lw " + fmt("%g", q.line_width) + " lc rgb \"" + q.color + "\" title " +
             gnuplot_string(q.label));
    clause(
        "for [i=1:words(variants)] keyentry with linespoints lw 2 lc rgb \"#444444\" dt i pt mark(i) ps 1.2 "
        "title word(variants, i)");
    add(plot);
  }
  std::string finish() {
    add(std::string("set terminal pngcairo size ") + kSize +
        " font \"DejaVu Sans,12\" noenhanced background rgb \"white\"");
    add("set output \"" + name_ + ".png\"");
    add("replot");
    add("unset output");
    return text_;
  }

 private:
  std::string name_;
  std::string text_;
};

// `name`'s data are data/<name>.<series>.csv, its percentile dots
// data/<percentiles>.<series>.csv; `reads`: of read calls.
std::string latency_cdf_script(const PlotSetup& setup, const std::string& name = "write_latency_cdf",
                               const std::string& percentiles = "write_latency_percentiles", bool reads = false) {
  const bool per_job = name == kJobLatencyCdfPlot;
  const std::string what = per_job ? "call" : reads ? "read" : "write";  // a job's may be reads
  Script s(name, per_job ? "latency CDF per job" : what + " latency CDF", setup);
  // Nines on the y axis (-log10 of the fraction slower) spread the tail out:
  // p99 and p99.9 sit a unit apart instead of 0.9 % apart. Each curve tops
  // out at its slowest call, 1 - 1/N.
  double top = 3.25;
  std::string counts;
  for (double n : reads ? setup.read_counts : setup.write_counts) {
    top = std::max(top, std::log10(std::max(n, 1.0)) + 0.15);
    counts += (counts.empty() ? "" : " ") + fmt("%.0f", std::max(n, 1.0));
  }
  s.add("counts = \"" + counts + "\"  # calls per series: where its curve ends");
  s.add("nines(F, n) = F < 1 ? -log10(1 - F) : log10(n)");
  const double min_us = reads ? setup.read_latency_min_us : setup.latency_min_us;
  const double max_us = reads ? setup.read_latency_max_us : setup.latency_max_us;
  const double lo = std::pow(10, std::floor(std::log10(min_us * 0.9)));
  const double hi = std::pow(10, std::ceil(std::log10(max_us * 1.1)));
  s.add("set logscale x 10");
  // A hair wider than the decades: gnuplot drops a tick label that rounding
  // puts just outside the range.
  s.add("set xrange [" + fmt("%g", lo * 0.99) + ":" + fmt("%g", hi * 1.01) + "]");
  s.add("set format x \"%g\"");
  // Over a few decades, label 2 and 5 too: one labelled decade says little.
  const bool few_decades = hi / lo <= 1000;
  std::string xtics;
  for (double decade = lo; decade <= hi * 1.0001; decade *= 10)
    for (double m : {1.0, 2.0, 5.0})
      if ((m == 1 || few_decades) && m * decade <= hi * 1.0001)
        xtics += (xtics.empty() ? "" : ", ") + fmt("%g", m * decade);
  s.add("set xtics (" + xtics + ")");
  s.add("set mxtics 10");
  s.add("set xlabel \"" + what + " latency (µs, log scale)\"");
  s.add("set ylabel \"" + what + "s at or below (%, tail spread out)\"");
  std::string tics = "set ytics (\"0\" 0, \"50\" log10(2), \"90\" 1";
  const char* labels[] = {"99", "99.9", "99.99", "99.999", "99.9999", "99.99999", "99.999999"};
  for (int n = 2; n <= static_cast<int>(top) && n <= 8; ++n)
    tics += ", \"" + std::string(labels[n - 2]) + "\" " + std::to_string(n);
  s.add(tics + ")");
  s.add("set yrange [0:" + fmt("%.2f", top) + "]");
  s.add("# p50, p99 and p99.9: dotted lines; each series' summary value is a dot on them.");
  for (auto [label, level] : {std::pair{"p50", "log10(2)"}, {"p99", "2"}, {"p99.9", "3"}}) {
    s.add(std::string("set arrow from graph 0, first ") + level + " to graph 1, first " + level +
          " nohead dt 3 lw 1.5 lc rgb \"#777777\"");
    s.add(std::string("set label \"") + label + "\" at graph 0.01, first " + level +
          " offset 0,0.6 tc rgb \"#555555\"");
  }
  s.add("set key outside right top");
  s.add(
      "plot for [i=1:words(variants)] data(i) using \"latency_us\":(nines(column(\"cumulative_fraction\"), "
      "real(word(counts, i)))) with steps lw 2 lc rgb color(i) dt i title word(variants, i), \\");
  s.add("     for [i=1:words(variants)] sprintf(\"data/" + percentiles +
        ".%s.csv\", word(variants, i)) "
        "using \"latency_us\":(nines(column(\"fraction\"), 10)) with points pt 7 ps 1.3 lc rgb color(i) notitle, \\");
  s.add("     keyentry with points pt 7 ps 1.3 lc rgb \"#444444\" title \"p50, p99, p99.9\"");
  return s.finish();
}

std::string page_cache_script(const PlotSetup& setup) {
  Script s("page_cache", "page-cache footprint", setup);
  s.time_axis(setup);
  s.add("byte_scale = " + fmt("%.17g", setup.bytes.scale) + "  # bytes to " + setup.bytes.name);
  s.add("set ylabel \"page cache (" + setup.bytes.name + ")\"");
  s.add("set yrange [0:*]");
  std::vector<Quantity> q;
  // Limits first, thin, so the data is drawn over them.
  const std::map<std::string, const char*> limit_colors{
      {"memory_limit_bytes", kBlack}, {"dirty_thresh_bytes", "#8B0000"}, {"dirty_bg_thresh_bytes", "#999999"}};
  std::string off_scale;
  for (const auto& limit : setup.limits) {
    if (limit.drawn) {
      q.push_back({limit.column, limit.label, limit_colors.at(limit.column), 1, false});
      continue;
    }
    const AxisUnit unit = bytes_unit(limit.max_bytes);
    off_scale += (off_scale.empty() ? "" : ", ") + limit.label + " up to " + fmt("%.3g", limit.max_bytes * unit.scale) +
                 " " + unit.name;
  }
  if (setup.cache_empty)
    s.add("set title " + gnuplot_string(setup.title + ": page-cache footprint\n(the page cache stayed empty)"));
  if (!off_scale.empty())
    s.add("set title " +
          gnuplot_string(setup.title + ": page-cache footprint\n(far above, not drawn: " + off_scale + ")"));
  q.push_back({"cached_bytes", "cached (total)", kBlack, 2.5});
  q.push_back({"clean_bytes", "clean", kGreen, 2});
  q.push_back({"dirty_bytes", "dirty", kVermillion, 2});
  q.push_back({"writeback_bytes", "under writeback", kBlue, 2});
  if (setup.dropbehind) q.push_back({"dropbehind_bytes", "drop-behind", kPurple, 2});
  if (setup.zeroed) q.push_back({"zeroed_bytes", "zeroed by the filesystem", kOrange, 2});
  s.quantities_by_series(q, "byte_scale", setup);
  return s.finish();
}

std::string throughput_script(const PlotSetup& setup) {
  Script s("throughput", "write throughput", setup);
  s.time_axis(setup);
  s.add("rate_scale = " + fmt("%.17g", setup.rate.scale) + "  # bytes/s to " + setup.rate.name);
  s.add("set ylabel \"throughput (" + setup.rate.name + ", moving average over " +
        fmt("%g", setup.window_s * setup.time.scale) + " " + setup.time.name + ")\"");
  s.add("set yrange [0:*]");
  std::vector<Quantity> q{{"app_Bps", "application writes", kBlue, 2}, {"device_Bps", "device writes", kVermillion, 2}};
  if (setup.reads) {
    q.push_back({"app_read_Bps", "application reads", kGreen, 2});
    q.push_back({"device_read_Bps", "device reads", kOrange, 2});
  }
  s.quantities_by_series(q, "rate_scale", setup);
  return s.finish();
}

std::string cpu_script(const PlotSetup& setup) {
  Script s("cpu", "CPU use per component", setup);
  s.time_axis(setup);
  s.add("set ylabel \"CPU use (% of one CPU, moving average over " + fmt("%g", setup.window_s * setup.time.scale) +
        " " + setup.time.name + ")\"");
  s.add("set yrange [0:*]");
  std::vector<Quantity> q;
  for (std::size_t i = 0; i < setup.cpu_components.size(); ++i) {
    const std::string& c = setup.cpu_components[i];
    q.push_back({c + "_cpu_pct", c, component_color(c, i), 2});
  }
  s.quantities_by_series(q, "1", setup);
  return s.finish();
}

std::string device_queue_script(const PlotSetup& setup) {
  Script s("device_queue", "device queue depth", setup);
  s.time_axis(setup);
  s.add("set ylabel \"requests queued or in service\"");
  s.add("set yrange [0:" + fmt("%g", std::max(1.0, std::ceil(setup.max_queued * 1.1))) + "]");
  s.add("set ytics " + fmt("%g", std::max(1.0, nice_ceil(setup.max_queued / 6))));
  s.add(
      "plot for [i=1:words(variants)] data(i) using (column(\"time_s\")*time_scale):\"queued_requests\" "
      "with steps lw 2 lc rgb color(i) dt i title word(variants, i)");
  return s.finish();
}

}  // namespace

PlotSetup plot_setup(const std::string& title, const std::vector<PlotSeries>& series) {
  PlotSetup setup;
  setup.title = title;
  double end_s = 0, max_bytes = 0, interval_s = 0, max_rows = 0;
  double memory_limit = 0, dirty_thresh = 0, dirty_bg_thresh = 0;
  bool first_latency = true;
  for (const auto& s : series) {
    setup.keys.push_back(s.key);
    setup.write_counts.push_back(s.summary.value("write_calls", 0.0));
    setup.read_counts.push_back(s.summary.value("read_calls", 0.0));
    if (s.read_latency_cdf.rows()) {
      const auto& latency = s.read_latency_cdf.column("latency_us");
      setup.read_latency_min_us = !setup.reads ? latency.front() : std::min(setup.read_latency_min_us, latency.front());
      setup.read_latency_max_us = !setup.reads ? latency.back() : std::max(setup.read_latency_max_us, latency.back());
      setup.reads = true;
    }
    const CsvTable& ts = s.time_series;
    end_s = std::max(end_s, last_or_zero(ts, "time_s"));
    max_rows = std::max(max_rows, static_cast<double>(ts.rows()));
    if (ts.rows() >= 2 && interval_s == 0) interval_s = ts.column("time_s")[1] - ts.column("time_s")[0];
    max_bytes = std::max(max_bytes, max_of(ts, "cached_bytes"));
    memory_limit = std::max(memory_limit, s.summary.value("memory_limit_bytes", 0.0));
    dirty_thresh = std::max(dirty_thresh, max_of(ts, "dirty_thresh_bytes"));
    dirty_bg_thresh = std::max(dirty_bg_thresh, max_of(ts, "dirty_bg_thresh_bytes"));
    setup.dropbehind = setup.dropbehind || max_of(ts, "dropbehind_bytes") > 0;
    setup.zeroed = setup.zeroed || max_of(ts, "zeroed_bytes") > 0;
    setup.max_queued = std::max(setup.max_queued, max_of(ts, "device_queued_requests"));
    for (const auto& c : cpu_components(ts))
      if (std::find(setup.cpu_components.begin(), setup.cpu_components.end(), c) == setup.cpu_components.end())
        setup.cpu_components.push_back(c);
    if (s.latency_cdf.rows()) {
      const auto& latency = s.latency_cdf.column("latency_us");
      setup.latency_min_us = first_latency ? latency.front() : std::min(setup.latency_min_us, latency.front());
      setup.latency_max_us = first_latency ? latency.back() : std::max(setup.latency_max_us, latency.back());
      first_latency = false;
    }
  }
  setup.end_s = end_s;
  setup.time = time_unit(end_s);
  if (memory_limit > 0) setup.limits.push_back({"memory_limit_bytes", "memory limit", memory_limit});
  setup.limits.push_back({"dirty_thresh_bytes", "dirty threshold", dirty_thresh});
  setup.limits.push_back({"dirty_bg_thresh_bytes", "background threshold", dirty_bg_thresh});
  // With no data (O_DIRECT) the limits are all there is to see.
  const double data_bytes = max_bytes;
  setup.cache_empty = data_bytes == 0;
  for (auto& limit : setup.limits) {
    limit.drawn = data_bytes == 0 || limit.max_bytes <= 4 * data_bytes;
    if (limit.drawn) max_bytes = std::max(max_bytes, limit.max_bytes);
  }
  setup.bytes = bytes_unit(max_bytes);
  setup.window_s = nice_ceil(std::max(2 * interval_s, end_s / 30));
  double max_rate = 0;
  for (const auto& s : series) {
    if (s.time_series.rows() == 0) continue;
    const auto& time = s.time_series.column("time_s");
    for (const char* column : {"app_write_bytes", "device_write_bytes", "app_read_bytes", "device_read_bytes"})
      if (s.time_series.has(column))
        for (double r : moving_rate(time, s.time_series.column(column), setup.window_s))
          max_rate = std::max(max_rate, r);
  }
  setup.rate = rate_unit(max_rate);
  setup.mark_every = std::max(1.0, std::floor(max_rows / 12));
  setup.latency_min_us = std::max(setup.latency_min_us, 1e-3);
  setup.latency_max_us = std::max(setup.latency_max_us, setup.latency_min_us);
  setup.read_latency_min_us = std::max(setup.read_latency_min_us, 1e-3);
  setup.read_latency_max_us = std::max(setup.read_latency_max_us, setup.read_latency_min_us);
  return setup;
}

std::vector<PlotInfo> plot_list(bool reads) {
  std::vector<PlotInfo> plots{
      {"write_latency_cdf",
       "Write latency CDF: latency on a log axis against the share of writes at or below it, the tail spread out "
       "(90, 99, 99.9 % one unit apart); p50, p99 and p99.9 dotted, each variant's value a dot."},
      {"page_cache",
       "Page-cache footprint over simulated time: total, clean, dirty and under writeback (drop-behind and "
       "zeroed-by-filesystem when present), with the dirty thresholds and the memory limit (when set) as thin "
       "lines, or named in the title when far above the data. Colour: what; dash and marks: which variant."},
      {"throughput",
       "Application and device write (and read, when the run reads) throughput over simulated time (moving "
       "average)."},
      {"cpu", "CPU use over simulated time per component (writers, completion, flusher, kswapd), in % of one CPU."},
      {"device_queue", "Device queue depth over simulated time: requests waiting or in service, all devices."},
  };
  if (reads)
    plots.push_back({"read_latency_cdf",
                     "Read latency CDF, drawn as the write latency CDF: latency on a log axis against the share of "
                     "reads at or below it; p50, p99 and p99.9 dotted."});
  return plots;
}

std::string job_latency_cdf_script(const PlotSetup& setup) {
  return latency_cdf_script(setup, kJobLatencyCdfPlot, "job_latency_percentiles");
}

std::string plot_script(const std::string& name, const PlotSetup& setup) {
  if (name == "write_latency_cdf") return latency_cdf_script(setup);
  if (name == "read_latency_cdf")
    return latency_cdf_script(setup, "read_latency_cdf", "read_latency_percentiles", true);
  if (name == "page_cache") return page_cache_script(setup);
  if (name == "throughput") return throughput_script(setup);
  if (name == "cpu") return cpu_script(setup);
  if (name == "device_queue") return device_queue_script(setup);
  throw std::invalid_argument("no plot named " + name);
}

}  // namespace foliosim
