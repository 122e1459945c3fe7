#include "sim/output/spread.hpp"

#include <algorithm>
#include <stdexcept>

namespace foliosim {

Spread spread_of(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("no values to take a median of");
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  const double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  return Spread{median, values.front(), values.back()};
}

}  // namespace foliosim
