// A sweep expanded into points: every combination of the axes' values, times
// the variants, times the seeds, less the excluded ones. Each point is one
// resolved scenario of one variant, which names it: its id is a hash of that
// scenario, so the same point keeps its id when the sweep file is edited
// around it, and a point whose scenario changed gets a new one.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace foliosim {

// More points than any laptop or cluster sweep runs; each is an input file
// and a results directory.
inline constexpr std::size_t kMaxSweepPoints = 100000;

struct SweepPoint {
  std::string id;                 // 16 hex digits
  std::vector<Json> axis_values;  // one per SweepSpec::axis_columns()
  std::string variant;
  std::uint64_t seed = 0;
  Json scenario;  // the resolved scenario of this one variant: `foliosim run` input
};

// Validates every point's scenario before anything runs (ConfigError naming
// the sweep file's axis value, or the scenario's path, that is bad).
std::vector<SweepPoint> expand_sweep(const SweepSpec& spec);

// "machine/memory=4GiB, variant dontcache, seed 2", for messages.
std::string describe_point(const std::vector<std::string>& columns, const SweepPoint& point);

// FNV-1a, 64 bits, in hex: stable across builds and machines.
std::string stable_id(const std::string& text);

}  // namespace foliosim
