#include <doctest/doctest.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "models/filesystem/filesystem.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::filesystem;
using namespace foliosim::test;

TEST_CASE("ext4: blocks are allocated in write order, rewrites reuse them") {
  FilesystemParams params;
  params.device = "dev0";
  params.type = FilesystemKind::kExt4;
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
  // w2 at 128K (block 32): i_size 68K >= 64K, but the write follows a hole:
  // the least preallocation, 16 blocks from its 64 KiB granule, to block 48
  // (xfs_iomap_prealloc_size): delalloc 33-47.
  // w3 at 192K (block 48): the gap [132K, 192K) is those 15 delalloc blocks;
  // the write follows the delalloc extent 32-47: twice its 16 blocks, 32,
  // from block 48: delalloc 49-79.
  // w4 at 256K and w5 at 320K: the gaps [196K, 256K) and [260K, 320K) are
  // delalloc, 15 blocks each; w4 lands inside the reservation, w5 at its end
  // (block 80) reserves twice the 48 blocks before it, rounded down: 64.
  SUBCASE("before 6.10 the delalloc gap is zeroed through the page cache") {
    Filesystem fs(xfs(Zeroing::kBefore6_10), 1 * GiB);
    File& f = fs.open("f");
    CHECK(sparse_stream(fs, f) == std::vector<std::uint64_t>{0, 0, 0, 60 * KiB, 60 * KiB, 60 * KiB});
    CHECK(fs.summary(f).unwritten_bytes == 0);
    CHECK(fs.summary(f).delalloc_bytes == (80 + 64 - 32 + 2) * 4 * KiB);  // blocks 0, 16, 32-143
  }
  SUBCASE("since 6.10 it becomes unwritten and nothing is zeroed") {
    Filesystem fs(xfs(Zeroing::kSince6_10), 1 * GiB);
    File& f = fs.open("f");
    CHECK(sparse_stream(fs, f) == std::vector<std::uint64_t>{0, 0, 0, 0, 0, 0});
    // w3's zeroing converts the delalloc extent 32-47 whole (w2's block with
    // it: xfs_bmapi_convert_delalloc starts at the extent's start), w4's
    // 48-79: 48 blocks unwritten.
    CHECK(fs.summary(f).unwritten_bytes == 48 * 4 * KiB);
    CHECK(f.size_bytes == 5 * 64 * KiB + 4 * KiB);
  }
  SUBCASE("a partial EOF block is zeroed in both eras") {
    // 1000-byte writes: before each extension the tail of the EOF block,
    // 4096 - 1000 bytes, is zeroed; before 6.10 the delalloc gaps too, as
    // with whole blocks.
    Filesystem since(xfs(Zeroing::kSince6_10), 1 * GiB);
    File& a = since.open("a");
    CHECK(sparse_stream(since, a, 1000) == std::vector<std::uint64_t>{0, 3096, 3096, 3096, 3096, 3096});
    Filesystem before(xfs(Zeroing::kBefore6_10), 1 * GiB);
    File& b = before.open("b");
    CHECK(sparse_stream(before, b, 1000) ==
          std::vector<std::uint64_t>{0, 3096, 3096, 3096 + 60 * KiB, 3096 + 60 * KiB, 3096 + 60 * KiB});
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

namespace {
// The file's extents as (file block, device block, blocks).
using Row = std::array<std::uint64_t, 3>;
std::vector<Row> extents_of(const File& f) {
  std::vector<Row> out;
  for (const auto& [first, e] : f.extents) out.push_back({first, e.device_block, e.blocks});
  return out;
}

// 256 MiB written in 1 MiB calls, each written back at once (a dontcache
// write's kick) or none.
void write_256_mib(Filesystem& fs, File& f, bool kick) {
  for (std::uint64_t i = 0; i < 256; ++i) {
    fs.buffered_write(f, i * MiB, 1 * MiB);
    if (kick) fs.map_for_write(f, i * MiB, 1 * MiB);
  }
}
}  // namespace

// What the kernel (6.18) did on a fresh 2 GiB XFS (4 AGs of 131072 blocks,
// the log in AG 2), traced with xfs_iomap_prealloc_size and
// xfs_alloc_vextent_finish, and read back with xfs_bmap -v.
TEST_CASE("XFS: 1 MiB writes, each written back at once, fill AG 0 in doubling allocations, then AG 1") {
  Filesystem fs(xfs(Zeroing::kSince6_10), 2 * GiB);
  File& f = fs.open("f");
  write_256_mib(fs, f, true);
  // The first write: 256 blocks at AG 0's first free block, 24. The second
  // reserves twice that past its last 64 KiB granule (block 496 + 512 =
  // 1008), converted whole: 752 blocks; then 1024, 2048, ... 32768, each
  // exactly at the end of the last, to file block 65520 = device 65544. The
  // next, 65536 blocks, does not fit in the 65528 left of AG 0 less its
  // 918 reserved: AG 1, after its 10 header blocks.
  // The last allocation: 16 blocks written, the rest unwritten past EOF.
  CHECK(extents_of(f) == std::vector<Row>{{0, 24, 65520}, {65520, 131082, 16}, {65536, 131098, 65520}});
  CHECK(fs.summary(f).written_bytes == 256 * MiB);
  // So the last write is two requests: 240 blocks in AG 0, 16 in AG 1.
  const auto last = fs.map_for_read(f, 255 * MiB, 1 * MiB);
  REQUIRE(last.size() == 2);
  CHECK(last[0].length_bytes == 240 * 4 * KiB);
  CHECK(last[1].device_offset_bytes == (131072 + 10) * 4 * KiB);
}

TEST_CASE("XFS: 256 MiB written then written back at once: one allocation, in the AG that holds it") {
  Filesystem fs(xfs(Zeroing::kSince6_10), 2 * GiB);
  File& f = fs.open("f");
  write_256_mib(fs, f, false);
  // The reservations doubled as above, merged into one delalloc extent of
  // 65520 + 65536 = 131056 blocks (the kernel's last prealloc was 65536).
  CHECK(fs.summary(f).delalloc_bytes == 131056 * 4 * KiB);
  fs.map_for_write(f, 0, 256 * MiB);  // fsync
  // The longest usable extent is AG 1's (131062 free less 918 reserved =
  // 130144; AG 0's 131048 gives 130130): one allocation of 130144 blocks
  // at AG 1's block 10, as the kernel's xfs_alloc_vextent_finish showed; the
  // 912 blocks left past it stay delalloc, never written.
  CHECK(extents_of(f) == std::vector<Row>{{0, 131082, 65536}, {65536, 196618, 130144 - 65536}, {130144, 0, 912}});
  CHECK(fs.summary(f).delalloc_bytes == 912 * 4 * KiB);
}

namespace {
Filesystem ext4_of(std::uint64_t capacity_bytes) {
  FilesystemParams params;
  params.device = "dev0";
  params.type = FilesystemKind::kExt4;
  return Filesystem(params, capacity_bytes);
}
}  // namespace

TEST_CASE("ext4: a fresh filesystem's free blocks are what dumpe2fs reports after mkfs.ext4") {
  // Block count less Free blocks of mkfs.ext4 1.47 (defaults) on each size:
  // bitmaps and inode tables per group, the journal, the backup groups'
  // descriptors, the root directory, lost+found and the resize inode.
  CHECK(ext4_of(256 * MiB).free_blocks() == 57268);  // mkfs.ext4 -b 4096: 4 KiB blocks, an inode per 4 KiB
  CHECK(ext4_of(600 * MiB).free_blocks() == 146860);  // a last group of 22528 blocks
  CHECK(ext4_of(2 * GiB).free_blocks() == 498132);
  CHECK(ext4_of(16 * GiB).free_blocks() == 4084441);
  CHECK(ext4_of(100 * GiB).free_blocks() == 25656552);
  // XFS's headers and log are its allocation groups' reserved runs instead.
  FilesystemParams xfs;
  xfs.device = "dev0";
  CHECK(Filesystem(xfs, 2 * GiB).free_blocks() == 2 * GiB / (4 * KiB));
}

TEST_CASE("ext4_nonda_switch: delalloc over half the free blocks pushes writeback, over two thirds allocates at once") {
  // 2 GiB: 498132 free blocks, a watermark of 4 x 32 x 2 = 256 blocks on 2 CPUs.
  Filesystem fs = ext4_of(2 * GiB);
  File& f = fs.open("f");
  CHECK_FALSE(fs.delalloc_space(2).push_writeback);  // nothing reserved
  fs.buffered_write(f, 0, 249066 * 4 * KiB);         // 2 x 249066 = 498132: not yet more than free
  CHECK(fs.delalloc_blocks() == 249066);
  CHECK(fs.free_blocks() == 498132);  // reservations do not lower the free count
  CHECK_FALSE(fs.delalloc_space(2).push_writeback);
  fs.buffered_write(f, 249066 * 4 * KiB, 4 * KiB);
  CHECK(fs.delalloc_space(2).push_writeback);
  CHECK_FALSE(fs.delalloc_space(2).allocate_now);
  // 3 x 332088 = 2 x 498132: one block more and writes allocate at once.
  fs.buffered_write(f, 249067 * 4 * KiB, (332088 - 249067) * 4 * KiB);
  CHECK_FALSE(fs.delalloc_space(2).allocate_now);
  fs.buffered_write(f, 332088 * 4 * KiB, 4 * KiB);
  CHECK(fs.delalloc_space(2).allocate_now);
  // Such a write gets unwritten blocks: no reservation, fewer free blocks.
  fs.buffered_write(f, 332089 * 4 * KiB, 8 * KiB, /*allocate_now=*/true);
  CHECK(fs.delalloc_blocks() == 332089);
  CHECK(fs.free_blocks() == 498132 - 2);
  CHECK(fs.summary(f).unwritten_bytes == 8 * KiB);
  // Writeback allocates the reservation: both counts fall, and the push stops.
  fs.map_for_write(f, 0, 332089 * 4 * KiB);
  CHECK(fs.delalloc_blocks() == 0);
  CHECK(fs.free_blocks() == 498132 - 332091);
  CHECK_FALSE(fs.delalloc_space(2).push_writeback);
}

TEST_CASE("ext4_nonda_switch: the free-cluster watermark grows with the CPUs") {
  // 256 MiB: 57268 free blocks. 30000 reserved is under two thirds of them,
  // but within 4 x 128 x 64 = 32768 blocks (64 CPUs) of them, not 256 (2 CPUs).
  Filesystem fs = ext4_of(256 * MiB);
  File& f = fs.open("f");
  fs.buffered_write(f, 0, 30000 * 4 * KiB);
  CHECK(fs.delalloc_space(2).push_writeback);
  CHECK_FALSE(fs.delalloc_space(2).allocate_now);
  CHECK(fs.delalloc_space(64).allocate_now);
}

TEST_CASE("XFS on a fresh mount: the first create and each group's first allocation read their metadata") {
  Filesystem fs(xfs(Zeroing::kSince6_10), 2 * GiB);  // AGs of 131072 blocks
  // The first create: inode and free-inode btree roots (AG blocks 4 and 3),
  // the 16 KiB inode cluster at block 16; the next creates nothing.
  const auto create = fs.create_reads();
  REQUIRE(create.size() == 3);
  CHECK(create[0].device_offset_bytes == 4 * 4 * KiB);
  CHECK(create[1].device_offset_bytes == 3 * 4 * KiB);
  CHECK(create[2].device_offset_bytes == 16 * 4 * KiB);
  CHECK(create[2].length_bytes == 16 * KiB);
  CHECK(fs.create_reads().empty());

  File& a = fs.open("a");
  File& b = fs.open("b");
  fs.buffered_write(a, 0, 1 * MiB);
  fs.buffered_write(b, 0, 1 * MiB);
  CHECK_FALSE(fs.has_metadata_reads());
  // a's first allocation, in AG 0: its AGFL sector and its two free-space
  // btree roots, 512 + 4096 + 4096 bytes; AG 0 is held from the take on.
  fs.map_for_write(a, 0, 1 * MiB);
  const auto first = fs.take_metadata_reads();
  REQUIRE(first.reads.size() == 3);
  CHECK(first.reads[0].device_offset_bytes == 3 * 512);
  CHECK(first.reads[0].length_bytes == 512);
  CHECK(first.reads[1].device_offset_bytes == 2 * 4 * KiB);
  CHECK(first.reads[2].device_offset_bytes == 1 * 4 * KiB);
  CHECK(first.groups == std::vector<std::size_t>{0});
  // Meanwhile b allocates: AG 0 is passed over (the trylock pass), so b
  // starts AG 1 after its 10 header blocks and reads AG 1's headers.
  const auto b_first = fs.map_for_write(b, 0, 1 * MiB);
  CHECK(b_first[0].device_offset_bytes == (131072 + 10) * 4 * KiB);
  const auto second = fs.take_metadata_reads();
  REQUIRE(second.reads.size() == 3);
  CHECK(second.reads[0].device_offset_bytes == 131072 * 4 * KiB + 3 * 512);
  CHECK(second.groups == std::vector<std::size_t>{1});
  fs.release_groups(first.groups);
  fs.release_groups(second.groups);
  // A third file, once AG 0 is free again: near the inode, in AG 0, nothing read.
  File& c = fs.open("c");
  fs.buffered_write(c, 0, 1 * MiB);
  CHECK(fs.map_for_write(c, 0, 1 * MiB)[0].device_offset_bytes < 131072 * 4 * KiB);
  CHECK_FALSE(fs.has_metadata_reads());
}

TEST_CASE("metadata reads: none long after mount, ext4's once, none for files laid out before mount") {
  FilesystemParams cached = xfs(Zeroing::kSince6_10);
  cached.fresh_mount = false;
  Filesystem long_mounted(cached, 2 * GiB);
  CHECK(long_mounted.create_reads().empty());
  File& f = long_mounted.open("f");
  long_mounted.buffered_write(f, 0, 1 * MiB);
  long_mounted.map_for_write(f, 0, 1 * MiB);
  CHECK_FALSE(long_mounted.has_metadata_reads());

  // ext4 (traced on a fresh 2 GiB one): the directory block and the inode
  // bitmap at the first create; the three block bitmaps mballoc prefetches
  // at the first allocation, then nothing.
  Filesystem ext4 = ext4_of(2 * GiB);
  CHECK(ext4.create_reads().size() == 2);
  File& e = ext4.open("e");
  ext4.buffered_write(e, 0, 2 * MiB);
  ext4.map_for_write(e, 0, 1 * MiB);
  const auto bitmaps = ext4.take_metadata_reads();
  REQUIRE(bitmaps.reads.size() == 3);
  CHECK(bitmaps.reads[0].device_offset_bytes == 257 * 4 * KiB);
  CHECK(bitmaps.reads[2].device_offset_bytes == 272 * 4 * KiB);
  ext4.release_groups(bitmaps.groups);
  ext4.map_for_write(e, 1 * MiB, 1 * MiB);
  CHECK_FALSE(ext4.has_metadata_reads());

  // A file there before the run: its AG's headers are still read by the
  // run's first allocation there.
  Filesystem fresh(xfs(Zeroing::kSince6_10), 2 * GiB);
  File& old = fresh.open("old");
  fresh.lay_out(old, 1 * MiB, Layout::kContiguous, 1, {});
  CHECK_FALSE(fresh.has_metadata_reads());
  File& n = fresh.open("new");
  fresh.buffered_write(n, 0, 1 * MiB);
  fresh.map_for_write(n, 0, 1 * MiB);
  CHECK(fresh.take_metadata_reads().groups == std::vector<std::size_t>{0});
}

TEST_CASE("XFS: writes inside its speculative preallocation leave the extents as they are") {
  Filesystem fs(xfs(Zeroing::kSince6_10), 1 * GiB);
  File& f = fs.open("f");
  // 64 KiB of file, then a write past it: the reservation runs on from the
  // write's 64 KiB granule (64 KiB) for twice the 64 KiB extent before it, to 192 KiB.
  fs.buffered_write(f, 0, 64 * KiB);
  fs.buffered_write(f, 64 * KiB, 64 * KiB);
  const std::vector<Row> reserved = extents_of(f);
  REQUIRE(reserved.size() == 1);
  CHECK(reserved[0][2] * 4 * KiB == 192 * KiB);
  CHECK(fs.summary(f).delalloc_bytes == 192 * KiB);
  for (std::uint64_t at = 128 * KiB; at < 192 * KiB; at += 16 * KiB) fs.buffered_write(f, at, 16 * KiB);
  CHECK(extents_of(f) == reserved);
  CHECK(fs.summary(f).delalloc_bytes == 192 * KiB);
  CHECK(f.size_bytes == 192 * KiB);

  // Writeback of the first 64 KiB allocates the whole reservation (the rest
  // unwritten); a write into the unwritten part changes no extent either.
  fs.map_for_write(f, 0, 64 * KiB);
  const std::vector<Row> mapped = extents_of(f);
  REQUIRE(mapped.size() == 2);
  CHECK(mapped[0] == Row{0, mapped[0][1], 16});
  CHECK(mapped[1] == Row{16, mapped[0][1] + 16, 32});
  fs.buffered_write(f, 64 * KiB, 64 * KiB);
  CHECK(extents_of(f) == mapped);
  CHECK(fs.summary(f).delalloc_bytes == 0);
  CHECK(fs.summary(f).written_bytes == 64 * KiB);

  // Writeback of the next 64 KiB, the front of the unwritten rest: the
  // written extent grows over it, on the device where the rest began; the
  // conversion is a transaction (the log is written at the next commit).
  (void)fs.commit();
  const std::uint64_t device = mapped[0][1];
  const Segments next = fs.map_for_write(f, 64 * KiB, 64 * KiB);
  REQUIRE(next.size() == 1);
  CHECK(next[0].device_offset_bytes == (device + 16) * 4 * KiB);
  CHECK(next[0].length_bytes == 64 * KiB);
  CHECK(extents_of(f) == std::vector<Row>{{0, device, 32}, {32, device + 32, 16}});
  CHECK_FALSE(fs.commit().empty());
  // The last 64 KiB is the whole unwritten rest: one written extent.
  const Segments last = fs.map_for_write(f, 128 * KiB, 64 * KiB);
  REQUIRE(last.size() == 1);
  CHECK(last[0].device_offset_bytes == (device + 32) * 4 * KiB);
  CHECK(extents_of(f) == std::vector<Row>{{0, device, 48}});
  CHECK(fs.summary(f).written_bytes == 192 * KiB);
  CHECK(fs.summary(f).unwritten_bytes == 0);
}
