// `foliosim compare` with a recorded directory (foliosim record) on one side:
// per variant and figure, the kernel's median and [min, max] over the
// repetitions, the other side's value, whether it lies inside the range and
// its error to the median. With two recorded sides, B's medians against A's
// ranges.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim::record {

// The marker `record` leaves beside .foliosim-results.
inline constexpr const char* kRecordedMarker = ".foliosim-recorded";

// Whether a summary.json is one `record` wrote ("recorded_on" present).
bool is_recorded_summary(const Json& summary);

struct RecordedComparison {
  std::string text;      // for the terminal
  std::string markdown;  // for report.md
  std::size_t compared = 0;  // figures with a value on both sides
  std::size_t outside = 0;   // of them, outside the measured range
};

// `a` and `b` are summary.json files; at least one recorded. Variants pair by
// name, else by position.
RecordedComparison compare_with_recorded(const Json& a, const Json& b);

// What `foliosim fit` minimises: per figure, the simulated value's relative
// error to the recorded median.
struct FitTerm {
  std::string figure;  // a JSON pointer into a variant's entry: "/write_latency_us/p50"
  double recorded_median = 0;
  double simulated = 0;
  double relative_error = 0;  // (simulated - median) / |median|
};

// The figures fit matches unless told otherwise: the write phase, the
// latency percentiles, fsync, the device's requests and the cache peaks.
std::vector<std::string> default_fit_figures();

// A term per figure both variants give; figures whose recorded median is 0
// (no relative error) or missing on either side are left out.
std::vector<FitTerm> fit_terms(const Json& recorded_variant, const Json& simulated_variant,
                               const std::vector<std::string>& figures);

// The table `record` prints: per variant the headline figures, median [min, max].
std::string recorded_table(const Json& summary);

}  // namespace foliosim::record
