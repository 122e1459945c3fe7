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
  // O_DIRECT reads are modelled: read as such.
  auto r = resolve_variants(
      parse_scenario_text(with(kValid, "\"name\": \"w\",", "\"name\": \"w\", \"rw\": \"read\","), "s.json"));
  CHECK(r[0].scenario.jobs[0].rw == workload::Rw::kRead);
  CHECK(r[0].scenario.jobs[0].mode == workload::IoMode::kDirect);
  auto t = error_of(with(kValid, "\"name\": \"w\",", "\"name\": \"w\", \"rw\": \"trim\","));
  CHECK(t.json_path() == "workload/jobs/0/rw");
}

TEST_CASE("a seed is unsigned 64-bit: 2^64-1 is accepted, a negative one refused") {
  auto v = resolve_variants(parse_scenario_text(kValid, "s.json", {"seed=18446744073709551615"}));
  CHECK(v[0].scenario.seed == 18446744073709551615ULL);
  auto e = error_of(kValid, {"seed=-1"});
  CHECK(e.json_path() == "seed");
  CHECK(e.message() == "must not be negative");
}

TEST_CASE("memory must hold other_memory, the reserves to the high watermark and one largest folio") {
  auto e = error_of(kValid, {"machine/memory=1KiB"});
  CHECK(e.json_path() == "machine/memory");
  CHECK(e.file() == "s.json");
  // No other memory, 4 KiB folios: under 256 pages min_free is the kernel's
  // floor, 128 KiB (32 pages); the watermark step is min/4 = 8 pages, so the
  // high watermark is 48 pages; with one folio, 49 pages (196 KiB).
  const std::vector<std::string> small = {"page_cache/other_memory=0B", "page_cache/max_folio_size=4KiB"};
  auto with_memory = [&](const char* memory) {
    auto overrides = small;
    overrides.push_back(std::string("machine/memory=") + memory);
    return overrides;
  };
  CHECK(resolve_variants(parse_scenario_text(kValid, "s.json", with_memory("196KiB")))[0]
            .scenario.machine.memory_bytes == 196 * 1024);
  e = error_of(kValid, with_memory("192KiB"));
  CHECK(e.json_path() == "machine/memory");
  CHECK(e.message().rfind("must be at least 196KiB", 0) == 0);
}

TEST_CASE("an error window that ends before it starts is refused at its to") {
  auto e = error_of(kValid, {R"(devices/0/write_errors=[{"from": "1s", "to": "2s"}, {"from": "2s", "to": "1s"}])"});
  CHECK(e.json_path() == "devices/0/write_errors/1/to");
  CHECK(e.message() == "the window ends (1s) before it starts (2s)");
}

TEST_CASE("a huge list index in --set or a variant's set is a path that does not exist") {
  auto e = error_of(kValid, {"devices/99999999999999999999/queue_depth=1"});
  CHECK(e.json_path() == "devices/99999999999999999999/queue_depth (from --set)");
  e = error_of(with(kValid, "\"devices/0/queue_depth\"", "\"devices/18446744073709551616/queue_depth\""));
  CHECK(e.json_path() == "variants/1/set/devices/18446744073709551616/queue_depth");
  CHECK(e.message().find("does not exist") != std::string::npos);
}

TEST_CASE("a --set argument that is not UTF-8 is refused, name or value") {
  for (const std::string item : {"name=\xff", "de\xc0\x80scription=x"}) {
    auto e = error_of(kValid, {"seed=4", item});
    CHECK(e.json_path() == "--set");
    CHECK(e.message() == "argument 2 is not valid UTF-8");
  }
}

TEST_CASE("JSON nested deeper than 64 levels is refused with its line, before it is built") {
  for (std::size_t depth : {65, 100000}) {
    CAPTURE(depth);
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    auto e = error_of(with(kValid, "\"seed\": 3,", "\"seed\": 3, \"deep\": " + deep + ","));
    CHECK(e.json_path() == "");
    CHECK(e.message() == "JSON nested deeper than 64 levels at line 3");
  }
  // 64 levels pass the depth check (and reach the unknown key).
  auto e = error_of(with(kValid, "\"seed\": 3,", "\"seed\": 3, \"deep\": " + std::string(63, '[') +
                                                     std::string(63, ']') + ","));
  CHECK(e.json_path() == "deep");
  // Brackets inside strings do not count.
  CHECK_NOTHROW(parse_scenario_text(with(kValid, "\"t\"", "\"" + std::string(100, '[') + "\""), "s.json"));
  e = error_of(kValid, {"description=" + std::string(65, '{')});
  CHECK(e.json_path() == "description (from --set)");
  std::string long_path;
  for (int i = 0; i < 64; ++i) long_path += "a/";
  e = error_of(kValid, {long_path + "b=1"});
  CHECK(e.message() == "path has more than 64 components");
}

TEST_CASE("values that would make a run unbounded are refused at their path, the limits accepted") {
  struct Case {
    const char* set;
    const char* path;
    const char* message;
  };
  const Case cases[] = {
      {"run_for=1e300s", "run_for", "must be at most 604800s, got 1e300s"},
      {"sample_interval=1e-320s", "sample_interval", "must be at least 1us, got 1e-311ns"},
      {"sample_interval=0s", "sample_interval", "must be at least 1us, got 0s"},
      {"devices/0/max_request_size=1KiB", "devices/0/max_request_size", "must be at least 4KiB, got 1KiB"},
      {"devices/0/write_bandwidth=1Bps", "devices/0/write_bandwidth", "must be at least 1MBps, got 1Bps"},
      {"machine/cpu_speed=1Hz", "machine/cpu_speed", "must be at least 1MHz, got 1Hz"},
      {"workload/jobs/0/startdelay=1e300s", "workload/jobs/0/startdelay", "must be at most 604800s, got 1e300s"},
      {"workload/jobs/0/numjobs=100000", "workload/jobs/0/numjobs", "must be at most 4096, got 100000"},
      {"reclaim/kswapd_threads=1000000", "reclaim/kswapd_threads", "must be at most 1024, got 1000000"},
      {"machine/cpus=100000", "machine/cpus", "must be at most 8192, got 100000"},
      {"page_cache/max_folio_size=1KiB", "page_cache/max_folio_size", "must be at least 4KiB, got 1KiB"},
      {"devices/0/queue_depth=100000", "devices/0/queue_depth", "must be at most 65536, got 100000"},
      {"writeback/dirty_writeback_interval=1us", "writeback/dirty_writeback_interval",
       "must be at least 10ms, got 1us"},
      {"writeback/max_pause=1us", "writeback/max_pause", "must be at least 1ms, got 1us"},
      {"reclaim/throttle_timeout=1us", "reclaim/throttle_timeout", "must be at least 1ms, got 1us"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.set);
    auto e = error_of(kValid, {c.set});
    CHECK(e.json_path() == c.path);
    CHECK(e.message() == c.message);
  }
  auto v = resolve_variants(parse_scenario_text(
      kValid, "s.json",
      {"run_for=604800s", "sample_interval=1us", "devices/0/max_request_size=4KiB", "devices/0/write_bandwidth=1MBps",
       "machine/cpu_speed=1MHz", "workload/jobs/0/numjobs=4096", "reclaim/kswapd_threads=1024"}));
  CHECK(v[0].scenario.jobs[0].numjobs == 4096);
  // The clones of all jobs count together.
  auto e = error_of(with(kValid, "\"mode\": \"direct\" }", "\"mode\": \"direct\", \"numjobs\": 4000 }, "
                                                          "{ \"name\": \"x\", \"bs\": \"1MiB\", \"size\": \"1MiB\", "
                                                          "\"numjobs\": 97 }"));
  CHECK(e.json_path() == "workload/jobs/1/numjobs");
}
