#include "sim/output/stat_writers.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace foliosim {

Json latency_us_json(const LatencyHistogram& h) {
  Json out;
  for (auto [key, p] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p999", 99.9}})
    out[key] = h.percentile_s(p) * 1e6;
  out["max"] = h.max_s() * 1e6;
  out["mean"] = h.mean_s() * 1e6;
  return out;
}

std::string CsvStatWriter::fixed(double value, int decimals) {
  char text[64];
  const int n = std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return std::string(text, static_cast<std::size_t>(std::max(0, std::min<int>(n, sizeof text - 1))));
}

}  // namespace foliosim
