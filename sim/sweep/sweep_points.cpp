#include "sim/sweep/sweep_points.hpp"

#include <cstdio>
#include <map>
#include <stdexcept>

#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_scenario.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {
namespace {

bool excluded(const SweepSpec& spec, const std::vector<std::string>& columns, const SweepPoint& point) {
  for (const Json& rule : spec.excludes) {
    bool all = true;
    for (const auto& item : rule.items()) {
      if (item.key() == "variant") {
        all = item.value() == Json(point.variant);
      } else if (item.key() == "seed") {
        all = item.value() == Json(point.seed);
      } else {
        const auto at = std::find(columns.begin(), columns.end(), item.key()) - columns.begin();
        all = item.value() == point.axis_values[static_cast<std::size_t>(at)];
      }
      if (!all) break;
    }
    if (all) return true;
  }
  return false;
}

// Variants named by the sweep, checked against the scenario's.
std::vector<const VariantSpec*> chosen_variants(const SweepSpec& spec, const ScenarioFile& scenario) {
  std::vector<const VariantSpec*> out;
  std::vector<std::string> names;
  for (const auto& variant : scenario.variants) names.push_back(variant.name);
  if (spec.variants.empty()) {
    for (const auto& variant : scenario.variants) out.push_back(&variant);
    return out;
  }
  for (std::size_t i = 0; i < spec.variants.size(); ++i) {
    const auto it = std::find(names.begin(), names.end(), spec.variants[i]);
    if (it == names.end()) {
      const std::string hint = did_you_mean(spec.variants[i], names);
      throw ConfigError(spec.file, join_path("variants", i),
                        "scenario " + spec.scenario_path + " has no variant \"" + spec.variants[i] + "\"" +
                            (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
    out.push_back(&scenario.variants[static_cast<std::size_t>(it - names.begin())]);
  }
  return out;
}

bool path_within(const std::string& path, const std::string& prefix) {
  return path == prefix || path.rfind(prefix + "/", 0) == 0;
}

// An axis whose path a variant also sets would be overridden by the variant
// (its "set" applies last), so that variant's points would all be the same.
void check_no_clash(const SweepSpec& spec, const std::vector<const VariantSpec*>& variants) {
  for (std::size_t a = 0; a < spec.axes.size(); ++a)
    for (std::size_t p = 0; p < spec.axes[a].paths.size(); ++p)
      for (const VariantSpec* variant : variants)
        for (const auto& item : variant->set.items()) {
          const std::string& axis_path = spec.axes[a].paths[p];
          if (path_within(item.key(), axis_path) || path_within(axis_path, item.key()))
            throw ConfigError(spec.file, join_path(join_path("axes", a), "path"),
                              "variant \"" + variant->name + "\" sets \"" + item.key() +
                                  "\", which would override this axis: sweep another path or leave the variant out");
        }
}

std::string axis_value_path(const SweepSpec& spec, std::size_t axis, std::size_t path, std::size_t index) {
  std::string at = join_path("axes", axis);
  if (spec.axes[axis].paths.size() > 1) at = join_path(join_path(at, "zip"), path);
  return join_path(join_path(at, "values"), index);
}

std::uint64_t total_points(const SweepSpec& spec, std::size_t variants, std::size_t seeds) {
  std::uint64_t total = variants * seeds;
  for (const auto& axis : spec.axes) {
    total *= axis.size();
    if (total > kMaxSweepPoints) break;
  }
  if (total > kMaxSweepPoints)
    throw ConfigError(spec.file, "axes",
                      "more than " + std::to_string(kMaxSweepPoints) +
                          " points: split the sweep (each point is a run and a directory)");
  return total;
}

}  // namespace

std::string describe_point(const std::vector<std::string>& columns, const SweepPoint& point) {
  std::string text;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const Json& value = point.axis_values[c];
    text += columns[c] + "=" + (value.is_string() ? value.get<std::string>() : value.dump()) + ", ";
  }
  return text + "variant " + point.variant + ", seed " + std::to_string(point.seed);
}

std::string stable_id(const std::string& text) {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

std::vector<SweepPoint> expand_sweep(const SweepSpec& spec) {
  // A scenario, or a fio job file on the default machine.
  ScenarioFile scenario = fio::load_scenario_or_job_file(spec.scenario_path, {}, "", {});
  for (const auto& item : spec.set.items()) {
    try {
      set_by_path(scenario.base, item.key(), item.value());
    } catch (const std::invalid_argument& e) {
      throw ConfigError(spec.file, join_path("set", item.key()), e.what());
    }
  }
  const std::vector<const VariantSpec*> variants = chosen_variants(spec, scenario);
  check_no_clash(spec, variants);
  std::vector<std::uint64_t> seeds = spec.seeds;
  if (seeds.empty()) {
    const std::uint64_t first = scenario.base.contains("seed") && scenario.base["seed"].is_number_unsigned()
                                    ? scenario.base["seed"].get<std::uint64_t>()
                                    : Scenario{}.seed;
    for (std::uint64_t i = 0; i < std::max<std::uint64_t>(spec.seed_count, 1); ++i) seeds.push_back(first + i);
  }
  total_points(spec, variants.size(), seeds.size());

  const std::vector<std::string> columns = spec.axis_columns();
  std::vector<SweepPoint> points;
  std::vector<std::size_t> at(spec.axes.size(), 0);  // the odometer: one value index per axis
  for (bool more = true; more;) {
    Json base = scenario.base;
    std::vector<Json> values;
    for (std::size_t a = 0; a < spec.axes.size(); ++a)
      for (std::size_t p = 0; p < spec.axes[a].paths.size(); ++p) {
        values.push_back(spec.axes[a].values[p][at[a]]);
        try {
          set_by_path(base, spec.axes[a].paths[p], values.back());
        } catch (const std::invalid_argument& e) {
          throw ConfigError(spec.file, axis_value_path(spec, a, p, at[a]), e.what());
        }
      }
    for (const VariantSpec* variant : variants)
      for (std::uint64_t seed : seeds) {
        SweepPoint point{"", values, variant->name, seed, Json()};
        if (excluded(spec, columns, point)) continue;
        ScenarioFile one = scenario;
        one.base = base;
        one.base["seed"] = seed;
        ResolvedVariant resolved;
        try {
          resolved = resolve_variants(one, variant->name).front();
        } catch (const ConfigError& e) {
          // Name the sweep's value when it is the bad one.
          for (std::size_t a = 0; a < spec.axes.size(); ++a)
            for (std::size_t p = 0; p < spec.axes[a].paths.size(); ++p)
              if (path_within(e.json_path(), spec.axes[a].paths[p]))
                throw ConfigError(spec.file, axis_value_path(spec, a, p, at[a]), e.message());
          for (const auto& item : spec.set.items())
            if (path_within(e.json_path(), item.key()))
              throw ConfigError(spec.file, join_path("set", item.key()), e.message());
          throw;
        }
        point.scenario = resolved_json(resolved.scenario);
        Json entry = {{"name", resolved.name}};
        if (!resolved.description.empty()) entry["description"] = resolved.description;
        point.scenario["variants"] = Json::array({entry});
        point.id = stable_id(point.scenario.dump());
        points.push_back(std::move(point));
      }
    // Next combination: the last axis moves fastest.
    more = false;
    for (std::size_t a = spec.axes.size(); a-- > 0;) {
      if (++at[a] < spec.axes[a].size()) {
        more = true;
        break;
      }
      at[a] = 0;
    }
  }
  std::map<std::string, std::size_t> first_with_id;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const auto [it, fresh] = first_with_id.emplace(points[i].id, i);
    if (!fresh)
      throw ConfigError(spec.file, "axes",
                        "two points resolve to the same scenario (an axis value that changes nothing, such as "
                        "\"1GiB\" and \"1024MiB\"): points " +
                            std::to_string(it->second) + " and " + std::to_string(i));
  }
  return points;
}

}  // namespace foliosim
