// Finding a numeric parameter by its path, with its kind and declared bound,
// for `foliosim fit`.
#include <doctest/doctest.h>

#include "sim/input/config_error.hpp"
#include "sim/input/param_lookup.hpp"

using foliosim::Json;

namespace {

foliosim::Scenario scenario() {
  const Json root = {{"name", "t"},
                     {"devices", {{{"name", "d0"}, {"capacity", "1GiB"}}}},
                     {"filesystem", {{"type", "xfs"}, {"device", "d0"}}},
                     {"workload", {{"jobs", {{{"name", "w"}, {"size", "1MiB"}}}}}}};
  return foliosim::parse_scenario(root, "t.json");
}

}  // namespace

TEST_CASE("fit: a parameter by path: its kind, its declared bound, its value") {
  const auto s = scenario();
  const auto ratio = foliosim::find_numeric_param(s, foliosim::param_path("writeback.dirty_ratio"), "t.json");
  CHECK(ratio.kind == foliosim::ParamKind::kNumber);
  CHECK(ratio.bound.min == 0);
  CHECK(ratio.bound.max == 100);
  CHECK(ratio.value == 20);
  const auto rate = foliosim::find_numeric_param(s, "cpu/copy_bandwidth", "t.json");
  CHECK(rate.kind == foliosim::ParamKind::kRate);
  CHECK(rate.bound.max == foliosim::kInf);  // declared without an upper bound: fit asks for one
  const auto capacity = foliosim::find_numeric_param(s, "devices/0/capacity", "t.json");
  CHECK(capacity.kind == foliosim::ParamKind::kSize);
  CHECK(capacity.value == 1ULL << 30);
  CHECK(foliosim::find_numeric_param(s, "workload/jobs/0/bs", "t.json").value == 4096);
  CHECK_THROWS_AS(foliosim::find_numeric_param(s, "filesystem/type", "t.json"), foliosim::ConfigError);
  CHECK_THROWS_AS(foliosim::find_numeric_param(s, "cpu/nosuch", "t.json"), foliosim::ConfigError);
}

TEST_CASE("fit: values written back in the field's units parse to the same number") {
  using foliosim::ParamKind;
  CHECK(foliosim::parse_param_value(ParamKind::kRate, foliosim::param_value_json(ParamKind::kRate, 22.0864758e9)
                                                          .get<std::string>(), "x") == 22.0864758e9);
  CHECK(foliosim::parse_param_value(ParamKind::kDuration,
                                    foliosim::param_value_json(ParamKind::kDuration, 1.3e-7).get<std::string>(),
                                    "x") == doctest::Approx(1.3e-7));
  CHECK(foliosim::param_value_json(ParamKind::kCount, 16.6) == 17);
  CHECK_THROWS_AS(foliosim::parse_param_value(ParamKind::kRate, "fast", "--params x"), foliosim::ConfigError);
}
