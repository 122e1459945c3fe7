#include "sim/output/stat_writers.hpp"

#include <utility>

#include "sim/output/number_text.hpp"

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
  std::string text;
  append_fixed(text, value, decimals);
  return text;
}

}  // namespace foliosim
