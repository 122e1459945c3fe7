#include "sim/output/latency_attribution.hpp"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>
#include <iterator>
#include <stdexcept>

namespace foliosim {
namespace {

// Simulated times are sums of doubles: allow a picosecond of rounding before
// calling an order inconsistent.
constexpr double kTimeSlackS = 1e-12;

using Dag = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

std::string event_name(std::size_t i, const WaitEvent& e) {
  return "event " + std::to_string(i) + " (" + e.component + ")";
}

void check_event(const std::vector<WaitEvent>& events, std::size_t i) {
  const WaitEvent& e = events[i];
  if (!(e.end_s >= e.start_s)) throw std::invalid_argument(event_name(i, e) + " ends before it starts");
  for (std::size_t dep : e.after) {
    if (dep >= events.size())
      throw std::invalid_argument(event_name(i, e) + " waits on event " + std::to_string(dep) +
                                  ", which does not exist");
    if (events[dep].end_s > e.start_s + kTimeSlackS)
      throw std::invalid_argument(event_name(i, e) + " starts before " + event_name(dep, events[dep]) + " ends");
  }
}

// Events in an order where each comes after those it waited on.
std::vector<std::size_t> dependency_order(const std::vector<WaitEvent>& events) {
  Dag dag(events.size());
  for (std::size_t i = 0; i < events.size(); ++i)
    for (std::size_t dep : events[i].after) boost::add_edge(dep, i, dag);
  std::vector<std::size_t> reversed;
  try {
    boost::topological_sort(dag, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    throw std::invalid_argument("the events wait on each other in a cycle");
  }
  return {reversed.rbegin(), reversed.rend()};
}

// a beats b as the end of a longest path: longer, then ends later, then higher index.
bool longer(const std::vector<WaitEvent>& events, const std::vector<double>& longest, std::size_t a, std::size_t b) {
  if (longest[a] != longest[b]) return longest[a] > longest[b];
  if (events[a].end_s != events[b].end_s) return events[a].end_s > events[b].end_s;
  return a > b;
}

}  // namespace

CriticalPath critical_path(const std::vector<WaitEvent>& events) {
  CriticalPath path;
  if (events.empty()) return path;
  for (std::size_t i = 0; i < events.size(); ++i) check_event(events, i);

  // longest[i]: the most duration a chain ending with event i can add up to.
  std::vector<double> longest(events.size(), 0);
  std::vector<std::size_t> previous(events.size(), events.size());  // none
  for (std::size_t i : dependency_order(events)) {
    std::size_t best = events.size();
    for (std::size_t dep : events[i].after)
      if (best == events.size() || longer(events, longest, dep, best)) best = dep;
    previous[i] = best;
    longest[i] = (events[i].end_s - events[i].start_s) + (best == events.size() ? 0 : longest[best]);
  }

  // The write ends with the event that ends last.
  std::size_t last = 0;
  for (std::size_t i = 1; i < events.size(); ++i) {
    const bool later = events[i].end_s > events[last].end_s;
    if (later || (events[i].end_s == events[last].end_s && longer(events, longest, i, last))) last = i;
  }
  for (std::size_t i = last; i != events.size(); i = previous[i]) path.events.push_back(i);
  std::reverse(path.events.begin(), path.events.end());
  for (std::size_t i : path.events) {
    const double duration_s = events[i].end_s - events[i].start_s;
    path.seconds_by_component[events[i].component] += duration_s;
    path.covered_s += duration_s;
  }
  return path;
}

void add_write(TailAttribution& total, const std::vector<WaitEvent>& events, double latency_s) {
  const CriticalPath path = critical_path(events);
  for (const auto& [component, seconds] : path.seconds_by_component) total.seconds_by_component[component] += seconds;
  if (latency_s > path.covered_s) total.seconds_by_component[kUnattributedComponent] += latency_s - path.covered_s;
  total.latency_s += latency_s;
  ++total.writes;
}

namespace {

double number_at(const Json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_number())
    throw std::invalid_argument(where + ": \"" + key + "\" must be a number");
  return object[key].get<double>();
}

WaitEvent parse_event(const Json& e, const std::string& where) {
  WaitEvent event;
  if (!e.is_object() || !e.contains("component") || !e["component"].is_string())
    throw std::invalid_argument(where + ": \"component\" must be a string");
  event.component = e["component"].get<std::string>();
  event.start_s = number_at(e, "start_s", where);
  event.end_s = number_at(e, "end_s", where);
  if (e.contains("after")) {
    if (!e["after"].is_array()) throw std::invalid_argument(where + ": \"after\" must be an array of indices");
    for (const Json& dep : e["after"]) {
      // Built in memory, indices are signed integers; read back from a file, unsigned.
      if (!dep.is_number_integer() || dep.get<long long>() < 0)
        throw std::invalid_argument(where + ": \"after\" must hold event indices");
      event.after.push_back(dep.get<std::size_t>());
    }
  }
  return event;
}

}  // namespace

TailAttribution attribute_tail_writes(const Json& tail_writes) {
  if (!tail_writes.is_array()) throw std::invalid_argument("tail_writes must be an array");
  TailAttribution total;
  for (std::size_t w = 0; w < tail_writes.size(); ++w) {
    const Json& write = tail_writes[w];
    const std::string where = "tail_writes/" + std::to_string(w);
    const double latency_s = number_at(write, "latency_s", where);
    if (!write.contains("events") || !write["events"].is_array())
      throw std::invalid_argument(where + ": \"events\" must be an array");
    std::vector<WaitEvent> events;
    for (std::size_t i = 0; i < write["events"].size(); ++i)
      events.push_back(parse_event(write["events"][i], where + "/events/" + std::to_string(i)));
    try {
      add_write(total, events, latency_s);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(where + ": " + e.what());
    }
  }
  return total;
}

Json attribution_json(const TailAttribution& attribution) {
  Json out = Json::object();
  for (const auto& [component, seconds] : attribution.seconds_by_component) out[component] = seconds;
  return out;
}

}  // namespace foliosim
