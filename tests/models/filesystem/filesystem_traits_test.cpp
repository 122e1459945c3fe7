// The per-filesystem tables against values worked out by hand: which of the
// scenario's cpu fields each one charges, its ioend limit, its behaviour.
#include <doctest/doctest.h>

#include <limits>

#include "models/filesystem/filesystem_traits.hpp"

using namespace foliosim;
using namespace foliosim::filesystem;

TEST_CASE("each filesystem's costs come from its own cpu fields") {
  // Each filesystem field a value of its own; the rest keep their defaults,
  // none of which is 1 to 10, so a table naming any other field shows.
  cpu::CpuCostParams c;
  c.xfs_write_per_call_s = 1;
  c.xfs_write_per_block_s = 2;
  c.xfs_writepages_per_call_s = 3;
  c.xfs_writepages_per_block_s = 4;
  c.ext4_write_per_call_s = 5;
  c.ext4_write_per_block_s = 6;
  c.ext4_writepages_per_call_s = 7;
  c.ext4_writepages_per_block_s = 8;
  c.xfs_writepages_per_folio_s = 9;
  c.ext4_writepages_per_folio_s = 10;
  const FilesystemTraits& xfs = traits_of(FilesystemKind::kXfs);
  const FilesystemTraits& ext4 = traits_of(FilesystemKind::kExt4);
  CHECK(xfs.write.of(c).per_call_s == 1);
  CHECK(xfs.write.of(c).per_block_s == 2);
  CHECK(xfs.writepages.of(c).per_call_s == 3);
  CHECK(xfs.writepages.of(c).per_block_s == 4);
  CHECK(ext4.write.of(c).per_call_s == 5);
  CHECK(ext4.write.of(c).per_block_s == 6);
  CHECK(ext4.writepages.of(c).per_call_s == 7);
  CHECK(ext4.writepages.of(c).per_block_s == 8);
  CHECK(xfs.writepages.of(c).per_folio_s == 9);
  CHECK(ext4.writepages.of(c).per_folio_s == 10);
  CHECK(xfs.write.of(c).per_folio_s == 0);  // the write path has no cost of its own per folio
}

TEST_CASE("ioend limits: XFS only its bio's folios, ext4 2048 blocks") {
  const FilesystemTraits& xfs = traits_of(FilesystemKind::kXfs);
  const FilesystemTraits& ext4 = traits_of(FilesystemKind::kExt4);
  CHECK(xfs.ioend_max_pages(4096) == std::numeric_limits<std::uint64_t>::max());
  CHECK(ext4.ioend_max_pages(4096) == 2048);  // 8 MiB
  CHECK(ext4.ioend_max_pages(1024) == 512);   // 2048 blocks of 1 KiB: 2 MiB
}

TEST_CASE("XFS preallocates, zeroes and completes in a workqueue, ext4 charges buffer heads") {
  const FilesystemTraits& xfs = traits_of(FilesystemKind::kXfs);
  const FilesystemTraits& ext4 = traits_of(FilesystemKind::kExt4);
  CHECK(xfs.speculative_prealloc);
  CHECK(xfs.zeroes_before_extending_write);
  CHECK(xfs.always_completes_in_workqueue);
  CHECK_FALSE(ext4.speculative_prealloc);
  CHECK_FALSE(ext4.zeroes_before_extending_write);
  CHECK_FALSE(ext4.always_completes_in_workqueue);
  FilesystemParams p;
  p.ext4_buffer_head_bytes = 112;
  CHECK(xfs.cgroup_bytes_per_page(p) == 0);
  CHECK(ext4.cgroup_bytes_per_page(p) == 112);  // one 4 KiB block a page
  p.block_bytes = 1024;
  CHECK(ext4.cgroup_bytes_per_page(p) == 4 * 112);
}

TEST_CASE("filesystem traits: reclaim releases ext4's buffer heads per block, nothing of XFS's per block") {
  cpu::CpuCostParams costs;
  costs.ext4_release_per_block_s = 0.2e-6;
  costs.xfs_release_per_block_s = 0;
  filesystem::FilesystemParams params;
  params.block_bytes = 4096;
  CHECK(kExt4Traits.release_per_page_s(params, costs) == doctest::Approx(0.2e-6));
  CHECK(kXfsTraits.release_per_page_s(params, costs) == 0);
  params.block_bytes = 1024;  // four buffer heads a page
  CHECK(kExt4Traits.release_per_page_s(params, costs) == doctest::Approx(0.8e-6));
}
