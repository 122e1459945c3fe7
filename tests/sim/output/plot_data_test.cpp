// The CSVs behind the plots, from small hand-made series.
#include "sim/output/plot_data.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <stdexcept>

using foliosim::CsvTable;
using foliosim::PlotSeries;

TEST_CASE("a moving rate of a steady counter is its slope, edges included") {
  // 1000 bytes every 0.1 s: 10 kB/s whatever the window, clipped at the ends.
  std::vector<double> t{0, 0.1, 0.2, 0.3, 0.4}, bytes{0, 1000, 2000, 3000, 4000};
  for (double r : foliosim::moving_rate(t, bytes, 0.2)) CHECK(r == doctest::Approx(10000));
  // A step between 0.1 and 0.2 s: a 0.1 s window centred at 0.1 s sees half of it.
  std::vector<double> step{0, 0, 1000, 1000, 1000};
  const auto r = foliosim::moving_rate(t, step, 0.1);
  CHECK(r[1] == doctest::Approx(5000));
  CHECK(r[2] == doctest::Approx(5000));
  CHECK(r[3] == doctest::Approx(0));
}

TEST_CASE("CSV tables are read by column name and refuse ragged or non-numeric rows") {
  CsvTable t = CsvTable::parse("a,b\n1,2\n3,4.5\n", "x.csv");
  CHECK(t.rows() == 2);
  CHECK(t.column("b") == std::vector<double>{2, 4.5});
  CHECK_FALSE(t.has("c"));
  CHECK_THROWS_AS(t.column("c"), std::invalid_argument);
  CHECK_THROWS_WITH(CsvTable::parse("a,b\n1\n", "x.csv"), doctest::Contains("x.csv:2"));
  CHECK_THROWS_WITH(CsvTable::parse("a\nfoo\n", "x.csv"), doctest::Contains("not a number"));
  // Counted from the first line, blank ones included; a trailing comma is an empty last field.
  CHECK_THROWS_WITH(CsvTable::parse("a,b\n\n1,2,3\n", "x.csv"),
                    doctest::Contains("x.csv:3: 3 fields, the header has 2"));
  CHECK_THROWS_WITH(CsvTable::parse("a,b\n1,\n", "x.csv"), doctest::Contains("x.csv:2: \"\" is not a number"));
  CHECK_THROWS_WITH(CsvTable::parse("a,b\n1,2x\n", "x.csv"), doctest::Contains("\"2x\" is not a number"));
  // Windows line ends, blank lines and a last line without its end.
  CsvTable crlf = CsvTable::parse("a,b\r\n\r\n1,-2e3\r\n\n5,6", "y.csv");
  CHECK(crlf.names() == std::vector<std::string>{"a", "b"});
  CHECK(crlf.column("a") == std::vector<double>{1, 5});
  CHECK(crlf.column("b") == std::vector<double>{-2000, 6});
  // What is not a plain decimal reads as strtod reads it: a sign, leading
  // spaces, hexadecimal, overflow to infinity, underflow to zero.
  CsvTable odd = CsvTable::parse("v\n0.1\n+1.5\n 2\n0x10\n1e400\n1e-400\n-inf\n", "z.csv");
  CHECK(odd.column("v") == std::vector<double>{0.1, 1.5, 2, 16, HUGE_VAL, 0, -HUGE_VAL});
  CHECK_THROWS_WITH(CsvTable::parse("v\n2 \n", "z.csv"), doctest::Contains("z.csv:2: \"2 \" is not a number"));
}

TEST_CASE("page-cache data: clean is what is neither dirty nor under writeback, never below zero") {
  PlotSeries s;
  s.summary = foliosim::Json{{"memory_limit_bytes", 4096}};
  s.time_series = CsvTable::parse(
      "time_s,cached_bytes,dirty_bytes,writeback_bytes,cpu_writers_busy_s\n"
      "0,100,30,20,0\n"
      "1,100,80,40,0.5\n",  // a redirtied folio under writeback counts twice
      "ts");
  const CsvTable cache = CsvTable::parse(foliosim::page_cache_data(s), "page_cache");
  CHECK(cache.column("clean_bytes") == std::vector<double>{50, 0});
  CHECK(cache.column("memory_limit_bytes") == std::vector<double>{4096, 4096});
  CHECK(cache.column("zeroed_bytes") == std::vector<double>{0, 0});  // columns the series lacks read as 0
  CHECK(foliosim::cpu_components(s.time_series) == std::vector<std::string>{"writers"});
  const CsvTable cpu = CsvTable::parse(foliosim::cpu_data(s, 1), "cpu");
  CHECK(cpu.column("writers_cpu_pct") == std::vector<double>{50, 50});
}

TEST_CASE("the plotted CDF starts from 0 at the fastest write") {
  PlotSeries s;
  s.latency_cdf = CsvTable::parse("latency_us,cumulative_fraction\n10,0.5\n20,1\n", "cdf");
  CHECK(foliosim::latency_cdf_data(s) == "latency_us,cumulative_fraction\n10,0\n10,0.5\n20,1\n");
  s.summary = foliosim::Json{{"write_latency_us", {{"p50", 10.0}, {"p99", 20.0}, {"p999", 20.0}}}};
  CHECK(foliosim::latency_percentiles_data(s) == "fraction,latency_us\n0.5,10\n0.99,20\n0.999,20\n");
}
