#include "tests/fuzz/fuzz_targets.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "sim/input/config_error.hpp"
#include "sim/input/published.hpp"
#include "sim/input/scenario.hpp"
#include "sim/input/units.hpp"

namespace foliosim::fuzz {

namespace {

std::string as_text(const std::uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

void parse_and_resolve(const std::string& text, const std::vector<std::string>& overrides) {
  try {
    resolve_variants(parse_scenario_text(text, "fuzz.json", overrides));
  } catch (const ConfigError&) {
    // The documented refusal of a bad scenario.
  }
}

// A finding the sanitizers would not see: escaping the target, it aborts the run.
[[noreturn]] void fail(const std::string& what) { throw std::logic_error("fuzz: " + what); }

}  // namespace

void scenario_text(const std::uint8_t* data, std::size_t size) { parse_and_resolve(as_text(data, size), {}); }

const std::string& quickstart_text() {
  static const std::string text = [] {
    std::ifstream in(std::string(FOLIOSIM_SOURCE_DIR) + "/scenarios/quickstart.json", std::ios::binary);
    if (!in) fail("cannot read scenarios/quickstart.json");
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }();
  return text;
}

void set_overrides(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> overrides;
  std::istringstream lines(as_text(data, size));
  for (std::string line; std::getline(lines, line);) overrides.push_back(line);
  parse_and_resolve(quickstart_text(), overrides);
}

void unit_string(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string text = as_text(data + 1, size - 1);
  try {
    switch (data[0] % 4) {
      case 0: {
        const std::uint64_t v = units::parse_size_bytes(text);
        if (units::parse_size_bytes(units::format_size(v)) != v) fail("size does not read back: " + text);
        break;
      }
      case 1: {
        const double v = units::parse_rate_bytes_per_s(text);
        if (units::parse_rate_bytes_per_s(units::format_rate(v)) != v) fail("rate does not read back: " + text);
        break;
      }
      case 2: {
        const double v = units::parse_duration_s(text);
        if (units::parse_duration_s(units::format_duration(v)) != v) fail("duration does not read back: " + text);
        break;
      }
      default: {
        const double v = units::parse_frequency_hz(text);
        if (units::parse_frequency_hz(units::format_frequency(v)) != v) fail("frequency does not read back: " + text);
        break;
      }
    }
  } catch (const units::UnitError&) {
    // The documented refusal of a malformed value.
  }
}

void published_section(const std::uint8_t* data, std::size_t size) {
  const Json section = Json::parse(as_text(data, size), nullptr, false);
  if (section.is_discarded()) return;  // not JSON: the scenario parser's refusal, fuzzed by scenario_text
  try {
    parse_published(section, "fuzz.json", {"base", "a", "b"});
  } catch (const ConfigError&) {
  }
}

}  // namespace foliosim::fuzz
