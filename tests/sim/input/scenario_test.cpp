#include <doctest/doctest.h>

#include <string>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;

namespace {

const char* kValid = R"({
  "name": "t",
  "seed": 3,
  "devices": [ { "name": "nvme0", "write_bandwidth": "2GBps", "latency": "20us", "queue_depth": 32 } ],
  "filesystem": { "type": "xfs", "device": "nvme0" },
  "workload": { "jobs": [ { "name": "w", "bs": "1MiB", "size": "64MiB", "mode": "direct" } ] },
  "variants": [ { "name": "a" }, { "name": "b", "set": { "devices/0/queue_depth": 1 } } ]
})";

// Parses `text` (after replacing `from` with `to`) and returns the error.
ConfigError error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
  try {
    resolve_variants(parse_scenario_text(text, "s.json", overrides));
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  return ConfigError("", "", "");
}

std::string with(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a valid scenario resolves every variant with its overrides") {
  auto variants = resolve_variants(parse_scenario_text(kValid, "s.json"));
  REQUIRE(variants.size() == 2);
  CHECK(variants[0].scenario.devices[0].queue_depth == 32);
  CHECK(variants[1].scenario.devices[0].queue_depth == 1);
  CHECK(variants[0].scenario.devices[0].write_bandwidth_Bps == 2e9);
  CHECK(variants[0].scenario.devices[0].request_latency_s == doctest::Approx(20e-6));
  CHECK(variants[0].scenario.jobs[0].size_bytes == 64ULL << 20);
  CHECK(variants[0].scenario.seed == 3);
}

TEST_CASE("the resolved scenario reads back to the same scenario") {
  auto v = resolve_variants(parse_scenario_text(kValid, "s.json"))[1];
  Json resolved = resolved_json(v.scenario);
  Scenario again = parse_scenario(resolved, "resolved.json");
  CHECK(resolved_json(again) == resolved);
  CHECK(resolved["devices"][0]["queue_depth"] == 1);
  CHECK(resolved["devices"][0]["latency"] == "20us");
  CHECK(resolved["devices"][0]["max_request_size"] == "1280KiB");
}

TEST_CASE("--set overrides apply before variants, one variant can be selected") {
  auto file = parse_scenario_text(kValid, "s.json", {"devices/0/latency=50us", "seed=9"});
  auto variants = resolve_variants(file, "b");
  REQUIRE(variants.size() == 1);
  CHECK(variants[0].scenario.devices[0].request_latency_s == doctest::Approx(50e-6));
  CHECK(variants[0].scenario.seed == 9);
  CHECK(variants[0].scenario.devices[0].queue_depth == 1);
}

TEST_CASE("bad input names the file and the JSON path of the bad value") {
  SUBCASE("unknown key, with a did-you-mean") {
    auto e = error_of(with(kValid, "\"queue_depth\": 32", "\"queue_dept\": 32"));
    CHECK(e.file() == "s.json");
    CHECK(e.json_path() == "devices/0/queue_dept");
    CHECK(std::string(e.what()).find("did you mean \"queue_depth\"") != std::string::npos);
  }
  SUBCASE("wrong type") {
    auto e = error_of(with(kValid, "\"queue_depth\": 32", "\"queue_depth\": \"32\""));
    CHECK(e.json_path() == "devices/0/queue_depth");
    CHECK(e.message().find("whole number") != std::string::npos);
  }
  SUBCASE("a size without a unit") {
    auto e = error_of(with(kValid, "\"64MiB\"", "67108864"));
    CHECK(e.json_path() == "workload/jobs/0/size");
    CHECK(e.message().find("without a unit") != std::string::npos);
  }
  SUBCASE("an unknown unit") {
    auto e = error_of(with(kValid, "\"20us\"", "\"20 lightyears\""));
    CHECK(e.json_path() == "devices/0/latency");
  }
  SUBCASE("a zero size") {
    auto e = error_of(with(kValid, "\"1MiB\"", "\"0B\""));
    CHECK(e.json_path() == "workload/jobs/0/bs");
    CHECK(e.message().find("greater than zero") != std::string::npos);
  }
  SUBCASE("a negative count") {
    auto e = error_of(with(kValid, "\"queue_depth\": 32", "\"queue_depth\": -1"));
    CHECK(e.json_path() == "devices/0/queue_depth");
    CHECK(e.message().find("negative") != std::string::npos);
  }
  SUBCASE("a job on a missing device") {
    auto e = error_of(with(kValid, "\"mode\": \"direct\"", "\"mode\": \"direct\", \"device\": \"nvme1\""));
    CHECK(e.json_path() == "workload/jobs/0/device");
    CHECK(e.message().find("did you mean \"nvme0\"") != std::string::npos);
  }
  SUBCASE("a filesystem on a missing device") {
    auto e = error_of(with(kValid, "\"device\": \"nvme0\"", "\"device\": \"sda\""));
    CHECK(e.json_path() == "filesystem/device");
  }
  SUBCASE("duplicate variant names") {
    auto e = error_of(with(kValid, "{ \"name\": \"b\"", "{ \"name\": \"a\""));
    CHECK(e.json_path() == "variants/1/name");
    CHECK(e.message().find("duplicate") != std::string::npos);
  }
  SUBCASE("malformed JSON gives line and column") {
    auto e = error_of(with(kValid, "\"seed\": 3,", "\"seed\": 3,,"));
    CHECK(e.message().find("line 3, column 13") != std::string::npos);
  }
  SUBCASE("a bad value set by a variant points at the variant") {
    auto e = error_of(with(kValid, "\"devices/0/queue_depth\": 1", "\"devices/0/queue_depth\": 0"));
    CHECK(e.json_path() == "variants/1/set/devices/0/queue_depth");
    CHECK(e.message().find("variant \"b\"") != std::string::npos);
  }
  SUBCASE("a variant that sets a path through a missing list entry") {
    auto e = error_of(with(kValid, "\"devices/0/queue_depth\": 1", "\"devices/3/queue_depth\": 1"));
    CHECK(e.json_path() == "variants/1/set/devices/3/queue_depth");
  }
  SUBCASE("a bad --set") {
    auto e = error_of(kValid, {"devices/0/latency=fast"});
    CHECK(e.json_path() == "devices/0/latency");
  }
  SUBCASE("a --set without =") {
    auto e = error_of(kValid, {"devices/0/latency"});
    CHECK(e.message().find("path=value") != std::string::npos);
  }
  SUBCASE("an unknown variant is refused with a hint") {
    try {
      resolve_variants(parse_scenario_text(kValid, "s.json"), "bb");
      FAIL("expected an error");
    } catch (const ConfigError& e) {
      CHECK(e.message().find("did you mean \"b\"") != std::string::npos);
    }
  }
  SUBCASE("a missing required section") {
    auto e = error_of(R"({"name": "t", "devices": [{"name": "d"}], "filesystem": {"device": "d"}})");
    CHECK(e.json_path() == "workload");
  }
  SUBCASE("unaligned O_DIRECT") {
    auto e = error_of(with(kValid, "\"1MiB\"", "\"1000B\""));
    CHECK(e.json_path() == "workload/jobs/0/bs");
  }
}

TEST_CASE("an I/O kind whose model is not built is refused, never run as another") {
  auto v =
      resolve_variants(parse_scenario_text(with(kValid, "\"mode\": \"direct\"", "\"mode\": \"uncached\""), "s.json"));
  CHECK(v[0].scenario.jobs[0].mode == workload::IoMode::kDontcache);
  auto e = error_of(with(kValid, "\"mode\": \"direct\"", "\"mode\": \"mmap\""));
  CHECK(e.json_path() == "workload/jobs/0/mode");
  // Reads are modelled as buffered reads only: an O_DIRECT read is refused.
  auto r = error_of(with(kValid, "\"name\": \"w\",", "\"name\": \"w\", \"rw\": \"read\","));
  CHECK(r.json_path() == "workload/jobs/0/mode");
  CHECK(r.message().find("buffered reads only") != std::string::npos);
  auto t = error_of(with(kValid, "\"name\": \"w\",", "\"name\": \"w\", \"rw\": \"trim\","));
  CHECK(t.json_path() == "workload/jobs/0/rw");
}
