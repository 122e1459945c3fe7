// report.md's parts that depend on what a run recorded.
#include "sim/output/report.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "tests/cli_support.hpp"

using foliosim::Json;

TEST_CASE("tail attribution: a table when recorded, a sentence when not") {
  Json with = Json::parse(R"({"tail_attribution": {"cpu": 1e-5, "device_service": 3e-5},
                              "tail_attribution_writes": 2})");
  const std::string table = foliosim::attribution_section({{"qd128", with, -1}, {"qd1", Json::object(), 0}});
  CHECK(table.find("| component | qd128 | qd1 |") != std::string::npos);
  CHECK(table.find("| tail writes | 2 | – |") != std::string::npos);
  CHECK(table.find("| cpu | 10 µs (25.0 %) | – |") != std::string::npos);
  CHECK(table.find("| device_service | 30 µs (75.0 %) | – |") != std::string::npos);
  const std::string none = foliosim::attribution_section({{"qd128", Json::object(), -1}});
  CHECK(none.find("not available for this run") != std::string::npos);
}

TEST_CASE("once the plots are drawn, the report's note that they are not goes, and only it") {
  foliosim::ReportInput input;
  input.title = "t";
  input.results_dir = "results/t";
  input.columns = {{"base", Json{{"sim_time_s", 1.0}}, -1}};
  const std::string without = foliosim::report_markdown(input);
  CHECK(without.find("Plots not drawn") != std::string::npos);
  input.plots_drawn = true;
  const std::string with = foliosim::report_markdown(input);

  const auto dir = foliosim::test::scratch("report-note");
  std::ofstream(dir / "report.md") << without;
  foliosim::mark_plots_drawn(dir / "report.md");
  CHECK(foliosim::test::slurp(dir / "report.md") == with);
  foliosim::mark_plots_drawn(dir / "nothing.md");  // no report: nothing happens
  std::filesystem::remove_all(dir);
}
