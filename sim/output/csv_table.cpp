#include "sim/output/csv_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace foliosim {
namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  std::string field;
  while (std::getline(in, field, ',')) fields.push_back(field);
  if (!line.empty() && line.back() == ',') fields.emplace_back();
  return fields;
}

}  // namespace

CsvTable CsvTable::parse(const std::string& text, const std::string& source) {
  CsvTable table;
  table.source_ = source;
  std::stringstream in(text);
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields = split_fields(line);
    if (table.names_.empty()) {
      table.names_ = fields;
      table.columns_.resize(fields.size());
      continue;
    }
    const std::string where = source + ":" + std::to_string(line_number);
    if (fields.size() != table.names_.size())
      throw std::invalid_argument(where + ": " + std::to_string(fields.size()) + " fields, the header has " +
                                  std::to_string(table.names_.size()));
    for (std::size_t c = 0; c < fields.size(); ++c) {
      char* end = nullptr;
      const double value = std::strtod(fields[c].c_str(), &end);
      if (fields[c].empty() || *end != '\0')
        throw std::invalid_argument(where + ": \"" + fields[c] + "\" is not a number");
      table.columns_[c].push_back(value);
    }
  }
  return table;
}

bool CsvTable::has(const std::string& name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

const std::vector<double>& CsvTable::column(const std::string& name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it == names_.end()) throw std::invalid_argument(source_ + ": no column \"" + name + "\"");
  return columns_[static_cast<std::size_t>(it - names_.begin())];
}

}  // namespace foliosim
