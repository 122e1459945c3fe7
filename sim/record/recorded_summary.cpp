#include "sim/record/recorded_summary.hpp"

#include <algorithm>
#include <stdexcept>

namespace foliosim::record {

bool is_spread(const Json& value) {
  return value.is_object() && value.contains("median") && value.contains("min") && value.contains("max") &&
         value.contains("reps");
}

namespace {

// The union of the repetitions' keys, in the order they first appear.
std::vector<std::string> keys_of(const std::vector<const Json*>& values) {
  std::vector<std::string> keys;
  for (const Json* value : values)
    if (value && value->is_object())
      for (const auto& item : value->items())
        if (std::find(keys.begin(), keys.end(), item.key()) == keys.end()) keys.push_back(item.key());
  return keys;
}

Json merge(const std::vector<const Json*>& values) {
  const Json* first = nullptr;
  for (const Json* value : values)
    if (value && !value->is_null()) {
      first = value;
      break;
    }
  if (!first) return Json();
  if (first->is_object()) {
    Json out = Json::object();
    for (const auto& key : keys_of(values)) {
      std::vector<const Json*> inner;
      for (const Json* value : values)
        inner.push_back(value && value->is_object() && value->contains(key) ? &(*value)[key] : nullptr);
      out[key] = merge(inner);
    }
    return out;
  }
  if (!first->is_number()) return *first;
  Json reps = Json::array();
  std::vector<double> numbers;
  for (const Json* value : values) {
    if (value && value->is_number()) {
      reps.push_back(*value);
      numbers.push_back(value->get<double>());
    } else {
      reps.push_back(nullptr);
    }
  }
  const Spread spread = spread_of(numbers);
  return Json{{"median", spread.median}, {"min", spread.min}, {"max", spread.max}, {"reps", reps}};
}

}  // namespace

Json aggregate_repetitions(const std::vector<Json>& repetitions) {
  std::vector<const Json*> values;
  for (const auto& repetition : repetitions) values.push_back(&repetition);
  return merge(values);
}

}  // namespace foliosim::record
