// A freshly mounted XFS reads the metadata its first create and each
// allocation group's first allocation need (traced on the kernel with
// tracefs xfs_buf_read and block_rq_issue: 6 reads of 32.5 KiB for one file,
// and a second writer's first allocation in AG 1 while the first writer
// held AG 0's header). Values worked out by hand on the bare scenario: no
// CPU cost, 95 us a request plus 3 GB/s, blk-wbt off.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

Json one_file(bool fresh_mount) {
  Scenario s = bare_scenario();
  s.devices[0].capacity_bytes = 2 * GiB;
  s.filesystem.fresh_mount = fresh_mount;
  return fsynced_writer(s, 1 * MiB, 4 * MiB);
}

// Two dontcache writers of 4 MiB in 1 MiB calls; the second starts
// `delay_s` after the first.
Json two_writers(double delay_s) {
  Scenario s = bare_scenario();
  s.devices[0].capacity_bytes = 2 * GiB;
  s.filesystem.fresh_mount = true;
  auto first = buffered_job("a", 1 * MiB, 4 * MiB);
  first.mode = workload::IoMode::kDontcache;
  auto second = first;
  second.name = "b";
  second.startdelay_s = delay_s;
  s.jobs = {first, second};
  return simulate_isolated(s).summary;
}

}  // namespace

TEST_CASE("XFS on a fresh mount: the create and the first allocation wait for their metadata reads") {
  const Json fresh = one_file(true), cached = one_file(false);
  // The create: 4 + 4 + 16 KiB; the first allocation (at fsync): 0.5 + 4 + 4 KiB.
  CHECK(fresh["device_read_requests"] == 6);
  CHECK(fresh["device_read_bytes"] == 24 * KiB + 8704);
  CHECK(cached["device_read_requests"] == 0);
  // fsync reads AG 0's three headers, one after another, before the data.
  const double headers_s = 3 * 95e-6 + 8704 / 3e9;
  CHECK(fresh["fsync_latency_us"]["max"].get<double>() - cached["fsync_latency_us"]["max"].get<double>() ==
        doctest::Approx(headers_s * 1e6).epsilon(1e-5));  // summary: ns
  // The calls themselves read nothing (the create came before the first).
  CHECK(fresh["write_latency_us"]["max"] == cached["write_latency_us"]["max"]);
}

TEST_CASE("XFS on a fresh mount: a second writer's first allocation passes over the group whose header is held") {
  // Together: the second waits for the create's reads (the AGI lock), then
  // its first kick allocates while the first writer reads AG 0's headers, so
  // it takes AG 1 and reads AG 1's: 3 + 3 + 3 reads.
  const Json together = two_writers(0);
  CHECK(together["device_read_requests"] == 9);
  CHECK(together["device_read_bytes"] == 24 * KiB + 2 * 8704);
  // 10 ms later AG 0 is free: both files in AG 0, its headers read once.
  const Json apart = two_writers(0.01);
  CHECK(apart["device_read_requests"] == 6);
}
