#include "sim/output/plot_files.hpp"

#include <string>

namespace foliosim {
namespace {

std::string data_file(const std::string& plot, const std::string& key) {
  return std::string(kPlotsFolder) + "/data/" + plot + "." + key + ".csv";
}

}  // namespace

void write_plot_sources(ResultsDirectory& dir, const PlotSetup& setup, const std::vector<PlotSeries>& series) {
  for (const auto& s : series) {
    dir.write_text(data_file("write_latency_cdf", s.key), latency_cdf_data(s));
    dir.write_text(data_file("write_latency_percentiles", s.key), latency_percentiles_data(s));
    dir.write_text(data_file("page_cache", s.key), page_cache_data(s));
    dir.write_text(data_file("throughput", s.key), throughput_data(s, setup.window_s));
    dir.write_text(data_file("cpu", s.key), cpu_data(s, setup.window_s));
    dir.write_text(data_file("device_queue", s.key), device_queue_data(s));
    if (setup.reads) {
      dir.write_text(data_file("read_latency_cdf", s.key), latency_cdf_data(s, true));
      dir.write_text(data_file("read_latency_percentiles", s.key), latency_percentiles_data(s, true));
    }
  }
  for (const auto& plot : plot_list(setup.reads))
    dir.write_text(std::string(kPlotsFolder) + "/" + plot.name + ".gp", plot_script(plot.name, setup));
}

void write_job_plot_sources(ResultsDirectory& dir, const std::string& title, const std::vector<PlotSeries>& jobs) {
  if (jobs.size() < 2) return;
  const PlotSetup setup = plot_setup(title, jobs);
  for (const auto& s : jobs) {
    dir.write_text(data_file(kJobLatencyCdfPlot, s.key), latency_cdf_data(s));
    dir.write_text(data_file("job_latency_percentiles", s.key), latency_percentiles_data(s));
  }
  dir.write_text(std::string(kPlotsFolder) + "/" + kJobLatencyCdfPlot + ".gp", job_latency_cdf_script(setup));
}

}  // namespace foliosim
