// What a params struct's fields() says about a field beyond its type: the
// bound a number must respect and the names of a choice. Kept here, without
// any JSON, so models declare their parameters without knowing how they are
// read (sim/input/json_fields.hpp reads and writes them).
#pragma once

#include <limits>

namespace foliosim {

// The range a numeric field must respect, in the field's own unit (bytes,
// seconds, bytes per second, hertz, a count). Limits beyond "not negative"
// keep a run bounded in time and memory: each is documented at its field.
inline constexpr double kInf = std::numeric_limits<double>::infinity();

struct Bound {
  double min = 0;
  bool min_excluded = false;  // the value must be greater than min
  double max = kInf;

  static const Bound kAny, kNonNegative, kPositive;
  static constexpr Bound at_least(double min_value) { return {min_value, false, kInf}; }
  static constexpr Bound between(double min_value, double max_value) { return {min_value, false, max_value}; }
};
inline constexpr Bound Bound::kAny{-kInf, false, kInf};
inline constexpr Bound Bound::kNonNegative{0, false, kInf};
inline constexpr Bound Bound::kPositive{0, true, kInf};

// Limits shared by several fields (README "Scenario format" lists them).
// Longest simulated time a scenario may ask for (run_for, a job's
// startdelay): a week, far beyond any workload worth simulating event by event.
inline constexpr double kMaxSimulatedTimeS = 7 * 24 * 3600.0;
// Slowest rate (device bandwidths, copy bandwidth, the initial write
// bandwidth): 1 MB/s, slower than any device Linux writes back to (a USB 1.1
// stick); slower rates only stretch runs toward numeric underflow.
inline constexpr double kMinRateBps = 1e6;
// Smallest request or folio: one 4 KiB page (anything smaller would build one
// request per byte).
inline constexpr double kMinBlockBytes = 4096;
// Slowest CPU clock (cpu_speed, reference_speed): 1 MHz, below any CPU that
// runs Linux; the costs scale by reference_speed / cpu_speed.
inline constexpr double kMinFrequencyHz = 1e6;

// Largest lognormal shape (a spread's sigma): at 3, one call in a thousand
// already costs exp(3 * 3.09), about 10000 times its median; beyond that a
// spread only makes runs unbounded.
inline constexpr double kMaxSigma = 3;

// One accepted spelling of an enum field. A value may have several names
// (aliases); the first listed for a value is how it is written back.
template <class E>
struct ChoiceName {
  const char* name;
  E value;
};

// The name a choice is written back with; nullptr if `value` has none.
template <class E, class Names>
const char* choice_name(E value, const Names& names) {
  for (const auto& n : names)
    if (n.value == value) return n.name;
  return nullptr;
}

}  // namespace foliosim
