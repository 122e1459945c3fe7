// The bodies of the libFuzzer targets, one per parser of user input. Each
// returns normally when the parser accepts the input or refuses it the
// documented way (ConfigError, UnitError); anything else escaping, a crash or a
// sanitizer report is a finding. libfuzzer_main.cpp wraps one of them for
// libFuzzer (scripts/fuzz.sh); corpus_test.cpp runs each over its seed corpus
// in the normal suite.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace foliosim::fuzz {

// Scenario JSON text, with its variants and published section, resolved.
void scenario_text(const std::uint8_t* data, std::size_t size);
// One --set override ("path=value") per line, applied to the quickstart scenario.
void set_overrides(const std::uint8_t* data, std::size_t size);
// A unit string: the first byte picks the parser (size, rate, duration,
// frequency), the rest is the text; what parses must format and read back the same.
void unit_string(const std::uint8_t* data, std::size_t size);
// A published section as JSON, for a scenario with variants "base", "a" and "b".
void published_section(const std::uint8_t* data, std::size_t size);

// The scenario set_overrides applies its lines to.
const std::string& quickstart_text();

}  // namespace foliosim::fuzz
