// ext4: buffer heads on every block, extents mapped and submitted a bounded
// run at a time, no speculative preallocation or zeroing past EOF.
#include <algorithm>

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

// ext2fs_default_journal_size: the journal's blocks for a filesystem of `blocks`.
std::uint64_t default_journal_blocks(std::uint64_t blocks) {
  constexpr std::uint64_t kSteps[][2] = {{2048, 0},          {32768, 1024},       {256 * 1024, 4096},
                                         {512 * 1024, 8192}, {4096 * 1024, 16384}, {8192 * 1024, 32768},
                                         {16384 * 1024, 65536}, {32768 * 1024, 131072}};
  for (const auto& [below, journal] : kSteps)
    if (blocks < below) return journal;
  return 262144;
}

// Whether sparse_super keeps a superblock and descriptor backup in `group`:
// groups 0 and 1 and the powers of 3, 5 and 7.
bool has_backup(std::uint64_t group) {
  if (group <= 1) return true;
  for (const std::uint64_t base : {3, 5, 7}) {
    std::uint64_t p = base;
    while (p < group) p *= base;
    if (p == group) return true;
  }
  return false;
}

// What mke2fs's defaults (64bit, flex_bg, sparse_super, resize_inode,
// 256-byte inodes, an inode per 16 KiB, per 4 KiB below 512 MiB, the "small"
// type) take before any file: per group its two bitmaps and inode table, the
// journal, the superblock, descriptor and reserved descriptor blocks
// (calc_reserved_gdt_blocks: room to grow 1024-fold) in each backup group,
// the root directory, lost+found (16 KiB) and the resize inode's block.
// dumpe2fs of mkfs.ext4 (1.47) on 256 MiB (-b 4096), 600 MiB, 2, 16 and 100 GiB:
// 8268, 6740, 26156, 109863, 557848.
std::uint64_t ext4_metadata_blocks(const FilesystemParams& params, std::uint64_t blocks) {
  const std::uint64_t bs = params.block_bytes;
  const std::uint64_t per_group = 8 * bs;  // a bitmap block's bits
  const std::uint64_t groups = (blocks + per_group - 1) / per_group;
  const std::uint64_t inode_ratio = blocks * bs < (512ULL << 20) ? 4096 : 16384;
  constexpr std::uint64_t kInodeBytes = 256, kDescriptorBytes = 64;
  // The file system's inodes spread evenly over the groups, a whole table block at a time.
  const std::uint64_t per_block = bs / kInodeBytes;
  const std::uint64_t per_group_inodes = (blocks * bs / inode_ratio + groups - 1) / groups;
  const std::uint64_t inode_table = (per_group_inodes + per_block - 1) / per_block;
  const std::uint64_t per_desc_block = bs / kDescriptorBytes;
  const std::uint64_t gdt = (groups + per_desc_block - 1) / per_desc_block;
  const std::uint64_t max_blocks = blocks < 0xffffffffULL / 1024 ? blocks * 1024 : 0xffffffffULL;
  const std::uint64_t grown_gdt = ((max_blocks + per_group - 1) / per_group + per_desc_block - 1) / per_desc_block;
  const std::uint64_t reserved_gdt = std::min(grown_gdt > gdt ? grown_gdt - gdt : 0, bs / 4);
  std::uint64_t backups = 0;
  for (std::uint64_t g = 0; g < groups; ++g) backups += has_backup(g) ? 1 : 0;
  const std::uint64_t files = 1 + std::max<std::uint64_t>(2, 16384 / bs) + 1;
  const std::uint64_t boot_block = bs == 1024 ? 1 : 0;  // the superblock follows it in block 1
  return groups * (2 + inode_table) + default_journal_blocks(blocks) + backups * (1 + gdt + reserved_gdt) + files +
         boot_block;
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
    // ext4_end_io_rsv_work -> ext4_end_io_end: ext4_convert_unwritten_io_end_vec
    // in a journal handle, then ext4_finish_bio over every buffer head.
    /*end_io=*/{&CpuCostParams::ext4_end_io_per_call_s, &CpuCostParams::ext4_end_io_per_block_s},
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
    // The allocator places blocks over the whole device; mkfs's metadata
    // counts only against the free space ext4_nonda_switch sees.
    /*metadata_blocks=*/&ext4_metadata_blocks,
    // ext4_da_write_begin -> ext4_nonda_switch.
    /*pushes_delalloc_when_space_low=*/true,
    // A gap before a write past EOF stays a hole: nothing is zeroed.
    /*zeroes_before_extending_write=*/false,
    /*zero_eof_s=*/nullptr,
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
    // Traced with tracefs (ext4_read_block_bitmap_load, block_rq_issue) on a
    // fresh 2 GiB ext4: the first allocation's mballoc prefetches the block
    // bitmaps of the groups that have one (ext4_mb_prefetch: group 0, the
    // journal's group 8, the last group 15; flex_bg keeps them at blocks
    // 257 + group), and waits for them.
    /*group_first_allocation_reads=*/{{257 * 4096, 4096}, {265 * 4096, 4096}, {272 * 4096, 4096}},
    // The first create reads the root directory's block (after the inode
    // tables, block 8481) and group 0's inode bitmap (block 273).
    /*first_create_reads=*/{{8481 * 4096, 4096}, {273 * 4096, 4096}},
};

}  // namespace foliosim::filesystem
