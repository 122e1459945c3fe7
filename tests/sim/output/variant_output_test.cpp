#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "models/common/errors.hpp"
#include "sim/output/stat_writers.hpp"
#include "sim/output/variant_output.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;

TEST_CASE("a stats declaration gives JSON in bytes, microseconds and bytes per second") {
  // 3 pages are 12288 bytes; 2 ms of stable wait over 4 calls is 500 us a
  // call; 25 pages/s is 102400 B/s.
  workload::WorkloadStats w;
  w.write_latency.record(1e-3);
  w.write_latency.record(1e-3);
  w.write_latency.record(1e-3);
  w.write_latency.record(1e-3);
  w.total_write_time_s = 10e-3;
  w.stable_wait_time_s = 2e-3;
  w.peak_between_writes.dirty = 3;
  JsonStatWriter json;
  w.stats(json);
  CHECK(json.json()["peak_between_writes"]["dirty_bytes"] == 12288);
  CHECK(json.json()["write_latency_split_mean_us"]["stable_page_wait"].get<double>() == doctest::Approx(500));
  CHECK(json.json()["write_latency_split_mean_us"]["cpu"].get<double>() == doctest::Approx(2000));
  CHECK(json.json()["write_latency_us"]["p50"].get<double>() == doctest::Approx(1000).epsilon(1.0 / 2048));

  writeback::EstimateUpdate u{};
  u.avg_pages_per_s = 25;
  JsonStatWriter rate;
  u.stats(rate);
  CHECK(rate.json()["avg_write_bandwidth_Bps"].get<double>() == 102400.0);
  CHECK(rate.json()["updated_by"] == "writepages");
}

TEST_CASE("a CSV from a declaration: header of keys, rows of values, nested figures refused") {
  MemorySample a, b;
  b.time_s = 0.5;
  b.cached_pages = 2;
  b.device_queued_requests = 7;
  const std::string csv =
      csv_text(std::vector<MemorySample>{a, b}, [](CsvStatWriter& f, const MemorySample& s) { s.stats(f); });
  std::istringstream in(csv);
  std::string header, first, second;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  CHECK(header.rfind("time_s,cached_bytes,dirty_bytes,writeback_bytes,free_bytes,", 0) == 0);
  CHECK(header.find(",device_queued_requests,cpu_writers_busy_s,") != std::string::npos);
  // 0.5 s with nanosecond digits; 2 pages = 8192 bytes.
  CHECK(second.rfind("0.500000000,8192,0,0,0,0,0,0,0,0,0,0,0,7,0.000000000", 0) == 0);
  CHECK(first.rfind("0.000000000,0,", 0) == 0);

  CsvStatWriter row(CsvStatWriter::Mode::kRow);
  CHECK_THROWS_AS(workload::WorkloadStats{}.stats(row), InternalError);
}

TEST_CASE("a variant's output survives the trip between processes; a malformed one is our bug") {
  VariantOutput out;
  out.summary = {{"write_calls", 3}};
  out.tail_writes = Json::array();
  out.time_series_csv = "time_s\n0\n";
  out.latency_cdf_csv = "latency_us,cumulative_fraction\n";
  out.bdi_estimates_csv = "time_s,device\n";
  const VariantOutput back = VariantOutput::from_json(Json::parse(out.to_json().dump()));
  CHECK(back.summary == out.summary);
  CHECK(back.time_series_csv == out.time_series_csv);
  CHECK(back.bdi_estimates_csv == out.bdi_estimates_csv);
  CHECK_THROWS_AS(VariantOutput::from_json(Json{{"summary", Json::object()}}), InternalError);
}

TEST_CASE("results/README.md holds the reference the declarations make") {
  std::ifstream in(test::source_path("results/README.md"));
  std::stringstream text;
  text << in.rdbuf();
  const std::string readme = text.str();
  const std::string begin = "<!-- foliosim reference: begin -->\n", end = "<!-- foliosim reference: end -->";
  const auto from = readme.find(begin), to = readme.find(end);
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  CHECK(readme.substr(from + begin.size(), to - from - begin.size()) == results_reference());
}
