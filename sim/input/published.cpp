#include "sim/input/published.hpp"

#include <stdexcept>

#include "models/common/errors.hpp"
#include "sim/input/config_error.hpp"
#include "sim/input/units.hpp"

namespace foliosim {

namespace {

// "15%" -> 0.15.
double parse_percent(const std::string& text) {
  const std::invalid_argument bad("expected a percentage such as \"15%\", got \"" + text + "\"");
  if (text.size() < 2 || text.back() != '%') throw bad;
  std::size_t used = 0;
  double percent = 0;
  try {
    percent = std::stod(text.substr(0, text.size() - 1), &used);
  } catch (const std::exception&) {
    throw bad;
  }
  if (used != text.size() - 1 || !(percent > 0)) throw bad;
  return percent / 100;
}

}  // namespace

bool measure_is_rate(Measure measure) {
  switch (measure) {
    case Measure::kAppWriteRate:
    case Measure::kDeviceWriteRate:
    case Measure::kAppReadRate:
    case Measure::kDeviceReadRate: return true;
    case Measure::kCpuBusy:
    case Measure::kWriteLatencyP50:
    case Measure::kWriteLatencyP99:
    case Measure::kWriteLatencyP999: return false;
  }
  invalid_enum_value("measure");
}

PublishedSection parse_published(const Json& section, const std::string& file, const std::set<std::string>& variants) {
  PublishedSection out;
  FieldReader top(section, "published", file);
  top.require("source");
  top.text("source", out.source);
  top.require("tolerance");
  std::string tolerance;
  top.text("tolerance", tolerance);
  try {
    out.tolerance = parse_percent(tolerance);
  } catch (const std::exception& e) {
    top.fail("tolerance", e.what());
  }
  top.require("figures");
  const Json& figures = *top.child("figures");
  top.finish();
  if (!figures.is_array() || figures.empty())
    throw ConfigError(file, "published/figures", "expected a non-empty list of figures");
  const std::vector<std::string> names(variants.begin(), variants.end());
  for (std::size_t i = 0; i < figures.size(); ++i) {
    FieldReader reader(figures[i], join_path("published/figures", i), file);
    PublishedFigure f;
    for (const char* key : {"what", "variant", "measure", "value"}) reader.require(key);
    reader.text("what", f.what);
    reader.text("variant", f.variant);
    reader.text("over", f.over);
    for (const std::string* name : {&f.variant, &f.over}) {
      if (name->empty() || variants.count(*name)) continue;
      const std::string hint = did_you_mean(*name, names);
      reader.fail(name == &f.variant ? "variant" : "over",
                  "no variant named \"" + *name + "\"" + (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
    reader.choice("measure", f.measure, kMeasureNames);
    const bool rate = measure_is_rate(f.measure);
    if (rate) {
      reader.duration("from", f.from_s);
      reader.duration("to", f.to_s);
      if (f.to_s > 0 && f.to_s <= f.from_s) reader.fail("to", "must be after \"from\"");
    }
    const Json& value = *reader.child("value");
    reader.finish();
    const std::string value_path = join_path(reader.path(), "value");
    if (!f.over.empty()) {
      if (!value.is_number() || !(value.get<double>() > 0))
        throw ConfigError(file, value_path, "a figure with \"over\" is a ratio: expected a positive number");
      f.value = value.get<double>();
    } else {
      const char* expected = rate ? "a rate such as \"115GBps\"" : "a duration such as \"23ms\"";
      if (!value.is_string()) throw ConfigError(file, value_path, std::string("expected ") + expected);
      try {
        f.value = rate ? units::parse_rate_bytes_per_s(value.get<std::string>())
                       : units::parse_duration_s(value.get<std::string>());
      } catch (const std::exception& e) {
        throw ConfigError(file, value_path, e.what());
      }
      if (!(f.value > 0)) throw ConfigError(file, value_path, std::string("expected ") + expected);
    }
    out.figures.push_back(f);
  }
  return out;
}

}  // namespace foliosim
