#include "sim/input/json_fields.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/input/config_error.hpp"
#include "sim/input/units.hpp"

namespace foliosim {

std::string join_path(const std::string& parent, const std::string& key) {
  return parent.empty() ? key : parent + "/" + key;
}

std::string join_path(const std::string& parent, std::size_t index) {
  return join_path(parent, std::to_string(index));
}

namespace {

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string describe(const Json& value) {
  if (value.is_string()) return "\"" + value.get<std::string>() + "\"";
  std::string dumped = value.dump();
  if (value.is_number()) dumped += " (a number without a unit)";
  return dumped;
}

}  // namespace

std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  return best;
}

FieldReader::FieldReader(const Json& object, std::string path, std::string file)
    : object_(object), path_(std::move(path)), file_(std::move(file)) {
  if (!object_.is_object())
    throw ConfigError(file_, path_, "expected an object { ... }, got " + describe(object_));
}

void FieldReader::fail(const char* key, const std::string& message) const {
  throw ConfigError(file_, path_of(key), message);
}

const Json* FieldReader::find(const char* key) {
  known_.emplace_back(key);
  auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

const Json* FieldReader::child(const char* key) { return find(key); }

void FieldReader::require(const char* key) {
  if (object_.find(key) == object_.end()) fail(key, "is required but missing");
}

std::string FieldReader::text_value(const char* key, const Json& value, const char* expected) const {
  if (!value.is_string()) fail(key, std::string("expected ") + expected + ", got " + describe(value));
  return value.get<std::string>();
}

namespace {

// Refuses a value outside `bound`, saying the limit in the field's unit.
template <class T, class Format>
void check_bound(const FieldReader& reader, const char* key, T value, Bound bound, Format format) {
  const auto v = static_cast<double>(value);
  if (bound.min_excluded && bound.min == 0 && !(v > 0)) reader.fail(key, "must be greater than zero");
  if (!bound.min_excluded && bound.min == 0 && v < 0) reader.fail(key, "must not be negative");
  if (bound.min_excluded ? !(v > bound.min) : !(v >= bound.min))
    reader.fail(key, std::string("must be ") + (bound.min_excluded ? "greater than " : "at least ") +
                         format(bound.min) + ", got " + format(v));
  if (v > bound.max) reader.fail(key, "must be at most " + format(bound.max) + ", got " + format(v));
}

std::string format_count(double value) {
  return value < 0x1p64 ? std::to_string(static_cast<std::uint64_t>(value)) : Json(value).dump();
}
std::string format_size(double bytes) {
  return bytes >= 0x1p64 ? Json(bytes).dump() + "B" : units::format_size(static_cast<std::uint64_t>(bytes));
}

// Runs a unit parser, turning its error into one that names the file and path.
template <class Parse>
auto parse_with(const FieldReader& reader, const char* key, const std::string& text, Parse parse) {
  try {
    return parse(text);
  } catch (const units::UnitError& e) {
    reader.fail(key, e.what());
  }
}

}  // namespace

void FieldReader::size(const char* key, std::uint64_t& bytes, Bound bound) {
  const Json* value = find(key);
  if (!value) return;
  bytes = parse_with(*this, key, text_value(key, *value, "a size with a unit such as \"4KiB\""),
                     units::parse_size_bytes);
  check_bound(*this, key, bytes, bound, format_size);
}

void FieldReader::rate(const char* key, double& bytes_per_s, Bound bound) {
  const Json* value = find(key);
  if (!value) return;
  bytes_per_s = parse_with(*this, key, text_value(key, *value, "a rate with a unit such as \"2GBps\""),
                           units::parse_rate_bytes_per_s);
  check_bound(*this, key, bytes_per_s, bound, units::format_rate);
}

void FieldReader::duration(const char* key, double& seconds, Bound bound) {
  const Json* value = find(key);
  if (!value) return;
  seconds = parse_with(*this, key, text_value(key, *value, "a duration with a unit such as \"20us\""),
                       units::parse_duration_s);
  check_bound(*this, key, seconds, bound, units::format_duration);
}

void FieldReader::frequency(const char* key, double& hz, Bound bound) {
  const Json* value = find(key);
  if (!value) return;
  hz = parse_with(*this, key, text_value(key, *value, "a frequency with a unit such as \"2.5GHz\""),
                  units::parse_frequency_hz);
  check_bound(*this, key, hz, bound, units::format_frequency);
}

void FieldReader::count(const char* key, std::uint64_t& value, Bound bound) {
  const Json* v = find(key);
  if (!v) return;
  // An unsigned JSON number is never negative, even past INT64_MAX (a seed of 2^64-1).
  if (v->is_number_integer() && !v->is_number_unsigned() && v->get<std::int64_t>() < 0)
    fail(key, "must not be negative");
  if (!v->is_number_unsigned() && !v->is_number_integer())
    fail(key, "expected a whole number, got " + (v->is_number() ? v->dump() : describe(*v)));
  value = v->get<std::uint64_t>();
  check_bound(*this, key, value, bound, format_count);
}

void FieldReader::integer(const char* key, int& value, int min, int max) {
  const Json* v = find(key);
  if (!v) return;
  if (!v->is_number_integer())
    fail(key, "expected a whole number, got " + (v->is_number() ? v->dump() : describe(*v)));
  // Past INT64_MAX only an unsigned JSON number can go: out of range then.
  constexpr auto kLargest = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  const bool huge = v->is_number_unsigned() && v->get<std::uint64_t>() > kLargest;
  if (huge || v->get<std::int64_t>() < min || v->get<std::int64_t>() > max)
    fail(key, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + v->dump());
  value = static_cast<int>(v->get<std::int64_t>());
}

void FieldReader::number(const char* key, double& value, double min, double max) {
  const Json* v = find(key);
  if (!v) return;
  if (!v->is_number()) fail(key, "expected a number, got " + describe(*v));
  value = v->get<double>();
  if (!(value >= min && value <= max))
    fail(key, "must be between " + Json(min).dump() + " and " + Json(max).dump() + ", got " + v->dump());
}

void FieldReader::flag(const char* key, bool& value) {
  const Json* v = find(key);
  if (!v) return;
  if (!v->is_boolean()) fail(key, "expected true or false, got " + describe(*v));
  value = v->get<bool>();
}

void FieldReader::text(const char* key, std::string& value) {
  const Json* v = find(key);
  if (!v) return;
  value = text_value(key, *v, "a string");
  if (value.empty()) fail(key, "must not be empty");
}

std::size_t FieldReader::choice_index(const char* key, const Json& value,
                                      const std::vector<std::string>& names) const {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
  const std::string got = text_value(key, value, ("one of " + list).c_str());
  const auto it = std::find(names.begin(), names.end(), got);
  if (it == names.end()) {
    const std::string hint = did_you_mean(got, names);
    fail(key, "expected one of " + list + ", got \"" + got + "\"" +
                  (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
  }
  return static_cast<std::size_t>(it - names.begin());
}

void FieldReader::finish() const {
  for (const auto& item : object_.items()) {
    if (std::find(known_.begin(), known_.end(), item.key()) != known_.end()) continue;
    std::string hint = did_you_mean(item.key(), known_);
    std::string list;
    for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
    throw ConfigError(file_, join_path(path_, item.key()),
                      "unknown key" + (hint.empty() ? std::string() : " (did you mean \"" + hint + "\"?)") +
                          "; known keys here: " + list);
  }
}

void FieldWriter::size(const char* key, std::uint64_t bytes, Bound) { out_[key] = units::format_size(bytes); }
void FieldWriter::rate(const char* key, double bytes_per_s, Bound) { out_[key] = units::format_rate(bytes_per_s); }
void FieldWriter::duration(const char* key, double seconds, Bound) { out_[key] = units::format_duration(seconds); }
void FieldWriter::frequency(const char* key, double hz, Bound) { out_[key] = units::format_frequency(hz); }
void FieldWriter::count(const char* key, std::uint64_t value, Bound) { out_[key] = value; }
void FieldWriter::integer(const char* key, int value, int, int) { out_[key] = value; }
void FieldWriter::number(const char* key, double value, double, double) { out_[key] = value; }
void FieldWriter::flag(const char* key, bool value) { out_[key] = value; }
void FieldWriter::text(const char* key, const std::string& value) {
  if (!value.empty()) out_[key] = value;
}

}  // namespace foliosim
