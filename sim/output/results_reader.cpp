#include "sim/output/results_reader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/figures.hpp"
#include "sim/output/metrics_table.hpp"

namespace foliosim {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path.string(), "", "cannot read it: is this a foliosim results directory?");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Json read_json(const fs::path& path) {
  Json value = Json::parse(read_file(path), nullptr, false);
  if (value.is_discarded()) throw ConfigError(path.string(), "", "not valid JSON");
  return value;
}

CsvTable read_csv(const fs::path& path) {
  try {
    return CsvTable::parse(read_file(path), path.string());
  } catch (const std::invalid_argument& e) {
    throw ConfigError(path.string(), "", e.what());
  }
}

// A variant name read back becomes a folder name: refuse one that would lead
// out of the results directory or that a path cannot hold.
void check_variant_name(const std::string& name, const std::string& file, const std::string& path) {
  if (const char* problem = path_name_problem(name))
    throw ConfigError(file, path,
                      "\"" + name + "\" is not a variant folder name (it " + problem + "): not a foliosim summary");
}

// What compare reads of a variant (its headline metrics, its plot data), read
// once here so that a malformed summary or CSV is the user's file, named.
void check_readable(const PlotSeries& series, const std::string& file, const std::string& path) {
  try {
    headline_metrics(series.summary);
    latency_cdf_data(series);
    latency_percentiles_data(series);
    latency_cdf_data(series, true);
    latency_percentiles_data(series, true);
    page_cache_data(series);
    throughput_data(series, 1);
    cpu_data(series, 1);
    device_queue_data(series);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw ConfigError(file, path, std::string("not what foliosim writes: ") + e.what());
  }
}

}  // namespace

LoadedResults load_results(const std::string& dir) {
  LoadedResults loaded;
  loaded.dir = dir;
  const fs::path root(dir);
  loaded.summary = read_json(root / "summary.json");
  const std::string summary_file = (root / "summary.json").string();
  if (!loaded.summary.is_object() || !loaded.summary.contains("variants") || !loaded.summary["variants"].is_array())
    throw ConfigError(summary_file, "variants", "missing: not a foliosim summary");
  const fs::path resolved_path = root / "resolved_scenario.json";
  if (fs::exists(resolved_path)) {
    const Json resolved = read_json(resolved_path);
    try {  // only for the report's question: a file without it has none
      loaded.question = resolved.at("variants").at(0).at("scenario").at("description").get<std::string>();
    } catch (const Json::exception&) {
    }
  }
  const Json& variants = loaded.summary["variants"];
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const Json& v = variants[i];
    const std::string path = join_path(join_path("variants", i), "variant");
    if (!v.is_object() || !v.contains("variant") || !v["variant"].is_string())
      throw ConfigError(summary_file, path, "missing or not a string: not a foliosim summary");
    const std::string name = v["variant"].get<std::string>();
    check_variant_name(name, summary_file, path);
    loaded.variants.push_back(name);
    const Json description = v.value("description", Json(""));
    loaded.descriptions.push_back(description.is_string() ? description.get<std::string>() : "");
    const fs::path variant_dir = root / "variants" / name;
    // read_latency_cdf.csv: only a variant that read has one.
    const fs::path read_cdf = variant_dir / "read_latency_cdf.csv";
    loaded.series.push_back(PlotSeries{series_key(name), v, read_csv(variant_dir / "timeseries.csv"),
                                       read_csv(variant_dir / "latency_cdf.csv"),
                                       fs::exists(read_cdf) ? read_csv(read_cdf) : CsvTable()});
    check_readable(loaded.series.back(), summary_file, join_path("variants", i));
  }
  const auto [first, second] = series_key_clash(loaded.variants);
  if (first != second)
    throw ConfigError(summary_file, join_path(join_path("variants", second), "variant"),
                      "gives the same file name as variants/" + std::to_string(first) + ": not a foliosim summary");
  return loaded;
}

}  // namespace foliosim
