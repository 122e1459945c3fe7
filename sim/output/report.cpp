#include "sim/output/report.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "models/common/latency_histogram.hpp"
#include "sim/output/plot_files.hpp"

namespace foliosim {
namespace {

// Starts the one line mark_plots_drawn() removes.
constexpr const char* kNotDrawnNote = "> **Plots not drawn:**";

std::string duration_text(double seconds) {
  char text[32];
  if (seconds >= 1)
    std::snprintf(text, sizeof text, "%.3g s", seconds);
  else if (seconds >= 1e-3)
    std::snprintf(text, sizeof text, "%.3g ms", seconds * 1e3);
  else
    std::snprintf(text, sizeof text, "%.3g µs", seconds * 1e6);
  return text;
}

}  // namespace

std::string attribution_section(const std::vector<TableColumn>& columns, bool reads) {
  const std::string key = reads ? "tail_attribution_reads" : "tail_attribution";
  const std::string count_key = reads ? "tail_attribution_read_calls" : "tail_attribution_writes";
  const std::string calls = reads ? "reads" : "writes";
  std::string out = reads ? "## Where the read tail latency went\n\n" : "## Where the tail latency went\n\n";
  std::vector<std::string> components;
  std::vector<double> totals(columns.size(), 0);
  bool any = false;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const Json& a = columns[c].summary.value(key, Json());
    if (!a.is_object()) continue;
    any = true;
    for (const auto& [component, seconds] : a.items()) {
      if (std::find(components.begin(), components.end(), component) == components.end())
        components.push_back(component);
      totals[c] += seconds.get<double>();
    }
  }
  if (!any)
    return out + "Latency attribution is not available for this run: the simulation recorded no tail " + calls +
           " (no `tail_" + calls + "` in its results).\n\n";
  out += "For the slowest " + calls +
         " (those above the scenario's `tail_percentile`, 99.9 by default, at most "
         "`tail_writes_max` of them), the events each "
         "waited on form a dependency graph; its critical path (the longest chain of events ending at the call's "
         "end) says which component the time went to. Time on the critical path, summed over the tail " +
         calls + ", and its share; `unattributed` is latency no recorded event covers. Each variant's tail " + calls +
         " are in `variants/<variant>/tail_" + calls + ".json`.\n\n| component |";
  for (const auto& c : columns) out += " " + c.title + " |";
  out += "\n|---|";
  for (std::size_t c = 0; c < columns.size(); ++c) out += "---:|";
  out += "\n| tail " + calls + " |";
  for (const auto& c : columns) {
    const Json& n = c.summary.value(count_key, Json());
    out += " " + (n.is_number() ? std::to_string(n.get<std::uint64_t>()) : std::string("–")) + " |";
  }
  out += "\n";
  for (const auto& component : components) {
    out += "| " + component + " |";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const Json& a = columns[c].summary.value(key, Json());
      if (!a.is_object() || !a.contains(component)) {
        out += " – |";
        continue;
      }
      const double seconds = a[component].get<double>();
      char share[32];
      std::snprintf(share, sizeof share, "%.1f %%", totals[c] > 0 ? seconds / totals[c] * 100 : 0.0);
      out += " " + duration_text(seconds) + " (" + share + ") |";
    }
    out += "\n";
  }
  return out + "\n";
}

static std::string jobs_section(const std::vector<TableColumn>& columns) {
  bool several = false;
  for (const auto& c : columns) several = several || c.summary.value("jobs", Json::array()).size() > 1;
  if (!several) return "";
  std::string out =
      "## Jobs\n\nEach job of each variant (`jobs` in summary.json): its phase (fio's group), when it ran, its "
      "calls and bytes, its latencies and its files' cache when it ended.\n\n"
      "| variant | job | phase | start | end | write calls | written | write p50 / p99 µs | read calls | read | "
      "read p50 / p99 µs | fsync p50 µs | cached / dirty at end |\n"
      "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  auto mib = [](const Json& bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", bytes.get<double>() / (1 << 20));
    return std::string(text);
  };
  auto p50_p99 = [](const Json& latency) {
    char text[48];
    std::snprintf(text, sizeof text, "%.1f / %.1f", latency.value("p50", 0.0), latency.value("p99", 0.0));
    return std::string(text);
  };
  for (const auto& c : columns)
    for (const auto& j : c.summary.value("jobs", Json::array())) {
      const Json& files = j["files_at_end"];
      out += "| " + c.title + " | " + j["name"].get<std::string>() + " | " + std::to_string(j["phase"].get<int>()) +
             " | " + duration_text(j["start_s"].get<double>()) + " | " + duration_text(j["end_s"].get<double>()) +
             " | " + std::to_string(j["write_calls"].get<std::uint64_t>()) + " | " + mib(j["app_write_bytes"]) + " | " +
             p50_p99(j["write_latency_us"]) + " | " + std::to_string(j["read_calls"].get<std::uint64_t>()) + " | " +
             mib(j["app_read_bytes"]) + " | " + p50_p99(j["read_latency_us"]) + " | " +
             p50_p99(j["fsync_latency_us"]).substr(0, p50_p99(j["fsync_latency_us"]).find(' ')) + " | " +
             mib(files["cached_bytes"]) + " / " + mib(files["dirty_bytes"]) + " |\n";
    }
  const std::string stem = std::string(kPlotsFolder) + "/" + kJobLatencyCdfPlot;
  return out + "\nEach job's latency CDF (writes, or reads for a reader), drawn as the write latency CDF is:\n\n![" +
         kJobLatencyCdfPlot + "](" + stem + ".png)\n\n[SVG](" + stem + ".svg) · [script](" + stem + ".gp)\n\n";
}

std::string report_markdown(const ReportInput& input) {
  std::string out = "# " + input.title + "\n\n";
  out += "## Question\n\n" + (input.question.empty() ? "(The scenario has no description.)" : input.question) + "\n\n";
  out += "## Variants side by side\n\n" + input.intro + "\n\n";
  for (std::size_t c = 0; c < input.columns.size(); ++c)
    if (c < input.descriptions.size() && !input.descriptions[c].empty())
      out += "- **" + input.columns[c].title + "**: " + input.descriptions[c] + "\n";
  out += "\n" + markdown_table(metrics_table(input.columns)) + "\n";
  char bound[160];
  std::snprintf(bound, sizeof bound,
                "Latency percentiles come from a log-linear histogram: each is within %.3g %% (1/%.0f) of the "
                "exact percentile.\n\n",
                LatencyHistogram::kRelativeErrorBound * 100, 1 / LatencyHistogram::kRelativeErrorBound);
  out += bound;
  out += jobs_section(input.columns);
  if (!input.published.is_null()) out += published_markdown(input.published);
  out += attribution_section(input.columns);
  bool reads = false;
  for (const auto& c : input.columns) reads = reads || c.summary.value("read_calls", 0.0) > 0;
  if (reads) out += attribution_section(input.columns, true);
  out += "## Plots\n\n";
  if (!input.plots_drawn)
    out += std::string(kNotDrawnNote) +
           " gnuplot was missing when this report was written. Install it "
           "(`sudo apt-get install gnuplot-nox`) and run `foliosim plot " +
           input.results_dir + "`; the images below then appear.\n\n";
  out +=
      "Each plot's gnuplot script (`plots/<plot>.gp`) and data (`plots/data/<plot>.<variant>.csv`) sit beside "
      "it: edit the script and run `foliosim plot` to restyle it.\n\n";
  for (const auto& plot : plot_list(reads)) {
    const std::string stem = std::string(kPlotsFolder) + "/" + plot.name;
    out += plot.caption + "\n\n![" + plot.name + "](" + stem + ".png)\n\n[SVG](" + stem + ".svg) · [script](" + stem +
           ".gp)\n\n";
  }
  return out;
}

void mark_plots_drawn(const std::filesystem::path& report_path) {
  std::ifstream in(report_path, std::ios::binary);
  if (!in) return;
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  std::string kept, line;
  bool removed = false;
  std::stringstream lines(text.str());
  while (std::getline(lines, line)) {
    if (line.rfind(kNotDrawnNote, 0) == 0) {
      removed = true;
      std::getline(lines, line);  // and the blank line after it
      continue;
    }
    kept += line + "\n";
  }
  if (!removed) return;
  std::ofstream out(report_path, std::ios::binary | std::ios::trunc);
  out << kept;
}

}  // namespace foliosim
