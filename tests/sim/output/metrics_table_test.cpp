// The variants-side-by-side table: values, differences, what is missing.
#include "sim/output/metrics_table.hpp"

#include <doctest/doctest.h>

using foliosim::Json;

TEST_CASE("values keep about four significant digits and no exponent in the usual ranges") {
  CHECK(foliosim::format_value(463.225) == "463.2");
  CHECK(foliosim::format_value(0.11858) == "0.1186");
  CHECK(foliosim::format_value(256) == "256");
  CHECK(foliosim::format_value(268435456) == "268435456");
  CHECK(foliosim::format_value(0.39999999999999997) == "0.4");
  CHECK(foliosim::format_value(0) == "0");
  CHECK(foliosim::format_value(-2.5) == "-2.5");
  CHECK(foliosim::format_value(4e-5) == "4e-05");
}

TEST_CASE("differences in percent against the baseline") {
  CHECK(foliosim::percent_difference(110, 100) == "+10.0 %");
  CHECK(foliosim::percent_difference(128, 256) == "-50.0 %");
  CHECK(foliosim::percent_difference(5, 5) == "0.0 %");
  CHECK(foliosim::percent_difference(0, 0) == "0.0 %");
  CHECK(foliosim::percent_difference(1, 0) == "n/a");
  CHECK(foliosim::percent_difference(27780, 2122) == "×13.1");
  CHECK(foliosim::percent_difference(100.0001, 100) == "+0.0001 %");  // small, but not zero
}

TEST_CASE("the table: one row per metric, baseline differences counted, missing metrics marked") {
  Json a = Json::parse(R"({"sim_time_s": 2.0, "write_calls": 100, "write_latency_us": {"p50": 10.0},
                           "cpu_busy_s": {"writers": 1.0}})");
  Json b = Json::parse(R"({"sim_time_s": 3.0, "write_calls": 100, "cpu_busy_s": {"writers": 1.0}})");
  foliosim::MetricsTable t = foliosim::metrics_table({{"a", a, -1}, {"b", b, 0}});
  REQUIRE(t.header == std::vector<std::string>{"metric", "a", "b"});
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0] == std::vector<std::string>{"simulated time (s)", "2", "3 (+50.0 %)"});
  CHECK(t.rows[1] == std::vector<std::string>{"write calls", "100", "100 (0.0 %)"});
  CHECK(t.rows[2] == std::vector<std::string>{"write latency p50 (µs)", "10", "–"});
  CHECK(t.rows[3] == std::vector<std::string>{"CPU busy, writers (s)", "1", "1 (0.0 %)"});
  CHECK(t.compared == 4);
  CHECK(t.differences == 2);  // the time, and the latency b lacks
  CHECK(foliosim::markdown_table(t).find("|---|---:|---:|") != std::string::npos);
  // Text columns line up: labels to the left, values to the right.
  const std::string text = foliosim::text_table(t);
  CHECK(text.find("metric                    a            b\n") == 0);
  CHECK(text.find("\nsimulated time (s)        2  3 (+50.0 %)\n") != std::string::npos);
}
