// The progress bar's text and the run length it measures against.
#include "sim/output/progress_bar.hpp"

#include <doctest/doctest.h>

#include "tests/test_support.hpp"

using foliosim::RunLengthEstimate;
using foliosim::test::MiB;

TEST_CASE("a direct job's run length: its calls wait for the device one at a time") {
  // 256 calls of 1 MiB at 95 us each plus 256 MiB at 3 GB/s: 24.32 ms +
  // 89.48 ms = 113.8 ms (direct_queue_depth's run ends at 118.6 ms: CPU time is left out).
  foliosim::Scenario s = foliosim::test::bare_scenario();
  s.devices[0].request_latency_s = 95e-6;
  s.devices[0].request_overhead_s = 0;
  s.devices[0].write_bandwidth_Bps = 3e9;
  s.jobs.push_back(foliosim::test::direct_job("w", MiB, 256 * MiB));
  RunLengthEstimate e = foliosim::estimate_run_length(s);
  CHECK_FALSE(e.from_run_for);
  CHECK(e.end_s == doctest::Approx(256 * 95e-6 + 256.0 * MiB / 3e9));

  // Buffered, two clones starting 1 s late: 512 MiB at 3 GB/s after 1 s.
  s.jobs[0] = foliosim::test::buffered_job("w", MiB, 256 * MiB);
  s.jobs[0].numjobs = 2;
  s.jobs[0].startdelay_s = 1;
  CHECK(foliosim::estimate_run_length(s).end_s == doctest::Approx(1 + 512.0 * MiB / 3e9));

  s.run_for_s = 30;
  e = foliosim::estimate_run_length(s);
  CHECK(e.from_run_for);
  CHECK(e.end_s == 30);
}

TEST_CASE("the progress line: fraction of the end, the guess marked, past the guess held at 99 %") {
  const RunLengthEstimate guess{2.0, false};
  const std::string half = foliosim::progress_line(0, 2, "qd128", 1.0, guess);
  CHECK(half == "[1/2] qd128      [##########----------]  50%  1 of ~2 s simulated");
  const std::string past = foliosim::progress_line(1, 2, "qd1", 3.0, guess);
  CHECK(past.find(" 99%") != std::string::npos);
  CHECK(past.find("3 s simulated, guessed ~2 s") != std::string::npos);
  CHECK(foliosim::progress_line(1, 2, "qd1", 12.3, {6.32, false}).size() < 80);
  const RunLengthEstimate run_for{30, true};
  CHECK(foliosim::progress_line(0, 1, "base", 30, run_for).find("100%  30 of 30 s simulated") != std::string::npos);
  CHECK(foliosim::progress_line(0, 1, "base", 3, run_for, 20).size() == 20);
}
