// XFS: iomap maps whole extents, reserves delalloc past EOF and zeroes the
// gap before a write past it.
#include <algorithm>

#include "models/filesystem/filesystem_traits.hpp"

namespace foliosim::filesystem {

using cpu::CpuCostParams;

namespace {
// xfs_log_force_seq: the CIL is pushed as one log record, written with
// REQ_PREFLUSH | REQ_FUA (xlog_sync); its size is a parameter (see
// xfs_log_record_bytes), the allocation groups touched are among its items.
std::vector<std::uint64_t> xfs_log_writes(const FilesystemParams& params, std::uint64_t, bool) {
  return {params.xfs_log_record_bytes};
}

// Blocks of a btree over `records` records at its fullest (every block
// half full: xfs_btree_calc_size), with `leaf_bytes` per record and 8 per
// key and pointer, in blocks of `block_bytes` with a 56-byte header.
std::uint64_t btree_max_blocks(std::uint64_t records, std::uint64_t leaf_bytes, std::uint64_t block_bytes) {
  const std::uint64_t leaf_min = (block_bytes - 56) / leaf_bytes / 2, node_min = (block_bytes - 56) / 8 / 2;
  std::uint64_t blocks = 0;
  for (std::uint64_t level = (records + leaf_min - 1) / leaf_min; level > 1; level = (level + node_min - 1) / node_min)
    blocks += level;
  return blocks + 1;
}

// mkfs.xfs's layout on one device (xfsprogs calc_default_ag_geometry and
// calculate_log_size): 4 AGs below 4 TiB, AGs of 1 TiB above, none under
// 16 MiB (a smaller device is one space); each AG starts with its headers,
// btree roots and free-list blocks (10 blocks), AG 0 also with the root
// directory's inode chunk (24 blocks in all: where a fresh filesystem's first
// file starts, xfs_bmap -v); the internal log, 1/2048 of the device but at
// least 64 MiB and at most 2 GiB (or half an AG), after the middle AG's headers.
AllocatorLayout xfs_allocation_groups(const FilesystemParams& params, std::uint64_t capacity_blocks) {
  const std::uint64_t bs = params.block_bytes;
  const std::uint64_t ag_max_blocks = (1ULL << 40) / bs, ag_min_blocks = (16ULL << 20) / bs;
  AllocatorLayout layout;
  if (capacity_blocks < ag_min_blocks) return layout;  // no AG fits (mkfs refuses): one space, nothing reserved
  std::uint64_t ags = capacity_blocks >= (4ULL << 40) / bs ? (capacity_blocks + ag_max_blocks - 1) / ag_max_blocks : 4;
  ags = std::min(ags, capacity_blocks / ag_min_blocks);
  layout.group_blocks = (capacity_blocks + ags - 1) / ags;
  constexpr std::uint64_t kHeaderBlocks = 10, kFirstAgHeaderBlocks = 24;
  for (std::uint64_t ag = 0; ag < ags; ++ag)
    layout.reserved.push_back({ag * layout.group_blocks, ag == 0 ? kFirstAgHeaderBlocks : kHeaderBlocks});
  const std::uint64_t log_blocks =
      std::min({std::max<std::uint64_t>(capacity_blocks / 2048, (64ULL << 20) / bs), std::uint64_t{(2ULL << 30) / bs},
                layout.group_blocks / 2});
  // The per-AG reservations of mkfs's default btrees (xfs_ag_resv_init):
  // the refcount btree (reflink=1; 12-byte records, at most one per block)
  // and the free-inode btree (finobt=1; 16-byte records, one per 64
  // inodes of 512 bytes). 918 blocks on an AG of 512 MiB, which is what kept
  // the kernel's allocations that much short of a fresh AG's free space.
  const std::uint64_t g = layout.group_blocks;
  layout.group_reserve_blocks = btree_max_blocks(g, 12, bs) + btree_max_blocks(g * (bs / 512) / 64, 16, bs);
  const std::uint64_t log_ag = ags / 2;
  layout.reserved.push_back(
      {log_ag * layout.group_blocks + (log_ag == 0 ? kFirstAgHeaderBlocks : kHeaderBlocks), log_blocks});
  return layout;
}
}  // namespace

const FilesystemTraits kXfsTraits = {
    // xfs_file_buffered_write: xfs_buffered_write_iomap_begin/end, the ilock,
    // the delalloc reservation, per call; next to nothing per block.
    /*write=*/{&CpuCostParams::xfs_write_per_call_s, &CpuCostParams::xfs_write_per_block_s},
    // xfs_buffered_write_iomap_begin finds a written extent covering the
    // range: no xfs_bmapi_reserve_delalloc, no quota or space reservation;
    // no xfs_setfilesize at completion (i_size does not move).
    /*overwrite=*/{&CpuCostParams::xfs_overwrite_per_call_s, &CpuCostParams::xfs_write_per_block_s},
    // xfs_vm_writepages: xfs_map_blocks and the delalloc conversion, per extent.
    /*writepages=*/
    {&CpuCostParams::xfs_writepages_per_call_s, &CpuCostParams::xfs_writepages_per_block_s,
     &CpuCostParams::xfs_writepages_per_folio_s},
    // xfs_end_io -> xfs_end_ioend: the unwritten conversion or
    // xfs_setfilesize in a transaction, then iomap_finish_ioends.
    /*end_io=*/{&CpuCostParams::xfs_end_io_per_call_s, &CpuCostParams::xfs_end_io_per_block_s},
    // iomap_writepages: an ioend grows until its bio is full (BIO_MAX_VECS
    // folios) or the extent ends.
    /*ioend_max_blocks=*/0,
    // xfs_buffered_write_iomap_begin: a write past EOF that needs a new
    // delalloc extent reserves twice the extents before it beyond it
    // (xfs_iomap_prealloc_size).
    /*speculative_prealloc=*/true,
    /*allocation_groups=*/&xfs_allocation_groups,
    // xfs_map_blocks -> xfs_bmapi_convert_delalloc, from the delalloc
    // extent's start, as unwritten (XFS_BMAPI_PREALLOC).
    /*converts_whole_delalloc=*/true,
    // Its headers and log are the allocation groups' reserved runs.
    /*metadata_blocks=*/nullptr,
    // xfs_buffered_write_iomap_begin reserves until ENOSPC, then flushes
    // (xfs_file_buffered_write's retry): not modelled.
    /*pushes_delalloc_when_space_low=*/false,
    // xfs_file_write_checks: iomap_zero_range over [i_size, pos).
    /*zeroes_before_extending_write=*/true,
    /*zero_eof_s=*/&CpuCostParams::xfs_zero_eof_s,
    // XFS punts dontcache ioends to a workqueue (IOMAP_IOEND_DONTCACHE).
    /*always_completes_in_workqueue=*/true,
    // Its per-folio iomap state is not charged to the memory cgroup.
    /*cgroup_bytes_per_block=*/nullptr,
    // iomap_release_folio: frees the folio's iomap_folio_state, once a folio.
    /*release_per_block_s=*/&CpuCostParams::xfs_release_per_block_s,
    /*log_writes=*/&xfs_log_writes,
    // xlog_cil_push_work formats the CIL into the record.
    /*commit_s=*/&CpuCostParams::xfs_log_commit_s,
    // xfs_file_buffered_read: xfs_ilock_iocb(XFS_IOLOCK_SHARED).
    /*buffered_read_lock=*/LockMode::kShared,
    // xfs_file_dio_write_aligned: XFS_IOLOCK_SHARED, exclusive only in
    // xfs_file_write_checks to zero past EOF (demoted before the I/O).
    /*direct_write_shared_needs_overwrite=*/false,
    // Traced with tracefs (xfs_buf_read, block_rq_issue) on a fresh mount:
    // mount reads every AG's AGF and AGI (xfs_fs_reserve_ag_blocks); the
    // first allocation in an AG then reads, under the AGF's lock, its free
    // list (AGFL, sector 3) in xfs_alloc_fix_freelist and the by-block and
    // by-size btree roots (AG blocks 2 and 1) in xfs_alloc_ag_vextent_*.
    /*group_first_allocation_reads=*/{{3 * 512, 512}, {2 * 4096, 4096}, {1 * 4096, 4096}},
    // The first create (xfs_dialloc, under AG 0's AGI lock) reads the inode
    // and free-inode btree roots (AG blocks 4 and 3) and the inode cluster
    // (16 KiB: 32 inodes of 512 bytes) at AG block 16.
    /*first_create_reads=*/{{4 * 4096, 4096}, {3 * 4096, 4096}, {16 * 4096, 16384}},
};

}  // namespace foliosim::filesystem
