// summary.json of `foliosim record`: each figure a repetition measured, with
// the figure names of the simulator's summary.json, becomes
// {"median", "min", "max", "reps": [one value per repetition]} (README.md,
// "Recording on the real kernel").
#pragma once

#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/output/spread.hpp"

namespace foliosim::record {

using foliosim::Spread;
using foliosim::spread_of;

// The repetitions' objects merged: a number becomes its spread and the list of
// values (null for a repetition that lacks it), an object is merged key by
// key, any other value is kept from the first repetition that has it.
Json aggregate_repetitions(const std::vector<Json>& repetitions);

// Whether `value` is one aggregated figure ({"median", "min", "max", "reps"}).
bool is_spread(const Json& value);

}  // namespace foliosim::record
