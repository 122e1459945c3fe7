#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "models/filesystem/filesystem.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::filesystem;
using namespace foliosim::test;

TEST_CASE("blocks are allocated in write order, rewrites reuse them") {
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

namespace {

// Six 4 KiB writes 64 KiB apart on XFS, as in the seed thread's sparse,
// file-extending stream. Returns the bytes zeroed before each write.
std::vector<std::uint64_t> sparse_stream(Filesystem& fs, File& f, std::uint64_t length = 4 * KiB) {
  std::vector<std::uint64_t> zeroed;
  for (std::uint64_t i = 0; i < 6; ++i) {
    std::uint64_t bytes = 0;
    for (const auto& r : fs.zero_for_extension(f, i * 64 * KiB)) bytes += r.length_bytes;
    zeroed.push_back(bytes);
    fs.buffered_write(f, i * 64 * KiB, length);
  }
  return zeroed;
}

FilesystemParams xfs(Zeroing zeroing) {
  FilesystemParams p;
  p.device = "dev0";
  p.zeroing = zeroing;
  return p;
}

}  // namespace

TEST_CASE("XFS zeroing of sparse extending writes, before and since 6.10") {
  // w0 at 0 and w1 at 64K: the gaps are holes (no preallocation under 64 KiB).
  // w2 at 128K: i_size 68K >= 64K, the write lands in a hole: preallocate
  // rounddown_pow_of_two(17 blocks) = 16 blocks of delalloc, blocks 33-48.
  // w3 at 192K: the gap [132K, 192K) is 15 of those delalloc blocks.
  // w4 at 256K: gap 49-63 is a hole; the write preallocates 32 blocks, 65-96.
  // w5 at 320K: the gap [260K, 320K) is 15 delalloc blocks again.
  SUBCASE("before 6.10 the delalloc gap is zeroed through the page cache") {
    Filesystem fs(xfs(Zeroing::kBefore6_10), 1 * GiB);
    File& f = fs.open("f");
    CHECK(sparse_stream(fs, f) == std::vector<std::uint64_t>{0, 0, 0, 60 * KiB, 0, 60 * KiB});
    CHECK(fs.summary(f).unwritten_bytes == 0);
  }
  SUBCASE("since 6.10 it becomes unwritten and nothing is zeroed") {
    Filesystem fs(xfs(Zeroing::kSince6_10), 1 * GiB);
    File& f = fs.open("f");
    CHECK(sparse_stream(fs, f) == std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0});
    CHECK(fs.summary(f).unwritten_bytes == 120 * KiB);
    CHECK(f.size_bytes == 5 * 64 * KiB + 4 * KiB);
  }
  SUBCASE("a partial EOF block is zeroed in both eras") {
    // 1000-byte writes: before each extension the tail of the EOF block,
    // 4096 - 1000 bytes, is zeroed; before 6.10 the delalloc gaps too.
    Filesystem since(xfs(Zeroing::kSince6_10), 1 * GiB);
    File& a = since.open("a");
    CHECK(sparse_stream(since, a, 1000) == std::vector<std::uint64_t>{0, 3096, 3096, 3096, 3096, 3096});
    Filesystem before(xfs(Zeroing::kBefore6_10), 1 * GiB);
    File& b = before.open("b");
    // i_size 64K+1000 at w2: rounddown_pow_of_two(17 blocks) = 16 blocks again.
    CHECK(sparse_stream(before, b, 1000) ==
          std::vector<std::uint64_t>{0, 3096, 3096, 3096 + 60 * KiB, 3096, 3096 + 60 * KiB});
  }
  SUBCASE("ext4 zeroes nothing and preallocates nothing") {
    FilesystemParams p = xfs(Zeroing::kBefore6_10);
    p.type = FilesystemKind::kExt4;
    Filesystem fs(p, 1 * GiB);
    File& f = fs.open("f");
    CHECK(sparse_stream(fs, f) == std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0});
    CHECK(fs.summary(f).delalloc_bytes == 6 * 4 * KiB);
  }
}

TEST_CASE("writeback turns delalloc and unwritten extents into written ones") {
  Filesystem fs(xfs(Zeroing::kSince6_10), 1 * GiB);
  File& f = fs.open("f");
  fs.buffered_write(f, 0, 8 * KiB);
  CHECK(fs.summary(f).delalloc_bytes == 8 * KiB);
  CHECK(fs.allocated_bytes() == 0);  // delayed allocation: nothing on disk yet
  auto segments = fs.map_for_write(f, 0, 8 * KiB);
  REQUIRE(segments.size() == 1);
  CHECK(segments[0].length_bytes == 8 * KiB);
  CHECK(fs.summary(f).written_bytes == 8 * KiB);
  CHECK(fs.summary(f).delalloc_bytes == 0);
  CHECK(fs.summary(f).extents == 1);
}

TEST_CASE("sequential buffered writes and their writeback keep a file in one extent") {
  FilesystemParams p;
  p.device = "dev0";
  p.speculative_prealloc = false;
  Filesystem fs(p, 1 * GiB);
  File& f = fs.open("f");
  for (std::uint64_t i = 0; i < 256; ++i) fs.buffered_write(f, i * 4 * KiB, 4 * KiB);
  CHECK(fs.summary(f).extents == 1);
  CHECK(fs.summary(f).delalloc_bytes == 1 * MiB);
  for (std::uint64_t i = 0; i < 16; ++i) fs.map_for_write(f, i * 64 * KiB, 64 * KiB);
  CHECK(fs.summary(f).extents == 1);
  CHECK(fs.summary(f).written_bytes == 1 * MiB);
}
