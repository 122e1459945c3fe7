// The sweep's table: one row per point, its figures as the point's summary
// holds them, derived figures worked by hand.
#include <doctest/doctest.h>

#include "sim/sweep/sweep_aggregate.hpp"

using foliosim::Json;

TEST_CASE("sweep: metrics are summary paths, plus the write rate and the total CPU derived from it") {
  const Json summary = Json::parse(R"({
    "write_phase_s": 0.5, "app_write_bytes": 1000000000,
    "write_latency_us": { "p999": 123.5 },
    "cpu_busy_s": { "writers": 0.25, "flusher": 0.125, "kswapd": 0 } })");
  CHECK(foliosim::metric_value(summary, "write_latency_us/p999")->get<double>() == 123.5);
  CHECK(foliosim::metric_value(summary, "app_write_rate_Bps")->get<double>() == 2e9);
  CHECK(foliosim::metric_value(summary, "cpu_busy_total_s")->get<double>() == 0.375);
  CHECK_FALSE(foliosim::metric_value(summary, "write_latency_us/p9999").has_value());
  CHECK_FALSE(foliosim::metric_value(summary, "nothing").has_value());
  // Nothing written: no rate rather than a division by zero.
  CHECK(foliosim::metric_value(Json::parse(R"({"write_phase_s": 0, "app_write_bytes": 0})"), "app_write_rate_Bps")
            ->is_null());
}

TEST_CASE("sweep: sweep.csv has a row per point, done or not, values quoted where CSV needs it") {
  foliosim::SweepPlan plan;
  plan.columns = {"machine/memory", "filesystem/type"};
  plan.metrics = {"write_phase_s", "write_latency_us/p50"};
  plan.points = {{"00000000000000aa", {"4GiB", "xfs"}, "buffered", 1, Json()},
                 {"00000000000000bb", {"8GiB", "a,b"}, "direct", 2, Json()}};
  const std::vector<Json> summaries = {Json::parse(R"({"write_phase_s": 0.25, "write_latency_us": {"p50": 61}})"),
                                       Json()};
  CHECK(foliosim::sweep_csv(plan, summaries) ==
        "point,machine/memory,filesystem/type,variant,seed,status,write_phase_s,write_latency_us/p50\n"
        "00000000000000aa,4GiB,xfs,buffered,1,done,0.25,61\n"
        "00000000000000bb,8GiB,\"a,b\",direct,2,missing,,\n");
}
