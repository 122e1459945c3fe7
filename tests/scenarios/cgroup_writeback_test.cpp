// A memory cgroup with its own writeback domain (cgroup v2: mem_cgroup_wb_stats,
// mdtc_calc_avail, balance_dirty_pages over the stricter of two domains)
// against cgroup v1, where only the global limits throttle. Values worked
// out by hand on the bare scenario (no CPU cost, 95 us a request plus 3 GB/s).
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// 1 GiB in 1 MiB buffered calls under a 256 MiB memory cgroup, then fsync.
Json under_limit(bool cgroup_writeback) {
  Scenario s = bare_scenario();
  s.page_cache.memory_limit_bytes = 256 * MiB;
  s.page_cache.cgroup_writeback = cgroup_writeback;
  return fsynced_writer(s, 1 * MiB, 1 * GiB);
}

}  // namespace

TEST_CASE("cgroup writeback: the cgroup's dirty limit holds the writer to a fifth of what it may dirty") {
  // The cgroup may dirty at most its 65536 pages (its file pages plus its
  // headroom below the limit): its threshold is at most 20 % of that, 13107
  // pages, and a writer checks after each call, so it may pass it by one
  // call's 256 pages.
  const Json v2 = under_limit(true);
  const double page = 4096;
  CHECK(v2["peak_between_writes"]["dirty_bytes"].get<double>() / page <= 13107 + 256);
  CHECK(v2["write_latency_split_mean_us"]["throttle"].get<double>() > 0);
  CHECK(v2["app_write_bytes"] == 1 * GiB);
  // cgroup v1: the global thresholds (gigabytes here) never throttle; the
  // cgroup fills with dirty pages and its reclaim waits on writeback.
  const Json v1 = under_limit(false);
  CHECK(v1["peak_between_writes"]["dirty_bytes"].get<double>() / page > 4 * 13107);
  CHECK(v1["write_latency_split_mean_us"]["throttle"] == 0);
  CHECK(v1["write_latency_split_mean_us"]["reclaim"].get<double>() > 0);
}
