#include "sim/output/results_reader.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input/config_error.hpp"
#include "sim/output/figures.hpp"

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

}  // namespace

LoadedResults load_results(const std::string& dir) {
  LoadedResults loaded;
  loaded.dir = dir;
  const fs::path root(dir);
  loaded.summary = read_json(root / "summary.json");
  if (!loaded.summary.contains("variants") || !loaded.summary["variants"].is_array())
    throw ConfigError((root / "summary.json").string(), "variants", "missing: not a foliosim summary");
  const fs::path resolved_path = root / "resolved_scenario.json";
  if (fs::exists(resolved_path)) {
    const Json resolved = read_json(resolved_path);
    const Json first = resolved.value("variants", Json::array());
    if (!first.empty()) loaded.question = first[0]["scenario"].value("description", "");
  }
  for (const Json& v : loaded.summary["variants"]) {
    const std::string name = v.value("variant", "");
    loaded.variants.push_back(name);
    loaded.descriptions.push_back(v.value("description", ""));
    const fs::path variant_dir = root / "variants" / name;
    loaded.series.push_back(PlotSeries{series_key(name), v, read_csv(variant_dir / "timeseries.csv"),
                                       read_csv(variant_dir / "latency_cdf.csv")});
  }
  return loaded;
}

}  // namespace foliosim
