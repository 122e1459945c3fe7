// ext4: buffer heads on every block, extents mapped and submitted a bounded
// run at a time, no speculative preallocation or zeroing past EOF.
#include "models/filesystem/filesystem_traits.hpp"

namespace foliosim::filesystem {

using cpu::CpuCostParams;

namespace {
// jbd2_journal_commit_transaction: on the journal's first commit since it
// was flushed (a fresh mount sets JBD2_FLUSHED), the journal superblock's
// new tail first (jbd2_journal_update_sb_log_tail); then the descriptor block
// and the logged metadata blocks (a block bitmap per group allocated in, and
// ext4_commit_metadata_blocks more) go out together and are waited for; then
// the commit block, REQ_PREFLUSH | REQ_FUA (journal_submit_commit_record).
std::vector<std::uint64_t> ext4_log_writes(const FilesystemParams& params, std::uint64_t groups,
                                           bool first_since_mount) {
  std::vector<std::uint64_t> writes;
  if (first_since_mount) writes.push_back(params.block_bytes);
  writes.push_back((1 + params.ext4_commit_metadata_blocks + groups) * params.block_bytes);
  writes.push_back(params.block_bytes);
  return writes;
}
}  // namespace

const FilesystemTraits kExt4Traits = {
    // ext4_buffered_write_iter -> generic_perform_write: ext4_da_write_begin
    // reserves each block and attaches its buffer head.
    /*write=*/{&CpuCostParams::ext4_write_per_call_s, &CpuCostParams::ext4_write_per_block_s},
    // ext4_da_write_begin over mapped blocks: ext4_da_get_block_prep finds
    // them in the extent status tree, ext4_nonda_switch and
    // ext4_da_reserve_space have nothing to reserve; the buffer heads are
    // still walked per block.
    /*overwrite=*/{&CpuCostParams::ext4_overwrite_per_call_s, &CpuCostParams::ext4_write_per_block_s},
    // ext4_do_writepages: a journal handle and block allocation per call,
    // every buffer head per block (mpage_process_page_bufs, ext4_bio_write_folio).
    /*writepages=*/
    {&CpuCostParams::ext4_writepages_per_call_s, &CpuCostParams::ext4_writepages_per_block_s,
     &CpuCostParams::ext4_writepages_per_folio_s},
    // MAX_WRITEPAGES_EXTENT_LEN: ext4_do_writepages maps and submits at most
    // 2048 blocks at a time.
    /*ioend_max_blocks=*/2048,
    // Delalloc reserves the blocks written only (ext4_da_reserve_space).
    /*speculative_prealloc=*/false,
    // mballoc's goal (ext4_ext_find_goal) over one space: flex_bg keeps a
    // group's data contiguous with the next's.
    /*allocation_groups=*/nullptr,
    // ext4_map_blocks allocates what mpage_map_and_submit_extent maps.
    /*converts_whole_delalloc=*/false,
    // A gap before a write past EOF stays a hole: nothing is zeroed.
    /*zeroes_before_extending_write=*/false,
    // ext4_put_io_end_defer: an io_end goes to a workqueue only with unwritten
    // extents to convert; over written blocks it completes in interrupt context.
    /*always_completes_in_workqueue=*/false,
    // folio_alloc_buffers (__GFP_ACCOUNT): a buffer_head per block of a cached folio.
    /*cgroup_bytes_per_block=*/&FilesystemParams::ext4_buffer_head_bytes,
    // ext4_release_folio -> try_to_free_buffers: a buffer head freed and
    // uncharged per block.
    /*release_per_block_s=*/&CpuCostParams::ext4_release_per_block_s,
    /*log_writes=*/&ext4_log_writes,
    // jbd2_journal_commit_transaction, in the jbd2 thread the fsync waits for.
    /*commit_s=*/&CpuCostParams::ext4_log_commit_s,
    // ext4_file_read_iter -> generic_file_read_iter: no inode lock.
    /*buffered_read_lock=*/LockMode::kNone,
    // ext4_dio_write_checks: shared only for an aligned overwrite of written
    // blocks that does not extend the file.
    /*direct_write_shared_needs_overwrite=*/true,
};

}  // namespace foliosim::filesystem
