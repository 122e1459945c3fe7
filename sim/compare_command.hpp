// `foliosim compare DIR_A DIR_B`: two results directories side by side (two
// versions of a model, two machines): each variant of B against the variant
// of A of the same name, in one table and on the same plots.
#pragma once

#include <cstddef>
#include <string>

#include "sim/output/gnuplot.hpp"

namespace foliosim {

struct CompareOptions {
  std::string dir_a;
  std::string dir_b;
  std::string output_dir;  // "" -> results/compare-<A>-vs-<B>
  bool force = false;      // replace the earlier results at output_dir
};

struct CompareOutcome {
  std::string output_dir;
  std::string table;            // for the terminal
  std::size_t differences = 0;  // B cells whose value differs from A's; with a recorded side: outside its range
  std::size_t compared = 0;
  bool recorded = false;  // a side was recorded on the real kernel (foliosim record): ranges, no plots
  DrawOutcome plots;
};

// With a recorded directory (foliosim record) on either side, a table per
// variant of the kernel's median and [min, max] and the other side's value,
// inside or not (sim/record/recorded_comparison). Throws ConfigError when a
// directory is not a results directory, and
// OutputError for an output location it must not or cannot write (as `run`).
CompareOutcome compare_results(const CompareOptions& options);

}  // namespace foliosim
