// A numeric CSV with a header row, as foliosim writes them (timeseries.csv,
// latency_cdf.csv): read back by column name, so plots and reports do not
// depend on column order and survive new columns.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace foliosim {

class CsvTable {
 public:
  // Throws std::invalid_argument naming `source` and the line of a row with
  // the wrong number of fields or a field that is not a number.
  static CsvTable parse(const std::string& text, const std::string& source);

  const std::vector<std::string>& names() const { return names_; }
  bool has(const std::string& name) const;
  // Throws std::invalid_argument when there is no such column.
  const std::vector<double>& column(const std::string& name) const;
  std::size_t rows() const { return columns_.empty() ? 0 : columns_.front().size(); }

 private:
  std::string source_;
  std::vector<std::string> names_;
  std::vector<std::vector<double>> columns_;
};

}  // namespace foliosim
