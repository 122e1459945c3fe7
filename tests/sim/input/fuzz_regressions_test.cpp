// Inputs the fuzz targets (tests/fuzz/) found escaping the parsers other than
// as a ConfigError, each fed to the parser as the fuzzer did.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;

namespace {

// The ConfigError resolving quickstart.json with `overrides` gives.
std::string refusal_of(const std::vector<std::string>& overrides) {
  try {
    resolve_variants(load_scenario_file(test::source_path("scenarios/quickstart.json"), overrides));
  } catch (const ConfigError& e) {
    return e.what();
  }
  FAIL("expected a ConfigError");
  return "";
}

}  // namespace

TEST_CASE("a --set value that is not UTF-8 is refused as such, not an internal error when later written") {
  // Not JSON (JSON text is UTF-8), so taken as a plain string; the list it
  // replaced was then written into the error message.
  const std::string refusal = refusal_of({"devices={\"name\":\"d\x87\"}"});
  CHECK(refusal.find("--set: argument 1 is not valid UTF-8") != std::string::npos);
  CHECK(refusal_of({"name=caf\xe9"}).find("not valid UTF-8") != std::string::npos);
}

TEST_CASE("a number beyond a double is refused as a bad value, in a --set value and in the scenario file") {
  // Taken as the plain string it is, which no duration reads.
  CHECK(refusal_of({"run_for=2777785e415554"}).find("run_for") != std::string::npos);
  try {
    parse_scenario_text("{\"name\": \"t\", \"seed\": 1e400}", "s.json");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.message().find("number overflow") != std::string::npos);
  }
}
