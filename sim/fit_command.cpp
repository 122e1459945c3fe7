#include "sim/fit_command.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#ifdef FOLIOSIM_HAVE_NLOPT
#include <nlopt.h>
#endif

#include "sim/engine/interruption.hpp"
#include "sim/input/config_error.hpp"
#include "sim/input/param_lookup.hpp"
#include "sim/input/scenario.hpp"
#include "sim/output/metrics_table.hpp"
#include "sim/output/results_writer.hpp"
#include "sim/record/recorded_comparison.hpp"
#include "sim/record/sysfs_stats.hpp"
#include "sim/run_variant.hpp"
#include "sim/version.hpp"

namespace foliosim {

namespace {

namespace fs = std::filesystem;

struct FittedParam {
  NumericParam param;
  double min = 0, max = 0;
};

// A scenario and the recorded directory it is fitted to.
struct Pairing {
  std::string scenario_path;
  std::string recorded_dir;
  Json recorded;  // summary.json
};

Json recorded_summary(const std::string& dir) {
  const std::string file = (fs::path(dir) / "summary.json").string();
  std::string text;
  try {
    text = record::read_text_file(file);
  } catch (const std::runtime_error&) {
    throw ConfigError(file, "", "cannot read it: --from needs a directory `foliosim record` wrote");
  }
  Json summary = Json::parse(text, nullptr, false);
  if (summary.is_discarded() || !record::is_recorded_summary(summary))
    throw ConfigError(file, "recorded_on", "missing: not a recorded directory (foliosim record wrote none here)");
  return summary;
}

const Json* recorded_variant(const Json& summary, const std::string& name) {
  for (const auto& v : summary["variants"])
    if (v.value("variant", "") == name) return &v;
  return nullptr;
}

// "path" or "path=MIN:MAX": the parameter, its declared bound narrowed by the given one.
FittedParam fitted_param(const std::string& option, const Scenario& scenario, const std::string& file) {
  const auto eq = option.find('=');
  const std::string path = param_path(option.substr(0, eq));
  FittedParam p{find_numeric_param(scenario, path, file), 0, 0};
  p.min = p.param.bound.min;
  p.max = p.param.bound.max;
  if (p.param.bound.min_excluded) p.min += std::max(1e-12, std::fabs(p.min) * 1e-9);
  if (eq != std::string::npos) {
    const std::string range = option.substr(eq + 1);
    const auto colon = range.find(':');
    if (colon == std::string::npos)
      throw ConfigError("command line", "--params " + option, "expected path=MIN:MAX, in the field's units");
    p.min = std::max(p.min, parse_param_value(p.param.kind, range.substr(0, colon), "--params " + option));
    p.max = std::min(p.max, parse_param_value(p.param.kind, range.substr(colon + 1), "--params " + option));
  }
  if (!std::isfinite(p.min) || !std::isfinite(p.max))
    throw ConfigError("command line", "--params " + option,
                      path + " has no declared " + (std::isfinite(p.max) ? "lower" : "upper") +
                          " bound (models/common/param_fields.hpp): give one, as " + path + "=MIN:MAX");
  if (!(p.min < p.max))
    throw ConfigError("command line", "--params " + option, "an empty range: MIN must be below MAX");
  return p;
}

double rms(const Json& terms) {
  double sum = 0;
  for (const auto& t : terms) sum += std::pow(t["relative_error"].get<double>(), 2);
  return terms.empty() ? 0 : std::sqrt(sum / static_cast<double>(terms.size()));
}

class Fit {
 public:
  Fit(std::vector<Pairing> pairs, std::vector<FittedParam> params, std::vector<std::string> figures)
      : pairs_(std::move(pairs)), params_(std::move(params)), figures_(std::move(figures)) {}

  std::vector<double> values_of(const std::vector<double>& x) const {
    std::vector<double> values;
    for (std::size_t i = 0; i < params_.size(); ++i)
      values.push_back(params_[i].min + std::clamp(x[i], 0.0, 1.0) * (params_[i].max - params_[i].min));
    return values;
  }
  std::vector<std::string> overrides(const std::vector<double>& values) const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < params_.size(); ++i) {
      const Json v = param_value_json(params_[i].param.kind, values[i]);
      out.push_back(params_[i].param.path + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    }
    return out;
  }

  // Every paired variant simulated at `values`: its terms, each with where it comes from.
  Json terms_at(const std::vector<double>& values) {
    ++evaluations_;
    Json terms = Json::array();
    for (const auto& pair : pairs_) {
      const ScenarioFile file = load_scenario_file(pair.scenario_path, overrides(values));
      for (const auto& variant : resolve_variants(file)) {
        const Json* recorded = recorded_variant(pair.recorded, variant.name);
        if (!recorded) continue;
        throw_if_interrupted();
        const Json simulated = simulate_isolated(variant.scenario).summary;
        for (const auto& t : record::fit_terms(*recorded, simulated, figures_))
          terms.push_back({{"scenario", file.file}, {"variant", variant.name}, {"figure", t.figure},
                           {"recorded_median", t.recorded_median}, {"simulated", t.simulated},
                           {"relative_error", t.relative_error}});
      }
    }
    if (terms.empty())
      throw ConfigError(pairs_.front().recorded_dir + "/summary.json", "variants",
                        "no variant of the scenarios has a recorded counterpart of the same name with these figures");
    return terms;
  }

  double objective(const std::vector<double>& x) {
    const Json terms = terms_at(values_of(x));
    const double error = rms(terms);
    if (error < best_error_) {
      best_error_ = error;
      best_x_ = x;
      best_terms_ = terms;
    }
    std::cerr << "fit: evaluation " << evaluations_ << ": rms relative error " << format_value(error) << "\n";
    return error * error;
  }

  const std::vector<FittedParam>& params() const { return params_; }
  int evaluations() const { return evaluations_; }
  const std::vector<double>& best_x() const { return best_x_; }
  const Json& best_terms() const { return best_terms_; }
  std::exception_ptr failure;

 private:
  std::vector<Pairing> pairs_;
  std::vector<FittedParam> params_;
  std::vector<std::string> figures_;
  int evaluations_ = 0;
  double best_error_ = std::numeric_limits<double>::infinity();
  std::vector<double> best_x_;
  Json best_terms_;
};

#ifdef FOLIOSIM_HAVE_NLOPT
struct CallbackData {
  Fit* fit;
  nlopt_opt opt;
};

// NLopt is C: an exception must not cross it; it is kept and rethrown after.
double nlopt_objective(unsigned n, const double* x, double* /*gradient: derivative-free*/, void* data) {
  auto* d = static_cast<CallbackData*>(data);
  try {
    return d->fit->objective(std::vector<double>(x, x + n));
  } catch (...) {
    d->fit->failure = std::current_exception();
    nlopt_force_stop(d->opt);
    return HUGE_VAL;
  }
}
#endif

void write_result(const std::string& file, const Json& result, bool force) {
  std::error_code error;
  if (fs::exists(file, error) && (!force || !fs::is_regular_file(file, error)))
    throw OutputError(file + (fs::is_regular_file(file, error) ? ": exists: add --force to replace it"
                                                                : ": exists and is not a file: refusing"));
  const fs::path parent = fs::path(file).parent_path();
  if (!parent.empty()) fs::create_directories(parent, error);
  const std::string temp = file + ".tmp-" + std::to_string(getpid());
  std::ofstream out(temp);
  out << result.dump(2) << "\n";
  out.close();
  if (out) fs::rename(temp, file, error);  // in one piece: the old file or the new one, never half
  if (!out || error) {
    fs::remove(temp, error);
    throw OutputError(file + ": cannot write it");
  }
}

}  // namespace

FitOutcome fit_scenarios(const FitOptions& options) {
#ifndef FOLIOSIM_HAVE_NLOPT
  (void)options;
  throw ConfigError("command line", "fit", "this foliosim was built without NLopt (Debian: libnlopt-dev; "
                                           "scripts/setup.sh installs it; then rebuild)");
#else
  if (options.scenarios.empty()) throw ConfigError("command line", "SCENARIO", "name at least one scenario");
  if (options.from.size() != options.scenarios.size())
    throw ConfigError("command line", "--from",
                      "give one recorded directory per scenario, in the same order (" +
                          std::to_string(options.scenarios.size()) + " scenarios, " +
                          std::to_string(options.from.size()) + " directories)");
  if (options.params.empty()) throw ConfigError("command line", "--params", "name at least one parameter");
  if (options.max_evaluations < 1) throw ConfigError("command line", "--max-evals", "must be at least 1");
  const nlopt_algorithm algorithm = options.algorithm == "bobyqa"       ? NLOPT_LN_BOBYQA
                                    : options.algorithm == "neldermead" ? NLOPT_LN_NELDERMEAD
                                                                        : NLOPT_NUM_ALGORITHMS;
  if (algorithm == NLOPT_NUM_ALGORITHMS)
    throw ConfigError("command line", "--algorithm", "\"" + options.algorithm + "\": bobyqa or neldermead");
  std::vector<Pairing> pairs;
  for (std::size_t i = 0; i < options.scenarios.size(); ++i)
    pairs.push_back({options.scenarios[i], options.from[i], recorded_summary(options.from[i])});
  // Parameters and their starting values: the first scenario's base (its first variant).
  const ScenarioFile first = load_scenario_file(options.scenarios.front());
  const auto variants = resolve_variants(first);
  std::vector<FittedParam> params;
  for (const auto& option : options.params) params.push_back(fitted_param(option, variants.front().scenario,
                                                                          options.scenarios.front()));
  const std::string output = options.output_file.empty()
                                 ? "results/fit-" + variants.front().scenario.name + ".json" : options.output_file;
  std::error_code error;
  if (fs::exists(output, error) && !options.force)
    throw OutputError(output + ": exists: add --force to replace it");

  Fit fit(pairs, params, options.figures.empty() ? record::default_fit_figures() : options.figures);
  std::vector<double> x;
  for (const auto& p : params) x.push_back(std::clamp((p.param.value - p.min) / (p.max - p.min), 0.0, 1.0));
  const std::vector<double> start = x;
  const Json initial_terms = fit.terms_at(fit.values_of(start));

  nlopt_opt opt = nlopt_create(params.size() == 1 && algorithm == NLOPT_LN_BOBYQA ? NLOPT_LN_NELDERMEAD : algorithm,
                               static_cast<unsigned>(params.size()));
  CallbackData data{&fit, opt};
  nlopt_set_lower_bounds1(opt, 0);
  nlopt_set_upper_bounds1(opt, 1);
  nlopt_set_min_objective(opt, nlopt_objective, &data);
  nlopt_set_maxeval(opt, options.max_evaluations);
  nlopt_set_xtol_rel(opt, 1e-3);
  nlopt_set_initial_step1(opt, 0.1);  // a tenth of each range
  double minimum = 0;
  const nlopt_result status = nlopt_optimize(opt, x.data(), &minimum);
  nlopt_destroy(opt);
  if (fit.failure) std::rethrow_exception(fit.failure);
  if (fit.best_x().empty()) throw ConfigError("command line", "fit", "NLopt evaluated nothing (" +
                                                                         std::to_string(status) + ")");

  Json result;
  result["foliosim_version"] = kVersion;
  result["algorithm"] = params.size() == 1 && algorithm == NLOPT_LN_BOBYQA ? "neldermead (bobyqa needs 2 "
                                                                             "parameters or more)"
                                                                           : options.algorithm;
  result["nlopt_result"] = static_cast<int>(status);
  result["evaluations"] = fit.evaluations();
  result["scenarios"] = options.scenarios;
  result["from"] = options.from;
  result["figures"] = options.figures.empty() ? record::default_fit_figures() : options.figures;
  const std::vector<double> fitted = fit.values_of(fit.best_x()), initial = fit.values_of(start);
  result["params"] = Json::array();
  for (std::size_t i = 0; i < params.size(); ++i)
    result["params"].push_back({{"path", params[i].param.path},
                                {"initial", param_value_json(params[i].param.kind, initial[i])},
                                {"fitted", param_value_json(params[i].param.kind, fitted[i])},
                                {"min", param_value_json(params[i].param.kind, params[i].min)},
                                {"max", param_value_json(params[i].param.kind, params[i].max)},
                                {"fitted_base_unit", fitted[i]}});
  result["set"] = fit.overrides(fitted);
  result["rms_relative_error"] = {{"initial", rms(initial_terms)}, {"fitted", rms(fit.best_terms())}};
  result["terms_initial"] = initial_terms;
  result["terms_fitted"] = fit.best_terms();
  throw_if_interrupted();
  write_result(output, result, options.force);
  return FitOutcome{output, result};
#endif
}

std::string fit_table(const Json& result) {
  std::string out;
  for (const auto& p : result["params"])
    out += p["path"].get<std::string>() + ": " + p["initial"].dump() + " -> " + p["fitted"].dump() + "  (bounds " +
           p["min"].dump() + " .. " + p["max"].dump() + ")\n";
  out += "rms relative error: " + format_value(result["rms_relative_error"]["initial"].get<double>()) + " -> " +
         format_value(result["rms_relative_error"]["fitted"].get<double>()) + " (" +
         std::to_string(result["evaluations"].get<int>()) + " evaluations)\n";
  out += "--set:";
  for (const auto& s : result["set"]) out += " " + s.get<std::string>();
  return out + "\n";
}

}  // namespace foliosim
