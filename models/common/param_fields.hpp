// What a params struct's fields() says about a field beyond its type: the
// bound a number must respect and the names of a choice. Kept here, without
// any JSON, so models declare their parameters without knowing how they are
// read (sim/input/json_fields.hpp reads and writes them).
#pragma once

namespace foliosim {

// Lower bound a numeric field must respect.
enum class Bound { kAny, kNonNegative, kPositive };

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
