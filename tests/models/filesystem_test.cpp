#include <doctest/doctest.h>

#include <stdexcept>

#include "models/filesystem/filesystem.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::filesystem;
using namespace foliosim::test;

TEST_CASE("blocks are allocated in write order; rewrites reuse them") {
  FilesystemParams params;
  params.device = "dev0";
  Filesystem fs(params, 1 * GiB);
  File& a = fs.open("a");
  File& b = fs.open("b");
  auto s1 = fs.map_for_write(a, 0, 8 * KiB);
  auto s2 = fs.map_for_write(b, 0, 4 * KiB);
  auto s3 = fs.map_for_write(a, 8 * KiB, 4 * KiB);
  REQUIRE(s1.size() == 1);
  CHECK(s1[0].device_offset_bytes == 0);
  CHECK(s1[0].length_bytes == 8 * KiB);
  CHECK(s2[0].device_offset_bytes == 8 * KiB);
  CHECK(s3[0].device_offset_bytes == 12 * KiB);
  // A write over a's two extents and a new block: three runs, the last two
  // contiguous on the device so they coalesce.
  auto s4 = fs.map_for_write(a, 4 * KiB, 12 * KiB);
  REQUIRE(s4.size() == 2);
  CHECK(s4[0].device_offset_bytes == 4 * KiB);
  CHECK(s4[0].length_bytes == 4 * KiB);
  CHECK(s4[1].device_offset_bytes == 12 * KiB);
  CHECK(s4[1].length_bytes == 8 * KiB);
  CHECK(a.size_bytes == 16 * KiB);
  CHECK(fs.allocated_bytes() == 20 * KiB);
}

TEST_CASE("a full device is ENOSPC") {
  FilesystemParams params;
  params.device = "dev0";
  Filesystem fs(params, 16 * KiB);
  File& a = fs.open("a");
  fs.map_for_write(a, 0, 16 * KiB);
  CHECK_THROWS_AS(fs.map_for_write(a, 16 * KiB, 4 * KiB), std::runtime_error);
}
