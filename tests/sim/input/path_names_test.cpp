// Names that become paths (results/<name>/, variants/<name>/) are refused when
// a path cannot hold them or would read them as another place.
#include <doctest/doctest.h>

#include <string>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"

using namespace foliosim;

namespace {

// A scenario with `name` and a second variant named `variant`; its error's path.
std::string refused_path(const std::string& name, const std::string& variant) {
  const std::string text = R"({"name": )" + name + R"(, "devices": [{"name": "d"}], "filesystem": {"device": "d"},
    "workload": {"jobs": [{"name": "w", "size": "1MiB", "mode": "direct"}]},
    "variants": [{"name": "a"}, {"name": )" + variant + "}]}";
  try {
    resolve_variants(parse_scenario_text(text, "s.json", {}));
  } catch (const ConfigError& e) {
    CHECK(e.file() == "s.json");
    return e.json_path();
  }
  return "accepted";
}

}  // namespace

TEST_CASE("a scenario or variant name that is empty, holds a NUL or a slash, or is . or .. is refused") {
  CHECK(refused_path(R"("ok")", R"("b")") == "accepted");
  CHECK(refused_path(R"("a b")", R"("b c")") == "accepted");
  for (const std::string bad : {R"("")", R"("x\u0000y")", R"(".")", R"("..")", R"("x/y")", R"("x\\y")"}) {
    INFO(bad);
    CHECK(refused_path(bad, R"("b")") == "name");
    CHECK(refused_path(R"("ok")", bad) == "variants/1/name");
  }
}
