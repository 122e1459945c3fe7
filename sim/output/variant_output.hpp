// One variant's results as they go to disk: its summary.json entry, its
// tail writes and its three CSVs, made from the engine's VariantRun. Made in
// the process that ran the engine and carried back to the parent whole
// (to_json / from_json), so the parent needs nothing of the models.
#pragma once

#include <string>
#include <vector>

#include "sim/engine/variant_run.hpp"
#include "sim/input/json_fields.hpp"

namespace foliosim {

struct VariantOutput {
  Json summary;      // the variant's figures in summary.json (its name, description and seed are added beside)
  Json tail_writes;  // variants/<variant>/tail_writes.json
  Json tail_reads;   // variants/<variant>/tail_reads.json, when it read
  std::string time_series_csv;                    // variants/<variant>/timeseries.csv
  std::string latency_cdf_csv;                    // variants/<variant>/latency_cdf.csv
  std::string read_latency_cdf_csv;               // variants/<variant>/read_latency_cdf.csv, when it read ("" when not)
  std::string bdi_estimates_csv;                  // variants/<variant>/bdi_estimates.csv
  Json fio_jobs;                                  // each job in fio's JSON layout (fio.json, with --output-format=json)
  std::vector<std::string> job_latency_cdf_csvs;  // each job's write (or read) latency CDF, for its plot

  Json to_json() const;
  // Throws InternalError when `json` is not what to_json() makes.
  static VariantOutput from_json(const Json& json);
};

VariantOutput variant_output(const VariantRun& run);

// The results reference (results/README.md): every figure of summary.json,
// timeseries.csv and bdi_estimates.csv with its unit and meaning, as markdown.
std::string results_reference();

}  // namespace foliosim
