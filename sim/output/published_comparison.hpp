// Each run computes the figures of its scenario's "published" section from its
// results, so summary.json and report.md put simulated and published side by
// side from the model as it is, not from numbers copied into a description.
#pragma once

#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/input/published.hpp"
#include "sim/output/csv_table.hpp"

namespace foliosim {

// One variant's results as the comparison reads them.
struct VariantResults {
  std::string name;
  const Json* summary;        // the variant's entry in summary.json
  const CsvTable* timeseries;
};

// Each figure with its published and simulated values, the error and whether
// it is within the tolerance; a figure whose variants did not run (--variant)
// says so instead.
Json compare_published(const PublishedSection& published, const std::vector<VariantResults>& results);

// The report's "Simulated vs published" section, from compare_published().
std::string published_markdown(const Json& comparison);

}  // namespace foliosim
