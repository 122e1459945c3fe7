// Where a slow write's time went. The simulation records, for a tail write,
// the events it waited on (CPU work, folio allocation, direct reclaim, dirty
// throttling, writeback submission, device queue and service, completion),
// each naming the events it had to wait for. Those events form a DAG; its
// critical path is the chain ending at the write's end whose durations add up
// to the most (the longest path, events weighted by duration). Time along it,
// summed by component, says which component the tail went to.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

struct WaitEvent {
  std::string component;  // "cpu", "device_service", ...: free text, grouped as is
  double start_s = 0;
  double end_s = 0;
  std::vector<std::size_t> after;  // indices of the events this one waited on
};

struct CriticalPath {
  std::vector<std::size_t> events;  // first to last; the last is the event that ends last
  std::map<std::string, double> seconds_by_component;
  double covered_s = 0;  // sum of the path's durations
};

// Time of a write that no event on its critical path covers (gaps the
// simulation did not record).
inline constexpr const char* kUnattributedComponent = "unattributed";

// Throws std::invalid_argument naming the event for an index out of range, a
// cycle, an event ending before it starts, or one starting before an event it
// waited on ended (an inconsistent record would count time twice). Ties go
// to the dependency that ended last, then to the higher index. An empty list
// gives an empty path.
CriticalPath critical_path(const std::vector<WaitEvent>& events);

struct TailAttribution {
  std::size_t writes = 0;
  double latency_s = 0;  // summed over the writes
  // Critical-path time by component summed over the writes, plus
  // kUnattributedComponent for latency no path event covers.
  std::map<std::string, double> seconds_by_component;
};

// Adds one write of latency `latency_s` whose events are `events`.
void add_write(TailAttribution& total, const std::vector<WaitEvent>& events, double latency_s);

// Reads a variant's "tail_writes" ([{"start_s", "latency_s", "events": [{
// "component", "start_s", "end_s", "after": [i, ...]}]}]) and aggregates it.
// Throws std::invalid_argument on a malformed entry.
TailAttribution attribute_tail_writes(const Json& tail_writes);

// {component: seconds}, for summary.json's "tail_attribution".
Json attribution_json(const TailAttribution& attribution);

}  // namespace foliosim
