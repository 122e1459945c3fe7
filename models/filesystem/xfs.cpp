// XFS: iomap maps whole extents, reserves delalloc past EOF and zeroes the
// gap before a write past it.
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
    // iomap_writepages: an ioend grows until its bio is full (BIO_MAX_VECS
    // folios) or the extent ends.
    /*ioend_max_blocks=*/0,
    // xfs_buffered_write_iomap_begin: a write past EOF that needs a new
    // delalloc extent reserves about the file's size again beyond it
    // (xfs_iomap_prealloc_size).
    /*speculative_prealloc=*/true,
    // xfs_file_write_checks: iomap_zero_range over [i_size, pos).
    /*zeroes_before_extending_write=*/true,
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
};

}  // namespace foliosim::filesystem
