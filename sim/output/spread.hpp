// The median, minimum and maximum of repeated values: of a recording's
// repetitions, of a sweep's seeds.
#pragma once

#include <vector>

namespace foliosim {

struct Spread {
  double median = 0;  // the middle value; with an even count, the mean of the two middle ones
  double min = 0;
  double max = 0;
};

// Throws std::invalid_argument when `values` is empty.
Spread spread_of(std::vector<double> values);

}  // namespace foliosim
