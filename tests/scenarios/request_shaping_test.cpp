// Requests as the block layer shapes them: max_segments against
// max_request_size, for O_DIRECT user pages and small folios, and the
// filesystem's log writes at fsync. The base scenario: max_request_size
// 1280 KiB, max_segments 128 (the loop device's).
#include <doctest/doctest.h>

#include <utility>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {
// The base scenario with `job`, fsynced at the end.
Scenario one_job(workload::JobParams job) {
  Scenario s = bare_scenario();
  job.end_fsync = true;
  s.jobs.push_back(job);
  return s;
}

// Requests and bytes the device wrote.
std::pair<std::uint64_t, std::uint64_t> written(const Scenario& s) {
  const Json r = simulate_isolated(s).summary;
  return {r["device_write_requests"].get<std::uint64_t>(), r["device_write_bytes"].get<std::uint64_t>()};
}
}  // namespace

TEST_CASE("an O_DIRECT 1 MiB call is two 512 KiB requests: 256 user pages, 128 segments each") {
  Scenario s = one_job(direct_job("w", 1 * MiB, 16 * MiB));
  SUBCASE("max_segments 128: 32 requests for 16 calls") {
    CHECK(written(s) == std::pair<std::uint64_t, std::uint64_t>{32, 16 * MiB});
  }
  SUBCASE("max_segments 256: a call fits one request (1 MiB < 1280 KiB)") {
    s.devices[0].max_segments = 256;
    CHECK(written(s).first == 16);
  }
}

TEST_CASE("4 KiB buffered writes make 4 KiB folios: writeback's requests are 128 of them, 512 KiB") {
  Scenario s = one_job(buffered_job("w", 4 * KiB, 16 * MiB));
  SUBCASE("max_segments 128: 16 MiB in 32 requests, none merging (128 + 128 > 128 segments)") {
    CHECK(written(s) == std::pair<std::uint64_t, std::uint64_t>{32, 16 * MiB});
  }
  SUBCASE("max_segments 1024: bytes bind; an ioend of 256 folios (1 MiB) per request") {
    // 1 MiB + 1 MiB > 1280 KiB: adjacent ioends do not merge.
    s.devices[0].max_segments = 1024;
    CHECK(written(s).first == 16);
  }
  SUBCASE("1 MiB writes make 1 MiB folios: max_request_size binds, as before") {
    // Whole ioends merge in the queue to 1280 KiB: 16 MiB / 1.25 MiB = 12.8, so 13.
    CHECK(written(one_job(buffered_job("w", 1 * MiB, 16 * MiB))).first == 13);
  }
}

TEST_CASE("fsync commits the transaction: the log writes follow the data as their own requests") {
  Scenario s = one_job(buffered_job("w", 4 * KiB, 16 * MiB));
  s.filesystem.log_writes = true;
  SUBCASE("XFS: one 3 KiB log record") {
    const Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_requests"] == 32 + 1);
    CHECK(r["device_log_write_bytes"] == 3 * KiB);
    CHECK(r["device_write_bytes"] == 16 * MiB + 3 * KiB);
  }
  SUBCASE("ext4: the journal superblock, descriptor + 5 metadata blocks + one group's bitmap, the commit block") {
    s.filesystem.type = filesystem::FilesystemKind::kExt4;
    const Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_requests"] == 32 + 3);
    CHECK(r["device_log_write_bytes"] == 36 * KiB);
  }
}

TEST_CASE("blocks follow the file offset: a sparse file's blocks are apart on the device, one request each") {
  // 256 writes of 4 KiB, 64 KiB apart, written back at fsync: each block
  // lands 15 blocks after the previous one (xfs_bmap_adjacent), so none is
  // adjacent to another and none merges.
  Scenario s = bare_scenario();
  auto job = buffered_job("w", 4 * KiB, 0);
  job.number_ios = 256;
  job.stride_bytes = 64 * KiB;
  job.end_fsync = true;
  s.filesystem.speculative_prealloc = false;  // no delalloc past EOF to fill the gaps
  s.jobs = {job};
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_write_bytes"] == 256 * 4 * KiB);
  CHECK(r["device_write_requests"] == 256);
}
