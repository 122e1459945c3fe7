#include <doctest/doctest.h>

#include <algorithm>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// A direct writer (nothing cached, so no peak rows) kept running 40.5 ms,
// sampled every 1 ms into at most `rows_max` rows.
VariantOutput sampled_run(std::uint64_t rows_max) {
  Scenario s = bare_scenario();
  s.jobs.push_back(direct_job("w", 1 * MiB, 1 * MiB));
  s.sample_interval_s = 1e-3;
  s.run_for_s = 40.5e-3;
  s.timeseries_rows_max = rows_max;
  return simulate_isolated(s);
}

// The time_s column of the samples: every row but the header and the end row.
std::vector<double> sample_times_ms(const std::string& csv) {
  std::vector<double> times;
  for (std::size_t at = csv.find('\n') + 1; at < csv.size(); at = csv.find('\n', at) + 1)
    times.push_back(std::stod(csv.substr(at)) * 1e3);
  times.pop_back();
  return times;
}

}  // namespace

TEST_CASE("the time series keeps at most its row limit: when full, every other row and a doubled interval") {
  static_assert(kMaxTimeseriesRows == 131072);
  // 8 rows: 0..7 ms fill them; at 8 ms the series keeps 0, 2, 4, 6 and
  // samples every 2 ms (8, 10, 12, 14); at 16 ms it keeps 0, 4, 8, 12 and
  // samples every 4 ms (16 .. 28); at 32 ms it keeps 0, 8, 16, 24 and samples
  // every 8 ms: 32 and 40 before the run ends at 40.5 ms.
  const VariantOutput out = sampled_run(8);
  const std::vector<double> expected = {0, 8, 16, 24, 32, 40};
  const std::vector<double> times = sample_times_ms(out.time_series_csv);
  REQUIRE(times.size() == expected.size());
  for (std::size_t i = 0; i < times.size(); ++i) CHECK(times[i] == doctest::Approx(expected[i]));
  CHECK(out.summary["timeseries_decimations"] == 3);
  CHECK(out.summary["timeseries_interval_s"].get<double>() == doctest::Approx(8e-3));
  // A series that fits is kept whole (0 .. 40 ms) and the summary says
  // nothing of it.
  const VariantOutput whole = sampled_run(kMaxTimeseriesRows);
  CHECK(sample_times_ms(whole.time_series_csv).size() == 41);
  CHECK_FALSE(whole.summary.contains("timeseries_decimations"));
}
