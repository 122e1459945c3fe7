// A device of queue depth 1 with blk-wbt on: writeback must keep going. The
// device actor once slept with a request waiting, queued by a submitter that
// ran while the device was between its dispatch and its wait (a lost wake-up).
#include <doctest/doctest.h>

#include "sim/input/scenario.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// The calibrated defaults' CPU costs and device, where the race showed.
Scenario one_tag_device(const std::string& jobs) {
  const std::string text = R"({"name": "qd1", "machine": {"memory": "1GiB"}, "page_cache": {"other_memory": "256MiB"},
      "devices": [{"name": "d", "queue_depth": 1, "wbt_latency": "2ms"}], "filesystem": {"device": "d"},
      "workload": {"jobs": )" + jobs + "}}";
  return resolve_variants(parse_scenario_text(text, "qd1.json")).at(0).scenario;
}

}  // namespace

TEST_CASE("queue depth 1 and blk-wbt: a buffered writer's fsync, racing the flusher, completes") {
  // 78528 KiB in 64 KiB calls: 1227 calls; past the background threshold, so
  // the flusher and fsync submit at once, each waiting for the one tag.
  const Scenario s =
      one_tag_device(R"([{"name": "w", "bs": "64KiB", "size": "78528KiB", "end_fsync": true}])");
  const Json r = simulate_isolated(s).summary;
  CHECK(r["write_calls"] == 1227);
  // The data, and the fsync's 3 KiB XFS log record (one_tag_device's
  // scenario keeps the filesystem's defaults).
  CHECK(r["device_write_bytes"] == 78528 * KiB + 3 * KiB);
  CHECK(r["dirty_end_bytes"] == 0);
  CHECK(r["devices"][0]["peak_queued_requests"].get<std::uint64_t>() >= 1);
}

TEST_CASE("queue depth 1 and blk-wbt: a dontcache and a buffered writer together complete") {
  const Scenario s = one_tag_device(R"([{"name": "b", "bs": "64KiB", "size": "200MiB", "end_fsync": true},
      {"name": "u", "bs": "64KiB", "size": "200MiB", "mode": "dontcache", "end_fsync": true}])");
  const Json r = simulate_isolated(s).summary;
  CHECK(r["write_calls"] == 6400);
  // The data, and each fsync's 3 KiB XFS log record.
  CHECK(r["device_write_bytes"] == 400 * MiB + 2 * 3 * KiB);
  CHECK(r["dirty_end_bytes"] == 0);
}
