// Critical paths of hand-built event graphs, worked out by hand.
#include "sim/output/latency_attribution.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

using foliosim::CriticalPath;
using foliosim::WaitEvent;

namespace {

constexpr double us = 1e-6;

}  // namespace

TEST_CASE("a direct write waiting on three parallel device requests: the slowest request is on the path") {
  // CPU setup 0-10 us; requests served 10-110, 10-130 and 10-120 us; the
  // completion (130-135 us) waits on all three. Longest: 10 + 120 + 5 = 135 us,
  // the whole latency, through request 2.
  std::vector<WaitEvent> events{
      {"cpu", 0, 10 * us, {}},
      {"device_service", 10 * us, 110 * us, {0}},
      {"device_service", 10 * us, 130 * us, {0}},
      {"device_service", 10 * us, 120 * us, {0}},
      {"completion", 130 * us, 135 * us, {1, 2, 3}},
  };
  CriticalPath path = foliosim::critical_path(events);
  CHECK(path.events == std::vector<std::size_t>{0, 2, 4});
  CHECK(path.covered_s == doctest::Approx(135 * us));
  CHECK(path.seconds_by_component.at("cpu") == doctest::Approx(10 * us));
  CHECK(path.seconds_by_component.at("device_service") == doctest::Approx(120 * us));
  CHECK(path.seconds_by_component.at("completion") == doctest::Approx(5 * us));
  CHECK(path.seconds_by_component.size() == 3);
}

TEST_CASE("a buffered write: throttling, then allocation with reclaim, then the copy, components add up") {
  // cpu 0-2, dirty_throttle 2-52, folio_alloc 52-53, direct_reclaim 53-83
  // (waited on by the allocation's second half 83-84), cpu copy 84-90.
  // One chain: cpu 2+6, throttle 50, alloc 1+1, reclaim 30 = 90 us.
  std::vector<WaitEvent> events{
      {"cpu", 0, 2 * us, {}},
      {"dirty_throttle", 2 * us, 52 * us, {0}},
      {"folio_alloc", 52 * us, 53 * us, {1}},
      {"direct_reclaim", 53 * us, 83 * us, {2}},
      {"folio_alloc", 83 * us, 84 * us, {3}},
      {"cpu", 84 * us, 90 * us, {4}},
  };
  CriticalPath path = foliosim::critical_path(events);
  CHECK(path.events == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  CHECK(path.seconds_by_component.at("cpu") == doctest::Approx(8 * us));
  CHECK(path.seconds_by_component.at("folio_alloc") == doctest::Approx(2 * us));
  CHECK(path.seconds_by_component.at("direct_reclaim") == doctest::Approx(30 * us));
  CHECK(path.covered_s == doctest::Approx(90 * us));
}

TEST_CASE("the path weighs durations, not arrival: a long early branch beats a short late one") {
  // A 0-50, B 60-70, C 70-80 waits on both. Through A: 50 + 10 = 60 us;
  // through B: 10 + 10 = 20 us. The 60-70 gap before B is no event's.
  std::vector<WaitEvent> events{
      {"device_service", 0, 50 * us, {}},
      {"cpu", 60 * us, 70 * us, {}},
      {"completion", 70 * us, 80 * us, {0, 1}},
  };
  CriticalPath path = foliosim::critical_path(events);
  CHECK(path.events == std::vector<std::size_t>{0, 2});
  CHECK(path.covered_s == doctest::Approx(60 * us));

  foliosim::TailAttribution total;
  foliosim::add_write(total, events, 80 * us);
  CHECK(total.seconds_by_component.at(foliosim::kUnattributedComponent) == doctest::Approx(20 * us));
}

TEST_CASE("equal branches: the tie goes to the dependency that ended last") {
  // Two 10 us requests, the second ending later (it queued 5 us first, which
  // no event records); both give a 10 + 1 path.
  std::vector<WaitEvent> events{
      {"device_service", 0, 10 * us, {}},
      {"device_service", 5 * us, 15 * us, {}},
      {"completion", 15 * us, 16 * us, {0, 1}},
  };
  CHECK(foliosim::critical_path(events).events == std::vector<std::size_t>{1, 2});
}

TEST_CASE("bad graphs are refused with the event named") {
  std::vector<WaitEvent> cycle{{"a", 0, 0, {1}}, {"b", 0, 0, {0}}};
  CHECK_THROWS_AS(foliosim::critical_path(cycle), std::invalid_argument);
  std::vector<WaitEvent> missing{{"a", 0, 1, {7}}};
  CHECK_THROWS_WITH(foliosim::critical_path(missing), doctest::Contains("event 7"));
  std::vector<WaitEvent> backwards{{"a", 2, 1, {}}};
  CHECK_THROWS_WITH(foliosim::critical_path(backwards), doctest::Contains("ends before it starts"));
  std::vector<WaitEvent> early{{"a", 0, 10, {}}, {"b", 5, 12, {0}}};
  CHECK_THROWS_WITH(foliosim::critical_path(early), doctest::Contains("starts before"));
  CHECK(foliosim::critical_path({}).events.empty());
}

TEST_CASE("tail_writes from the summary aggregate over writes") {
  // Write 1: cpu 10 + device 90 = 100 us. Write 2: cpu 5, device 60 in
  // parallel with device 80, completion 5: 5 + 80 + 5 = 90 us of 100 us.
  auto tail = foliosim::Json::parse(R"([
    {"start_s": 0.0, "latency_s": 100e-6, "events": [
      {"component": "cpu", "start_s": 0.0, "end_s": 10e-6},
      {"component": "device", "start_s": 10e-6, "end_s": 100e-6, "after": [0]}]},
    {"start_s": 1.0, "latency_s": 100e-6, "events": [
      {"component": "cpu", "start_s": 1.0, "end_s": 1.000005},
      {"component": "device", "start_s": 1.000005, "end_s": 1.000065, "after": [0]},
      {"component": "device", "start_s": 1.000005, "end_s": 1.000085, "after": [0]},
      {"component": "completion", "start_s": 1.000085, "end_s": 1.00009, "after": [1, 2]}]}
  ])");
  foliosim::TailAttribution total = foliosim::attribute_tail_writes(tail);
  CHECK(total.writes == 2);
  CHECK(total.latency_s == doctest::Approx(200 * us));
  CHECK(total.seconds_by_component.at("cpu") == doctest::Approx(15 * us));
  CHECK(total.seconds_by_component.at("device") == doctest::Approx(170 * us));
  CHECK(total.seconds_by_component.at("completion") == doctest::Approx(5 * us).epsilon(1e-6));
  CHECK(total.seconds_by_component.at(foliosim::kUnattributedComponent) == doctest::Approx(10 * us).epsilon(1e-6));
  foliosim::Json json = foliosim::attribution_json(total);
  CHECK(json.size() == 4);

  CHECK_THROWS_WITH(foliosim::attribute_tail_writes(foliosim::Json::parse(R"([{"latency_s": 1}])")),
                    doctest::Contains("tail_writes/0"));
}

TEST_CASE("tail_writes' indices: signed integers as built in memory, unsigned as read back; never negative") {
  // The engine builds "after" from std::vector<int>; a file read back has
  // them unsigned. Both are the same graph: cpu 10 us, then device 90 us.
  auto write = [](foliosim::Json after) {
    foliosim::Json events = foliosim::Json::array();
    events.push_back({{"component", "cpu"}, {"start_s", 0.0}, {"end_s", 10e-6}});
    events.push_back({{"component", "device"}, {"start_s", 10e-6}, {"end_s", 100e-6}, {"after", after}});
    return foliosim::Json::array({{{"start_s", 0.0}, {"latency_s", 100e-6}, {"events", events}}});
  };
  const auto in_memory = foliosim::attribute_tail_writes(write(foliosim::Json::array({0})));
  const auto read_back = foliosim::attribute_tail_writes(write(foliosim::Json::parse("[0]")));
  CHECK(in_memory.seconds_by_component.at("device") == doctest::Approx(90 * us));
  CHECK(read_back.seconds_by_component == in_memory.seconds_by_component);
  CHECK_THROWS_WITH(foliosim::attribute_tail_writes(write(foliosim::Json::array({-1}))),
                    doctest::Contains("must hold event indices"));
}
