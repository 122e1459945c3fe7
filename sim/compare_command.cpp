#include "sim/compare_command.hpp"

#include <filesystem>
#include <fstream>

#include "sim/output/figures.hpp"
#include "sim/input/config_error.hpp"
#include "sim/output/results_reader.hpp"
#include "sim/record/recorded_comparison.hpp"

namespace foliosim {
namespace {

std::string dir_name(const std::string& dir) {
  std::filesystem::path path(dir);
  if (path.filename().empty()) path = path.parent_path();
  return path.filename().string();
}

// Index of B's variant `j` in A: the variant of the same name, else (two
// scenarios, as for two machines) the one at the same position unless a B
// variant has its name; -1 when none.
int counterpart(const LoadedResults& a, const LoadedResults& b, std::size_t j) {
  for (std::size_t i = 0; i < a.variants.size(); ++i)
    if (a.variants[i] == b.variants[j]) return static_cast<int>(i);
  if (j >= a.variants.size()) return -1;
  for (const auto& name : b.variants)
    if (name == a.variants[j]) return -1;
  return static_cast<int>(j);
}

// A text field of a summary, or `fallback` when it is missing or not text.
std::string text_of(const Json& summary, const char* key, const std::string& fallback) {
  const Json value = summary.value(key, Json());
  return value.is_string() ? value.get<std::string>() : fallback;
}

// summary.json of `dir` when `record` wrote it, else null (load_results reads the others).
Json recorded_summary(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "summary.json");
  if (!in) return Json();
  Json summary = Json::parse(in, nullptr, false);
  return !summary.is_discarded() && record::is_recorded_summary(summary) ? summary : Json();
}

Json summary_of(const std::string& dir) {
  Json recorded = recorded_summary(dir);
  return recorded.is_null() ? load_results(dir).summary : recorded;
}

CompareOutcome compare_recorded(const CompareOptions& options) {
  const Json a = summary_of(options.dir_a), b = summary_of(options.dir_b);
  CompareOutcome outcome;
  outcome.recorded = true;
  outcome.output_dir = options.output_dir.empty()
                           ? "results/compare-" + dir_name(options.dir_a) + "-vs-" + dir_name(options.dir_b)
                           : options.output_dir;
  ResultsDirectory dir(outcome.output_dir, options.output_dir.empty() || options.force);
  const record::RecordedComparison comparison = record::compare_with_recorded(a, b);
  if (comparison.compared == 0)
    throw ConfigError((std::filesystem::path(options.dir_b) / "summary.json").string(), "variants",
                      "no figure to compare with " + options.dir_a + ": no variant pairs up");
  outcome.table = comparison.text;
  outcome.differences = comparison.outside;
  outcome.compared = comparison.compared;
  dir.write_text("report.md", "# " + text_of(a, "scenario", dir_name(options.dir_a)) + ": A vs B\n\nA is `" +
                                  options.dir_a + "`, B is `" + options.dir_b +
                                  "`. Per figure, the recorded side's median [min, max] over its repetitions, the "
                                  "other side's value, whether it lies inside the range, and its error to the "
                                  "median.\n\n" + comparison.markdown);
  dir.commit();
  return outcome;
}

}  // namespace

CompareOutcome compare_results(const CompareOptions& options) {
  if (!recorded_summary(options.dir_a).is_null() || !recorded_summary(options.dir_b).is_null())
    return compare_recorded(options);
  const LoadedResults a = load_results(options.dir_a);
  const LoadedResults b = load_results(options.dir_b);
  CompareOutcome outcome;
  outcome.output_dir =
      options.output_dir.empty() ? "results/compare-" + dir_name(a.dir) + "-vs-" + dir_name(b.dir) : options.output_dir;
  ResultsDirectory dir(outcome.output_dir, options.output_dir.empty() || options.force);

  // Columns A.v, B.v side by side; B's variants with no counterpart last.
  std::vector<int> a_of_b(b.variants.size());
  for (std::size_t j = 0; j < b.variants.size(); ++j) a_of_b[j] = counterpart(a, b, j);
  ReportInput report;
  std::vector<PlotSeries> series;
  auto add = [&](const LoadedResults& from, const std::string& side, std::size_t i, int baseline) {
    PlotSeries s = from.series[i];
    s.key = side + "." + s.key;
    report.columns.push_back({side + "." + from.variants[i], from.summary["variants"][i], baseline});
    report.descriptions.push_back(from.descriptions[i]);
    series.push_back(std::move(s));
  };
  for (std::size_t i = 0; i < a.variants.size(); ++i) {
    const int a_column = static_cast<int>(report.columns.size());
    add(a, "A", i, -1);
    for (std::size_t j = 0; j < b.variants.size(); ++j)
      if (a_of_b[j] == static_cast<int>(i)) add(b, "B", j, a_column);
  }
  for (std::size_t j = 0; j < b.variants.size(); ++j)
    if (a_of_b[j] < 0) add(b, "B", j, -1);

  const std::string scenario_a = text_of(a.summary, "scenario", dir_name(a.dir));
  const std::string scenario_b = text_of(b.summary, "scenario", dir_name(b.dir));
  report.title = scenario_a == scenario_b ? scenario_a + ": A vs B" : scenario_a + " vs " + scenario_b;
  report.question = a.question == b.question ? a.question : "A: " + a.question + "\n\nB: " + b.question;
  report.intro = "A is `" + a.dir + "` (foliosim " + text_of(a.summary, "foliosim_version", "?") + "), B is `" + b.dir +
                 "` (foliosim " + text_of(b.summary, "foliosim_version", "?") +
                 "). Each B column's differences are against the A column of the same variant.";

  report.results_dir = outcome.output_dir;
  const MetricsTable table = metrics_table(report.columns);
  outcome.table = text_table(table);
  outcome.differences = table.differences;
  outcome.compared = table.compared;

  outcome.plots = write_figures(dir, report, series);
  dir.commit();
  return outcome;
}

}  // namespace foliosim
