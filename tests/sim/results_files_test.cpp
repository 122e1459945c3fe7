// What `foliosim run`, `compare` and `plot` write beside summary.json: plots
// that are real images, the CSVs and scripts behind them, report.md.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "sim/output/csv_table.hpp"
#include "sim/input/json_fields.hpp"
#include "models/common/latency_histogram.hpp"
#include "sim/output/plot_scripts.hpp"
#include "tests/cli_support.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;
using foliosim::CsvTable;
using foliosim::Json;
using foliosim::test::run_foliosim;
using foliosim::test::scratch;
using foliosim::test::slurp;
using foliosim::test::source_path;

namespace {

const std::string kDirectScenario = source_path("scenarios/direct_queue_depth.json");

// A PNG: its signature, a header chunk first and the end chunk last.
void check_png(const fs::path& path) {
  INFO(path.string());
  const std::string png = slurp(path);
  REQUIRE(png.size() > 5000);  // axes, labels and lines, not a blank image
  CHECK(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  CHECK(png.compare(12, 4, "IHDR") == 0);
  auto be32 = [&png](std::size_t at) {
    return (std::uint32_t(std::uint8_t(png[at])) << 24) | (std::uint32_t(std::uint8_t(png[at + 1])) << 16) |
           (std::uint32_t(std::uint8_t(png[at + 2])) << 8) | std::uint32_t(std::uint8_t(png[at + 3]));
  };
  CHECK(be32(16) == 1000);  // width and height as the scripts set them
  CHECK(be32(20) == 560);
  CHECK(png.compare(png.size() - 8, 4, "IEND") == 0);
}

// An SVG document with drawing in it and the plot's title.
void check_svg(const fs::path& path, const std::string& title) {
  INFO(path.string());
  std::string svg = slurp(path);
  REQUIRE(svg.size() > 2000);
  CHECK(svg.compare(0, 5, "<?xml") == 0);
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("<path") != std::string::npos);
  CHECK(svg.find(title) != std::string::npos);
  while (!svg.empty() && std::isspace(static_cast<unsigned char>(svg.back()))) svg.pop_back();
  CHECK(svg.size() >= 6);
  CHECK(svg.compare(svg.size() - 6, 6, "</svg>") == 0);
}

CsvTable csv(const fs::path& path) { return CsvTable::parse(slurp(path), path.string()); }

double last(const CsvTable& t, const std::string& column) { return t.column(column).back(); }

double peak(const CsvTable& t, const std::string& column) {
  const auto& v = t.column(column);
  return *std::max_element(v.begin(), v.end());
}

}  // namespace

TEST_CASE("run draws every plot as a non-empty SVG and PNG, beside its script and CSVs, and writes report.md") {
  fs::path dir = scratch("plots");
  REQUIRE(run_foliosim("run " + kDirectScenario + " -o " + (dir / "out").string(), dir / "log") == 0);
  const fs::path out = dir / "out";
  for (const auto& plot : foliosim::plot_list()) {
    CHECK(fs::exists(out / "plots" / (plot.name + ".gp")));
    check_png(out / "plots" / (plot.name + ".png"));
    check_svg(out / "plots" / (plot.name + ".svg"), "direct_queue_depth: ");
  }
  for (const std::string variant : {"qd128", "qd1"}) {
    for (const std::string data :
         {"write_latency_cdf", "write_latency_percentiles", "page_cache", "throughput", "cpu", "device_queue"})
      CHECK(fs::file_size(out / "plots" / "data" / (data + "." + variant + ".csv")) > 0);
    CHECK(fs::exists(out / "variants" / variant / "latency_cdf.csv"));
    CHECK(fs::exists(out / "variants" / variant / "bdi_estimates.csv"));
  }
  const std::string report = slurp(out / "report.md");
  CHECK(report.find("## Question") != std::string::npos);
  CHECK(report.find("| metric | qd128 | qd1 |") != std::string::npos);
  CHECK(report.find("![write_latency_cdf](plots/write_latency_cdf.png)") != std::string::npos);
  CHECK(report.find("1/2048") != std::string::npos);  // the histogram's error bound
  CHECK(report.find("Plots not drawn") == std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("the CSVs hold what the summary says") {
  fs::path dir = scratch("csv-vs-summary");
  // O_DIRECT (direct_queue_depth) and buffered: the page cache then fills.
  REQUIRE(run_foliosim("run " + kDirectScenario + " -o " + (dir / "direct").string(), dir / "log1") == 0);
  REQUIRE(run_foliosim("run " + kDirectScenario + " --variant qd128 --set workload/jobs/0/mode=buffered -o " +
                           (dir / "buffered").string(),
                       dir / "log2") == 0);
  for (const std::string run : {"direct", "buffered"}) {
    const fs::path out = dir / run;
    const Json summary = Json::parse(slurp(out / "summary.json"));
    for (const Json& v : summary["variants"]) {
      const std::string name = v["variant"];
      INFO(run << " " << name);
      auto data = [&](const std::string& plot) { return csv(out / "plots" / "data" / (plot + "." + name + ".csv")); };

      const CsvTable throughput = data("throughput");
      CHECK(last(throughput, "device_write_bytes") == v["device_write_bytes"].get<double>());
      CHECK(last(throughput, "app_write_bytes") == v["app_write_bytes"].get<double>());
      CHECK(last(csv(out / "variants" / name / "timeseries.csv"), "device_write_bytes") ==
            v["device_write_bytes"].get<double>());

      const CsvTable cpu = data("cpu");
      for (const auto& [component, busy] : v["cpu_busy_s"].items())
        CHECK(last(cpu, component + "_busy_s") == doctest::Approx(busy.get<double>()).epsilon(1e-6));

      // The series holds a row at the moment of each peak: its peaks are
      // the summary's exactly.
      const CsvTable cache = data("page_cache");
      CHECK(peak(cache, "cached_bytes") == v["page_cache_peak_bytes"].get<double>());
      CHECK(peak(cache, "dirty_bytes") == v["dirty_peak_bytes"].get<double>());
      CHECK(peak(cache, "writeback_bytes") == v["writeback_peak_bytes"].get<double>());
      if (run == "direct")
        CHECK(peak(data("device_queue"), "queued_requests") == v["devices"][0]["peak_queued_requests"].get<double>());

      // The CDF ends at the slowest write, 100 % of them.
      const CsvTable cdf = data("write_latency_cdf");
      CHECK(last(cdf, "cumulative_fraction") == 1);
      CHECK(last(cdf, "latency_us") == doctest::Approx(v["write_latency_us"]["max"].get<double>()).epsilon(1e-6));
      const CsvTable percentiles = data("write_latency_percentiles");
      // The CSV keeps fewer digits than the summary: equal to its precision.
      const std::vector<double> shown = percentiles.column("latency_us");
      REQUIRE(shown.size() == 3);
      const char* keys[] = {"p50", "p99", "p999"};
      for (std::size_t i = 0; i < 3; ++i)
        CHECK(shown[i] == doctest::Approx(v["write_latency_us"][keys[i]].get<double>()).epsilon(1e-9));
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("compare on a directory against itself shows zero differences, against another, the differences") {
  fs::path dir = scratch("compare");
  const std::string a = (dir / "a").string(), half = (dir / "half").string();
  REQUIRE(run_foliosim("run " + kDirectScenario + " -o " + a, dir / "log") == 0);
  REQUIRE(run_foliosim("compare " + a + " " + a + " -o " + (dir / "self").string(), dir / "self.log") == 0);
  const std::string log = slurp(dir / "self.log");
  CHECK(log.find("differences: none") != std::string::npos);
  const std::string report = slurp(dir / "self" / "report.md");
  CHECK(report.find("| metric | A.qd128 | B.qd128 | A.qd1 | B.qd1 |") != std::string::npos);
  // Every difference the table shows is 0.0 %.
  const auto table_start = report.find("| metric");
  const std::string table = report.substr(table_start, report.find("\n\n", table_start) - table_start);
  CHECK(table.find(" %)") != std::string::npos);
  for (std::size_t at = table.find(" %)"); at != std::string::npos; at = table.find(" %)", at + 1))
    CHECK(table.compare(at - 4, 4, "(0.0") == 0);
  for (const auto& plot : foliosim::plot_list()) check_png(dir / "self" / "plots" / (plot.name + ".png"));
  CHECK(fs::exists(dir / "self" / "plots" / "data" / "throughput.B.qd1.csv"));

  // Half the bytes: B's write calls are 50 % fewer than A's.
  REQUIRE(run_foliosim("run " + kDirectScenario + " --set workload/jobs/0/size=128MiB -o " + half, dir / "log2") == 0);
  REQUIRE(run_foliosim("compare " + a + " " + half + " -o " + (dir / "ab").string(), dir / "ab.log") == 0);
  CHECK(slurp(dir / "ab.log").find("differences: none") == std::string::npos);
  CHECK(slurp(dir / "ab" / "report.md").find("| write calls | 256 | 128 (-50.0 %) |") != std::string::npos);
  CHECK(run_foliosim("compare " + a + " " + (dir / "missing").string(), dir / "log3") == 2);
  fs::remove_all(dir);
}

TEST_CASE("without gnuplot the run succeeds, writes the CSVs and scripts and says once how to draw them") {
  fs::path dir = scratch("no-gnuplot");
  const std::string out = (dir / "out").string();
  // No gnuplot on this PATH; foliosim itself is named by its full path.
  REQUIRE(run_foliosim("run " + kDirectScenario + " -o " + out, dir / "log", {}, "PATH=/nonexistent") == 0);
  const std::string log = slurp(dir / "log");
  const auto hint = log.find("apt-get install gnuplot-nox");
  REQUIRE(hint != std::string::npos);
  CHECK(log.find("apt-get install gnuplot-nox", hint + 1) == std::string::npos);
  CHECK(log.find("foliosim plot " + out) != std::string::npos);
  for (const auto& plot : foliosim::plot_list()) {
    CHECK(fs::exists(dir / "out" / "plots" / (plot.name + ".gp")));
    CHECK_FALSE(fs::exists(dir / "out" / "plots" / (plot.name + ".png")));
  }
  CHECK(fs::exists(dir / "out" / "plots" / "data" / "page_cache.qd1.csv"));
  CHECK(slurp(dir / "out" / "report.md").find("Plots not drawn") != std::string::npos);

  // `plot` draws them later, and the report's note goes.
  CHECK(run_foliosim("plot " + out, dir / "plot.log", {}, "PATH=/nonexistent") == 2);
  REQUIRE(run_foliosim("plot " + out, dir / "plot.log") == 0);
  for (const auto& plot : foliosim::plot_list()) check_png(dir / "out" / "plots" / (plot.name + ".png"));
  CHECK(slurp(dir / "out" / "report.md").find("Plots not drawn") == std::string::npos);
  CHECK(run_foliosim("plot " + (dir / "nothing").string(), dir / "plot2.log") == 2);
  fs::remove_all(dir);
}

TEST_CASE("no progress bar when stderr is not a terminal") {
  fs::path dir = scratch("no-progress");
  REQUIRE(run_foliosim("run " + kDirectScenario + " -o " + (dir / "out").string(), dir / "out.log", dir / "err.log") ==
          0);
  CHECK(slurp(dir / "err.log").empty());
  fs::remove_all(dir);
}
