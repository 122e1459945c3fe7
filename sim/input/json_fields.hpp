// Reading and writing a parameter struct field by field. Each params struct
// declares its fields once, in `template <class F> void fields(F& f)`; the same
// declaration parses the scenario (FieldReader), writes the resolved scenario
// back with units (FieldWriter), so names, units and defaults cannot drift.
#pragma once

#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/common/errors.hpp"
#include "models/common/param_fields.hpp"

namespace foliosim {

using Json = nlohmann::ordered_json;


// "devices/0/queue_depth": how an error names a value.
std::string join_path(const std::string& parent, const std::string& key);
std::string join_path(const std::string& parent, std::size_t index);

// Closest candidate by edit distance, or "" when none is close enough.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

class FieldReader {
 public:
  // Throws ConfigError when `object` is not a JSON object.
  FieldReader(const Json& object, std::string path, std::string file);

  void size(const char* key, std::uint64_t& bytes, Bound bound = Bound::kNonNegative);
  // Rates and frequencies are at least kMinRateBps and kMinFrequencyHz unless told otherwise.
  void rate(const char* key, double& bytes_per_s, Bound bound = Bound::at_least(kMinRateBps));
  void duration(const char* key, double& seconds, Bound bound = Bound::kNonNegative);
  void frequency(const char* key, double& hz, Bound bound = Bound::at_least(kMinFrequencyHz));
  void count(const char* key, std::uint64_t& value, Bound bound = Bound::kNonNegative);
  // A whole number that may be negative (a scale step), within [min, max].
  void integer(const char* key, int& value, int min, int max);
  // Dimensionless number (a percentage, a factor); the key's name says which.
  void number(const char* key, double& value, double min, double max);
  void flag(const char* key, bool& value);
  void text(const char* key, std::string& value);
  // An enum field spelt as one of `names` (ChoiceName<E>); aliases parse to their value.
  template <class E, class Names>
  void choice(const char* key, E& value, const Names& names) {
    const Json* v = find(key);
    if (!v) return;
    std::vector<std::string> spellings;
    for (const auto& n : names) spellings.emplace_back(n.name);
    value = std::begin(names)[choice_index(key, *v, spellings)].value;
  }
  // A list of params structs, each read with its own fields().
  template <class T>
  void list(const char* key, std::vector<T>& items) {
    const Json* value = find(key);
    if (!value) return;
    if (!value->is_array()) fail(key, "expected a list [ {...}, ... ], got " + value->dump());
    items.clear();
    for (std::size_t i = 0; i < value->size(); ++i) {
      T item;
      FieldReader reader((*value)[i], join_path(path_of(key), i), file_);
      item.fields(reader);
      reader.finish();
      items.push_back(item);
    }
  }
  // Marks `key` as known without reading it (the caller parses it itself).
  const Json* child(const char* key);
  void require(const char* key);

  // Rejects keys no field consumed, with a "did you mean".
  void finish() const;

  std::string path_of(const char* key) const { return join_path(path_, key); }
  const std::string& path() const { return path_; }
  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const char* key, const std::string& message) const;

 private:
  const Json* find(const char* key);
  std::string text_value(const char* key, const Json& value, const char* expected) const;
  // Index of `value` in `names`, or fails listing them with a "did you mean".
  std::size_t choice_index(const char* key, const Json& value, const std::vector<std::string>& names) const;

  const Json& object_;
  std::string path_;
  std::string file_;
  std::vector<std::string> known_;
};

class FieldWriter {
 public:
  void size(const char* key, std::uint64_t bytes, Bound = Bound::kAny);
  void rate(const char* key, double bytes_per_s, Bound = Bound::kAny);
  void duration(const char* key, double seconds, Bound = Bound::kAny);
  void frequency(const char* key, double hz, Bound = Bound::kAny);
  void count(const char* key, std::uint64_t value, Bound = Bound::kAny);
  void integer(const char* key, int value, int, int);
  void number(const char* key, double value, double, double);
  void flag(const char* key, bool value);
  void text(const char* key, const std::string& value);
  // Written back by the value's first name in `names` (its canonical one).
  template <class E, class Names>
  void choice(const char* key, E value, const Names& names) {
    const char* name = choice_name(value, names);
    if (!name) throw InternalError(std::string("no name for a value of ") + key);
    out_[key] = name;
  }
  template <class T>
  void list(const char* key, std::vector<T> items) {
    Json array = Json::array();
    for (auto& item : items) {
      FieldWriter writer;
      item.fields(writer);
      array.push_back(writer.json());
    }
    out_[key] = array;
  }
  const Json* child(const char*) { return nullptr; }
  void require(const char*) {}
  Json& json() { return out_; }

 private:
  Json out_ = Json::object();
};

// Parses a params struct from `object`, keeping defaults for absent keys.
template <class Params>
Params read_fields(const Json& object, const std::string& path, const std::string& file) {
  Params params;
  FieldReader reader(object, path, file);
  params.fields(reader);
  reader.finish();
  return params;
}

template <class Params>
Json write_fields(Params params) {
  FieldWriter writer;
  params.fields(writer);
  return writer.json();
}

}  // namespace foliosim
