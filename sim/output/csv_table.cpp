#include "sim/output/csv_table.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace foliosim {
namespace {

// Calls `take` with each comma-separated field of `line`, in order; a
// trailing comma ends an empty last field.
template <class Take>
void each_field(std::string_view line, Take take) {
  for (std::size_t from = 0;;) {
    const std::size_t comma = std::min(line.find(',', from), line.size());
    take(line.substr(from, comma - from));
    if (comma == line.size()) return;
    from = comma + 1;
  }
}

}  // namespace

CsvTable CsvTable::parse(const std::string& text, const std::string& source) {
  CsvTable table;
  table.source_ = source;
  std::string field;  // strtod wants a terminated string
  std::size_t line_number = 0;
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::string_view line(text.data() + at, end - at);
    at = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (table.names_.empty()) {
      each_field(line, [&](std::string_view name) { table.names_.emplace_back(name); });
      table.columns_.resize(table.names_.size());
      continue;
    }
    const auto where = [&] { return source + ":" + std::to_string(line_number); };
    const auto fields = static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
    if (fields != table.names_.size())
      throw std::invalid_argument(where() + ": " + std::to_string(fields) + " fields, the header has " +
                                  std::to_string(table.names_.size()));
    std::size_t c = 0;
    each_field(line, [&](std::string_view text_field) {
      // A plain decimal, as foliosim writes them, by from_chars; anything
      // else (a sign, spaces, hexadecimal, out of range) as strtod reads it.
      // Both round correctly, so a number reads the same either way.
      double value = 0;
      const auto [stop, error] = std::from_chars(text_field.data(), text_field.data() + text_field.size(), value);
      if (error != std::errc{} || stop != text_field.data() + text_field.size()) {
        field.assign(text_field);
        char* strtod_stop = nullptr;
        value = std::strtod(field.c_str(), &strtod_stop);
        if (field.empty() || *strtod_stop != '\0')
          throw std::invalid_argument(where() + ": \"" + field + "\" is not a number");
      }
      table.columns_[c++].push_back(value);
    });
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
