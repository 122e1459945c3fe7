// The table that puts variants side by side: headline metrics as rows, one
// column per variant, each value with its difference in percent against a
// baseline column. report.md shows it; `foliosim compare` also prints it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"

namespace foliosim {

struct TableColumn {
  std::string title;
  Json summary;       // the variant's entry of summary.json
  int baseline = -1;  // index of the column it is compared against; -1: none
};

struct MetricsTable {
  std::vector<std::string> header;             // "metric", then the column titles
  std::vector<std::vector<std::string>> rows;  // label, then one cell per column
  std::size_t differences = 0;                 // cells whose value is not their baseline's
  std::size_t compared = 0;                    // cells that have a baseline
};

// A metric's label with its unit and its value in that unit; the metrics a
// variant does not report are left out.
std::vector<std::pair<std::string, double>> headline_metrics(const Json& variant);

// Rows in the order metrics first appear; "–" where a column lacks one.
MetricsTable metrics_table(const std::vector<TableColumn>& columns);

// About four significant digits, no exponent in the usual ranges: 463.2,
// 0.1186, 268435456.
std::string format_value(double value);
// "+12.3 %", "-4.0 %", "0.0 %" (equal), "×13.1" (beyond +1000 %), "n/a"
// (against 0).
std::string percent_difference(double value, double baseline);

std::string markdown_table(const MetricsTable& table);
// Columns padded to line up, for a terminal.
std::string text_table(const MetricsTable& table);

}  // namespace foliosim
