// A numeric scenario parameter found by its path ("cpu/copy_bandwidth",
// "devices/0/request_overhead"): its kind (which unit it is written in), the
// bound its fields() declares and its value, for `foliosim fit`, which moves
// it within that bound and writes it back as an override.
#pragma once

#include <string>

#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim {

enum class ParamKind { kSize, kRate, kDuration, kFrequency, kCount, kInteger, kNumber };

struct NumericParam {
  std::string path;
  ParamKind kind = ParamKind::kNumber;
  Bound bound;
  double value = 0;  // in the field's base unit: bytes, bytes per second, seconds, hertz, or plain
};

// "cpu.copy_bandwidth" or "cpu/copy_bandwidth": the path with '/' separators.
std::string param_path(const std::string& dotted_or_slashed);

// Throws ConfigError (naming `file` and the path) when the scenario has no
// numeric field there (a flag, a choice, text or nothing).
NumericParam find_numeric_param(const Scenario& scenario, const std::string& path, const std::string& file);

// The value as the resolved scenario writes it ("29.4GBps", "400ns", 17).
Json param_value_json(ParamKind kind, double value);

// Parses `text` in the kind's units ("10GBps", "2us", "0.5"); throws ConfigError naming `what`.
double parse_param_value(ParamKind kind, const std::string& text, const std::string& what);

}  // namespace foliosim
