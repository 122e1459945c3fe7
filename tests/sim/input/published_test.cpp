// A scenario's published figures: parsing with errors that name the value,
// and the comparison computed from a run's results.
#include "sim/input/published.hpp"
#include "sim/output/published_comparison.hpp"

#include <doctest/doctest.h>

#include "sim/input/config_error.hpp"
#include "sim/input/scenario.hpp"

using foliosim::ConfigError;
using foliosim::Json;

namespace {

const std::set<std::string> kVariants = {"buffered", "dontcache"};

ConfigError parse_error(const char* text) {
  try {
    foliosim::parse_published(Json::parse(text), "s.json", kVariants);
  } catch (const ConfigError& e) {
    return e;
  }
  FAIL("expected a ConfigError");
  return ConfigError("", "", "");
}

}  // namespace

TEST_CASE("published figures: a bad value is named by its JSON path") {
  auto e = parse_error(R"({"source": "x", "tolerance": "15%", "figures": [
      {"what": "w", "variant": "bufered", "measure": "cpu_busy", "value": "1s"}]})");
  CHECK(e.json_path() == "published/figures/0/variant");
  CHECK(e.message().find("did you mean \"buffered\"") != std::string::npos);
  e = parse_error(R"({"source": "x", "tolerance": "15", "figures": [
      {"what": "w", "variant": "buffered", "measure": "cpu_busy", "value": "1s"}]})");
  CHECK(e.json_path() == "published/tolerance");
  e = parse_error(R"({"source": "x", "tolerance": "lots%", "figures": [
      {"what": "w", "variant": "buffered", "measure": "cpu_busy", "value": "1s"}]})");
  CHECK(e.message().find("expected a percentage") != std::string::npos);
  e = parse_error(R"({"source": "x", "tolerance": "15%", "figures": [
      {"what": "w", "variant": "buffered", "measure": "app_write_rate", "value": "115GB"}]})");
  CHECK(e.json_path() == "published/figures/0/value");
  e = parse_error(R"({"source": "x", "tolerance": "15%", "figures": [
      {"what": "w", "variant": "dontcache", "over": "buffered", "measure": "cpu_busy", "value": "0.5"}]})");
  CHECK(e.json_path() == "published/figures/0/value");
  CHECK(e.message().find("ratio") != std::string::npos);
  e = parse_error(R"({"source": "x", "tolerance": "15%", "figures": [
      {"what": "w", "variant": "buffered", "measure": "app_write_rate", "from": "2s", "to": "1s",
       "value": "1GBps"}]})");
  CHECK(e.json_path() == "published/figures/0/to");
  e = parse_error(R"({"source": "x", "tolerance": "15%", "figures": [
      {"what": "w", "variant": "buffered", "measure": "iops", "value": "1s"}]})");
  CHECK(e.json_path() == "published/figures/0/measure");
}

TEST_CASE("published figures: a scenario file's section is checked against its variants") {
  const char* text = R"({"name": "t", "filesystem": {"device": "d"}, "devices": [{"name": "d"}],
      "workload": {"jobs": [{"name": "w", "rw": "write", "bs": "4KiB", "size": "1MiB"}]},
      "variants": [{"name": "a"}],
      "published": {"source": "x", "tolerance": "10%", "figures": [
        {"what": "w", "variant": "b", "measure": "write_latency_p50", "value": "1ms"}]}})";
  try {
    foliosim::parse_scenario_text(text, "t.json");
    FAIL("expected a ConfigError");
  } catch (const ConfigError& e) {
    CHECK(e.file() == "t.json");
    CHECK(e.json_path() == "published/figures/0/variant");
  }
}

TEST_CASE("published figures: rates over a window, ratios between variants, latencies") {
  const auto published = foliosim::parse_published(Json::parse(R"({"source": "paper", "tolerance": "15%",
      "figures": [
        {"what": "start", "variant": "buffered", "measure": "app_write_rate", "from": "0s", "to": "1s",
         "value": "2GBps"},
        {"what": "late", "variant": "buffered", "measure": "device_write_rate", "from": "1s", "to": "3s",
         "value": "1GBps"},
        {"what": "whole", "variant": "buffered", "measure": "app_write_rate", "value": "1GBps"},
        {"what": "cpu", "variant": "dontcache", "over": "buffered", "measure": "cpu_busy", "value": 0.5},
        {"what": "tail", "variant": "dontcache", "measure": "write_latency_p999", "value": "10ms"},
        {"what": "past the end", "variant": "buffered", "measure": "app_write_rate", "from": "0s", "to": "9s",
         "value": "1GBps"},
        {"what": "between samples", "variant": "buffered", "measure": "app_write_rate", "from": "0.5s",
         "to": "1.5s", "value": "1GBps"}]})"),
                                                   "s.json", kVariants);
  // Cumulative bytes at 0, 1, 2 and 3 s; the writes end at 3 s.
  const auto series = foliosim::CsvTable::parse(
      "time_s,app_write_bytes,device_write_bytes\n0,0,0\n1,2000000000,500000000\n2,3000000000,1500000000\n"
      "3,4000000000,2500000000\n",
      "ts");
  const Json buffered = Json::parse(
      R"({"write_phase_s": 3.0, "cpu_busy_s": {"writers": 3.0, "kswapd": 1.0}, "write_latency_us": {"p999": 5.0}})");
  const Json dontcache = Json::parse(R"({"write_phase_s": 3.0, "cpu_busy_s": {"writers": 1.5, "kswapd": 0.0},
      "write_latency_us": {"p999": 12000.0}})");
  const Json out =
      foliosim::compare_published(published, {{"buffered", &buffered, &series}, {"dontcache", &dontcache, &series}});
  const Json& f = out["figures"];
  CHECK(f[0]["simulated"].get<double>() == doctest::Approx(2e9));
  CHECK(f[0]["within_tolerance"] == true);
  CHECK(f[1]["simulated"].get<double>() == doctest::Approx(1e9));  // 2 GB over 2 s
  CHECK(f[2]["simulated"].get<double>() == doctest::Approx(4e9 / 3));
  CHECK(f[2]["error"].get<double>() == doctest::Approx(1.0 / 3));
  CHECK(f[2]["within_tolerance"] == false);
  CHECK(f[3]["simulated"].get<double>() == doctest::Approx(0.375));  // 1.5 / 4 CPU-seconds
  CHECK(f[4]["simulated"].get<double>() == doctest::Approx(0.012));
  CHECK(f[4]["error"].get<double>() == doctest::Approx(0.2));
  CHECK(f[5]["not_run"].get<std::string>().find("after the run") != std::string::npos);
  CHECK(f[6]["simulated"].get<double>() == doctest::Approx(1.5e9));  // 0.5 s to 1.5 s: 1 GB + 0.5 GB

  const Json only_buffered = foliosim::compare_published(published, {{"buffered", &buffered, &series}});
  CHECK(only_buffered["figures"][3].contains("not_run"));
  CHECK(only_buffered["figures"][0].contains("simulated"));

  const std::string md = foliosim::published_markdown(out);
  CHECK(md.find("Source: paper") != std::string::npos);
  CHECK(md.find("| start (0s to 1s) | buffered | 2 GB/s | 2 GB/s | +0.0 % | yes |") != std::string::npos);
  CHECK(md.find("| cpu | dontcache / buffered | 0.50 | 0.38 | -25.0 % | **no** |") != std::string::npos);
}
