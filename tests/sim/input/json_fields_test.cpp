// Choices: an enum field read by any of its names, written back by its first.
#include <doctest/doctest.h>

#include <string>

#include "sim/input/config_error.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

using namespace foliosim;

namespace {

workload::JobParams job_with_mode(const char* mode) {
  return read_fields<workload::JobParams>(Json{{"name", "w"}, {"mode", mode}}, "workload/jobs/0", "s.json");
}

}  // namespace

TEST_CASE("an alias parses to the same enum value as the name it stands for") {
  CHECK(job_with_mode("uncached").mode == workload::IoMode::kDontcache);
  CHECK(job_with_mode("dontcache").mode == workload::IoMode::kDontcache);
  CHECK(job_with_mode("direct").mode == workload::IoMode::kDirect);
  CHECK(workload::JobParams().mode == workload::IoMode::kBuffered);  // absent: the default stays
}

TEST_CASE("an enum is written back by its canonical name, an alias by the name it stands for") {
  CHECK(write_fields(job_with_mode("uncached"))["mode"] == "dontcache");
  CHECK(write_fields(job_with_mode("direct"))["mode"] == "direct");
  filesystem::FilesystemParams fs;
  fs.type = filesystem::FilesystemKind::kExt4;
  fs.zeroing = filesystem::Zeroing::kBefore6_10;
  fs.completion_context = filesystem::CompletionContext::kIrq;
  const Json written = write_fields(fs);
  CHECK(written["type"] == "ext4");
  CHECK(written["zeroing"] == "before_6_10");
  CHECK(written["completion_context"] == "irq");
  page_cache::PageCacheParams cache;
  cache.dontcache_kick_range = page_cache::DontcacheKickRange::kAfterWrite;
  CHECK(write_fields(cache)["dontcache_kick_range"] == "after_write");
  CHECK(write_fields(cache)["dontcache_kick"] == "inline");  // the default, written all the same
}

TEST_CASE("a bad choice names the file, the JSON path and every accepted name") {
  const char* text = R"({"name": "t", "devices": [{"name": "d"}], "filesystem": {"device": "d"},
    "workload": {"jobs": [{"name": "w", "size": "1MiB", "mode": "uncahced"}]}})";
  try {
    resolve_variants(parse_scenario_text(text, "s.json"));
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.file() == "s.json");
    CHECK(e.json_path() == "workload/jobs/0/mode");
    CHECK(e.message() == R"(expected one of "buffered", "dontcache", "uncached", "direct", got "uncahced")"
                         R"( (did you mean "uncached"?))");
  }
  try {
    read_fields<filesystem::FilesystemParams>(Json{{"device", "d"}, {"type", 4}}, "filesystem", "f.json");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.file() == "f.json");
    CHECK(e.json_path() == "filesystem/type");
    CHECK(e.message() == R"(expected one of "xfs", "ext4", got 4 (a number without a unit))");
  }
}

TEST_CASE("a signed whole number: negative values read, out-of-range and fractional ones refused with their path") {
  const auto device = [](Json step) {
    return read_fields<block_device::DeviceParams>(Json{{"name", "d"}, {"initial_wbt_scale_step", step}},
                                                   "devices/0", "s.json");
  };
  CHECK(device(-3).initial_wbt_scale_step == -3);
  CHECK(device(16).initial_wbt_scale_step == 16);
  CHECK(write_fields(device(-2))["initial_wbt_scale_step"] == -2);
  const auto refused = [&](Json step, const std::string& message) {
    try {
      device(step);
      FAIL("expected a ConfigError");
    } catch (const ConfigError& e) {
      CHECK(e.json_path() == "devices/0/initial_wbt_scale_step");
      CHECK(e.message() == message);
    }
  };
  refused(-17, "must be between -16 and 16, got -17");
  refused(Json(18446744073709551615ULL), "must be between -16 and 16, got 18446744073709551615");
  refused(-1.5, "expected a whole number, got -1.5");
  refused("-1", "expected a whole number, got \"-1\"");
}
