// ext4: buffer heads on every block, extents mapped and submitted a bounded
// run at a time, no speculative preallocation or zeroing past EOF.
#include "models/filesystem/filesystem_traits.hpp"

namespace foliosim::filesystem {

using cpu::CpuCostParams;

const FilesystemTraits kExt4Traits = {
    // ext4_buffered_write_iter -> generic_perform_write: ext4_da_write_begin
    // reserves each block and attaches its buffer head.
    /*write=*/{&CpuCostParams::ext4_write_per_call_s, &CpuCostParams::ext4_write_per_block_s},
    // ext4_do_writepages: a journal handle and block allocation per call,
    // every buffer head per block (mpage_process_page_bufs, ext4_bio_write_folio).
    /*writepages=*/{&CpuCostParams::ext4_writepages_per_call_s, &CpuCostParams::ext4_writepages_per_block_s},
    // MAX_WRITEPAGES_EXTENT_LEN: ext4_do_writepages maps and submits at most
    // 2048 blocks at a time.
    /*ioend_max_blocks=*/2048,
    // Delalloc reserves the blocks written only (ext4_da_reserve_space).
    /*speculative_prealloc=*/false,
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
};

}  // namespace foliosim::filesystem
