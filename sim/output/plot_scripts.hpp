// The gnuplot scripts behind the plots. Each script stands alone beside its
// data (plots/<name>.gp reads plots/data/<name>.<series>.csv) and draws both
// plots/<name>.svg and plots/<name>.png, every series on the same axes, so a
// user can restyle a plot and redraw it without rerunning the simulation.
#pragma once

#include <string>
#include <vector>

#include "sim/output/plot_data.hpp"

namespace foliosim {

// A unit of an axis: values in the data are multiplied by `scale`.
struct AxisUnit {
  std::string name;
  double scale = 1;
};

// What the plots of one run (or comparison) share.
struct PlotSetup {
  std::string title;              // "quickstart"; "A vs B" in a comparison
  std::vector<std::string> keys;  // one per series, legend order
  std::vector<double> write_counts;
  // Any series made reads: the read latency CDF is drawn, throughput shows reads.
  bool reads = false;
  std::vector<double> read_counts;
  AxisUnit time, bytes, rate;
  double end_s = 0;                         // of the longest series
  double window_s = 0;                      // of the moving averages
  double mark_every = 1;                    // samples between two marks on a series' line
  bool dropbehind = false, zeroed = false;  // drawn only when present
  bool cache_empty = false;                 // nothing was ever cached (O_DIRECT)
  // The page-cache plot's limit lines (memory limit when set, dirty
  // thresholds). One far above the data (over 4 times its peak) would squash
  // the data to the bottom: it is named in the title instead of drawn.
  struct Limit {
    std::string column, label;
    double max_bytes = 0;
    bool drawn = true;
  };
  std::vector<Limit> limits;
  double latency_min_us = 1, latency_max_us = 1;
  double read_latency_min_us = 1, read_latency_max_us = 1;
  double max_queued = 0;
  std::vector<std::string> cpu_components;
};

// Units and ranges that fit every series; `window_s` about a thirtieth of the
// run (at least two samples), rounded to 1, 2 or 5 times a power of ten.
PlotSetup plot_setup(const std::string& title, const std::vector<PlotSeries>& series);

struct PlotInfo {
  std::string name;     // file stem: plots/<name>.{gp,svg,png}
  std::string caption;  // what it shows, for report.md
};
// The plots of a run; `reads`: with those of reads.
std::vector<PlotInfo> plot_list(bool reads = false);

// Script of plot `name` (one of plot_list()).
std::string plot_script(const std::string& name, const PlotSetup& setup);

// With several jobs: each job's latency CDF (writes, or reads for a reader),
// one series per job (per variant and job in a run of several variants),
// drawn as write_latency_cdf is; its data are data/job_latency_cdf.<series>.csv
// and data/job_latency_percentiles.<series>.csv.
inline constexpr const char* kJobLatencyCdfPlot = "job_latency_cdf";
std::string job_latency_cdf_script(const PlotSetup& setup);

}  // namespace foliosim
