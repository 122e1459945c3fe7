// ext4 short of free space (ext4_nonda_switch): a buffered writer whose
// delayed allocation holds half the filesystem's free blocks waits while the
// flusher writes back every dirty page, as the kernel did for a 1 GiB file on
// a 2 GiB loop device (traced: writeback_queue reason=fs_free_space,
// nr_pages=250131, the writer's call 244 ms). Values worked out by hand on
// the bare scenario: no CPU cost, 95 us a request plus 3 GB/s, requests of
// up to 1280 KiB, 128 in flight.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// 1 GiB in 4 MiB calls on a 2 GiB device, then fsync.
Json gigabyte_on_two(filesystem::FilesystemKind type) {
  Scenario s = bare_scenario();
  s.devices[0].capacity_bytes = 2 * GiB;
  s.filesystem.type = type;
  return fsynced_writer(s, 4 * MiB, 1 * GiB);
}

}  // namespace

TEST_CASE("ext4 short of free space: the writer waits once while every dirty page goes out; XFS does not") {
  // A fresh 2 GiB ext4 has 498132 free blocks (filesystem_test). Call k
  // starts with (k - 1) x 1024 blocks reserved; 2 x 244 x 1024 = 499712 is
  // the first past them, so call 245 pushes all 244 x 4 MiB = 976 MiB.
  const Json ext4 = gigabyte_on_two(filesystem::FilesystemKind::kExt4);
  const double wait_us = ext4["write_latency_split_mean_us"]["free_space_writeback"].get<double>() * 256;
  // The push ends when its last request is submitted: when the device has
  // room for it, with at most 128 requests of 1280 KiB (160 MiB) queued
  // behind the ones it finished; so between the time to write 816 and 976 MiB.
  CHECK(wait_us > (976.0 - 160) * MiB / 3e9 * 1e6);
  CHECK(wait_us < 976.0 * MiB / 3e9 * 1e6 + 95);
  // One call waited, the others cost nothing.
  CHECK(ext4["write_latency_us"]["max"].get<double>() == doctest::Approx(wait_us).epsilon(1e-6));
  CHECK(ext4["write_latency_us"]["p99"].get<double>() == 0);
  // Dirty at the end of the writes: the 12 calls after the push.
  CHECK(ext4["after_write_phase"]["dirty_bytes"] == 12 * 4 * MiB);
  CHECK(ext4["writeback_submitted_bytes"]["by_flusher"] == 976 * MiB);

  const Json xfs = gigabyte_on_two(filesystem::FilesystemKind::kXfs);
  CHECK(xfs["write_latency_split_mean_us"]["free_space_writeback"] == 0);
  CHECK(xfs["write_latency_us"]["max"] == 0);
  CHECK(xfs["after_write_phase"]["dirty_bytes"] == 1 * GiB);
}
