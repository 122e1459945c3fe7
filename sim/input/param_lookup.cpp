#include "sim/input/param_lookup.hpp"

#include <cmath>
#include <stdexcept>

#include "sim/input/config_error.hpp"
#include "sim/input/units.hpp"

namespace foliosim {

namespace {

// Walks a params struct's fields() like FieldReader, noting the field at `wanted`.
class ParamFinder {
 public:
  ParamFinder(std::string prefix, const std::string& wanted, NumericParam& found, bool& non_numeric)
      : prefix_(std::move(prefix)), wanted_(wanted), found_(found), non_numeric_(non_numeric) {}

  void size(const char* key, std::uint64_t& v, Bound b = Bound::kNonNegative) {
    hit(key, ParamKind::kSize, b, static_cast<double>(v));
  }
  void rate(const char* key, double& v, Bound b = Bound::at_least(kMinRateBps)) { hit(key, ParamKind::kRate, b, v); }
  void duration(const char* key, double& v, Bound b = Bound::kNonNegative) { hit(key, ParamKind::kDuration, b, v); }
  void frequency(const char* key, double& v, Bound b = Bound::at_least(kMinFrequencyHz)) {
    hit(key, ParamKind::kFrequency, b, v);
  }
  void count(const char* key, std::uint64_t& v, Bound b = Bound::kNonNegative) {
    hit(key, ParamKind::kCount, b, static_cast<double>(v));
  }
  void integer(const char* key, int& v, int min, int max) {
    hit(key, ParamKind::kInteger, Bound::between(min, max), v);
  }
  void number(const char* key, double& v, double min, double max) {
    hit(key, ParamKind::kNumber, Bound::between(min, max), v);
  }
  void flag(const char* key, bool&) { other(key); }
  void text(const char* key, std::string&) { other(key); }
  template <class E, class Names>
  void choice(const char* key, E&, const Names&) {
    other(key);
  }
  template <class T>
  void list(const char* key, std::vector<T>& items) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      ParamFinder inner(join_path(join_path(prefix_, key), i), wanted_, found_, non_numeric_);
      items[i].fields(inner);
    }
  }
  void require(const char*) {}

 private:
  void hit(const char* key, ParamKind kind, Bound bound, double value) {
    if (join_path(prefix_, key) == wanted_) found_ = NumericParam{wanted_, kind, bound, value};
  }
  void other(const char* key) {
    if (join_path(prefix_, key) == wanted_) non_numeric_ = true;
  }
  std::string prefix_;
  const std::string& wanted_;
  NumericParam& found_;
  bool& non_numeric_;
};

template <class Params>
void visit(Params params, const std::string& prefix, const std::string& wanted, NumericParam& found, bool& other) {
  ParamFinder finder(prefix, wanted, found, other);
  params.fields(finder);
}

template <class Params>
void visit_list(std::vector<Params> items, const std::string& prefix, const std::string& wanted, NumericParam& found,
                bool& other) {
  for (std::size_t i = 0; i < items.size(); ++i) visit(items[i], join_path(prefix, i), wanted, found, other);
}

}  // namespace

std::string param_path(const std::string& dotted_or_slashed) {
  std::string path = dotted_or_slashed;
  for (char& c : path)
    if (c == '.') c = '/';
  return path;
}

NumericParam find_numeric_param(const Scenario& s, const std::string& path, const std::string& file) {
  NumericParam found;
  found.path.clear();
  bool non_numeric = false;
  visit(s.machine, "machine", path, found, non_numeric);
  visit(s.cpu, "cpu", path, found, non_numeric);
  visit_list(s.devices, "devices", path, found, non_numeric);
  visit(s.filesystem, "filesystem", path, found, non_numeric);
  visit(s.page_cache, "page_cache", path, found, non_numeric);
  visit(s.writeback, "writeback", path, found, non_numeric);
  visit(s.reclaim, "reclaim", path, found, non_numeric);
  visit_list(s.jobs, "workload/jobs", path, found, non_numeric);
  if (non_numeric) throw ConfigError(file, path, "not a number the fit can move (a flag, a choice or text)");
  if (found.path.empty()) throw ConfigError(file, path, "no such parameter in the scenario");
  return found;
}

Json param_value_json(ParamKind kind, double value) {
  switch (kind) {  // the resolved scenario's formatters: they parse back to the same double
    case ParamKind::kSize: return units::format_size(static_cast<std::uint64_t>(std::llround(value)));
    case ParamKind::kRate: return units::format_rate(value);
    case ParamKind::kDuration: return units::format_duration(value);
    case ParamKind::kFrequency: return units::format_frequency(value);
    case ParamKind::kCount: return static_cast<std::uint64_t>(std::llround(value));
    case ParamKind::kInteger: return static_cast<int>(std::lround(value));
    case ParamKind::kNumber: return value;
  }
  return value;
}

double parse_param_value(ParamKind kind, const std::string& text, const std::string& what) {
  try {
    switch (kind) {
      case ParamKind::kSize: return static_cast<double>(units::parse_size_bytes(text));
      case ParamKind::kRate: return units::parse_rate_bytes_per_s(text);
      case ParamKind::kDuration: return units::parse_duration_s(text);
      case ParamKind::kFrequency: return units::parse_frequency_hz(text);
      case ParamKind::kCount:
      case ParamKind::kInteger:
      case ParamKind::kNumber: {
        std::size_t used = 0;
        const double value = std::stod(text, &used);
        if (used != text.size()) throw std::invalid_argument("not a number");
        return value;
      }
    }
  } catch (const std::exception& e) {
    throw ConfigError("command line", what, "\"" + text + "\": " + e.what());
  }
  return 0;
}

}  // namespace foliosim
