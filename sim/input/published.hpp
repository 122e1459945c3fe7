// A scenario's "published" section: figures measured on real machines that
// the scenario reproduces (sim/output/published_comparison.hpp computes the
// same figures from each run's results).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

// app_write_rate, device_write_rate (bytes/s over [from, to], default the
// write phase), app_read_rate, device_read_rate (the same, default to the
// end of the run), cpu_busy (CPU-seconds, all components), write_latency_p50,
// write_latency_p99, write_latency_p999 (seconds).
enum class Measure {
  kAppWriteRate,
  kDeviceWriteRate,
  kAppReadRate,
  kDeviceReadRate,
  kCpuBusy,
  kWriteLatencyP50,
  kWriteLatencyP99,
  kWriteLatencyP999
};
inline constexpr ChoiceName<Measure> kMeasureNames[] = {{"app_write_rate", Measure::kAppWriteRate},
                                                        {"device_write_rate", Measure::kDeviceWriteRate},
                                                        {"app_read_rate", Measure::kAppReadRate},
                                                        {"device_read_rate", Measure::kDeviceReadRate},
                                                        {"cpu_busy", Measure::kCpuBusy},
                                                        {"write_latency_p50", Measure::kWriteLatencyP50},
                                                        {"write_latency_p99", Measure::kWriteLatencyP99},
                                                        {"write_latency_p999", Measure::kWriteLatencyP999}};

struct PublishedFigure {
  std::string what;     // "buffered once the page cache is full"
  std::string variant;  // whose results give the figure
  std::string over;     // another variant: the figure is variant / over
  Measure measure = Measure::kAppWriteRate;
  double from_s = 0;
  double to_s = 0;  // 0: the end of the write phase (reads: of the run)
  double value = 0;  // bytes/s, seconds, or a ratio when `over` is set
};

struct PublishedSection {
  std::string source;
  double tolerance = 0;  // relative: 0.15 for "15%"
  std::vector<PublishedFigure> figures;
};

// Whether a figure of this measure is a rate (bytes/s) rather than seconds.
bool measure_is_rate(Measure measure);

// Parses the section; `variants` are the scenario's variant names. Throws
// ConfigError naming `file` and the JSON path of a bad value.
PublishedSection parse_published(const Json& section, const std::string& file, const std::set<std::string>& variants);

}  // namespace foliosim
