// What differs between the filesystems the model knows, one entry per
// filesystem in its own file (xfs.cpp, ext4.cpp), looked up by the scenario's
// filesystem/type. The write path, writeback and the extent model ask the
// entry instead of testing the type: another filesystem is one more file, its
// FilesystemKind value and name, and its case in traits_of().
#pragma once

#include <cstdint>
#include <vector>

#include "models/common/rw_semaphore.hpp"
#include "models/cpu/cpu_params.hpp"
#include "models/filesystem/block_allocator.hpp"
#include "models/filesystem/filesystem_params.hpp"

namespace foliosim::filesystem {

// A code path's CPU cost per call, per filesystem block and per folio.
struct Costs {
  double per_call_s;
  double per_block_s;
  double per_folio_s = 0;
};

// Which fields of the scenario's `cpu` section hold a filesystem's costs of
// one code path (the values stay there, where users set them).
struct CostFields {
  double cpu::CpuCostParams::*per_call_s;
  double cpu::CpuCostParams::*per_block_s;
  double cpu::CpuCostParams::*per_folio_s = nullptr;  // none: the path has no cost of its own per folio

  Costs of(const cpu::CpuCostParams& costs) const {
    return {costs.*per_call_s, costs.*per_block_s, per_folio_s ? costs.*per_folio_s : 0};
  }
};

// A block of metadata at `offset_bytes` from its allocation group's start.
struct MetadataBlock {
  std::uint64_t offset_bytes;
  std::uint64_t length_bytes;
};

struct FilesystemTraits {
  // The buffered write call's work around the copy (its write_iter).
  CostFields write;
  // The same call when it overwrites written blocks inside i_size: nothing
  // to reserve or allocate, no size to update.
  CostFields overwrite;
  // writepages' work around the folios: mapping blocks, building bios.
  CostFields writepages;
  // The completion work's, per ioend it ends in task context.
  CostFields end_io;
  // Blocks writepages maps and submits at a time, so at most an ioend's
  // (besides its bio's BIO_MAX_VECS folios); 0: no such limit.
  std::uint64_t ioend_max_blocks;
  // Speculative delalloc past EOF on extending writes (with
  // filesystem/speculative_prealloc on).
  bool speculative_prealloc;
  // Free space in allocation groups, blocks placed by XFS's policy
  // (BlockAllocator::allocate_in_group), for a device of `capacity_blocks`;
  // nullptr: one space, the goal-or-cursor policy (BlockAllocator::allocate).
  AllocatorLayout (*allocation_groups)(const FilesystemParams& params, std::uint64_t capacity_blocks);
  // Writeback converts the whole delayed allocation a range lies in, from
  // its start, into unwritten extents (xfs_bmapi_convert_delalloc), then the
  // range's I/O makes its part written; false: only the range is allocated.
  bool converts_whole_delalloc;
  // Blocks mkfs takes for metadata outside the allocator's layout, for a
  // device of `capacity_blocks`: they are not free; nullptr: none.
  std::uint64_t (*metadata_blocks)(const FilesystemParams& params, std::uint64_t capacity_blocks);
  // When delayed allocation holds half the free blocks, a buffered write
  // first has the flusher write back every dirty page and waits for it to be
  // submitted; past two thirds it allocates its blocks at once
  // (ext4_nonda_switch; Filesystem::delalloc_space).
  bool pushes_delalloc_when_space_low;
  // Zeroes [i_size, pos) through the page cache before a write past EOF, as
  // filesystem/zeroing says.
  bool zeroes_before_extending_write;
  // What that zeroing pass costs a write past EOF besides the zeroes it
  // copies; nullptr: no such pass.
  double cpu::CpuCostParams::*zero_eof_s;
  // completion_context "auto": every writeback completion runs in a
  // workqueue; false: only those with extents to convert.
  bool always_completes_in_workqueue;
  // What the memory cgroup is charged per block of a cached folio besides
  // the page: a FilesystemParams field, nullptr for nothing.
  std::uint64_t FilesystemParams::*cgroup_bytes_per_block;
  // The CPU cost per block of releasing a clean folio's private data when
  // reclaim frees it (the address space's release_folio).
  double cpu::CpuCostParams::*release_per_block_s;
  // What committing a transaction that allocated in `groups` block groups
  // writes to the log (an fsync's log force or jbd2 commit): the bytes of
  // each request, in the order each is written and waited for;
  // `first_since_mount`: the first commit on the freshly mounted filesystem.
  std::vector<std::uint64_t> (*log_writes)(const FilesystemParams& params, std::uint64_t groups,
                                           bool first_since_mount);
  // The CPU of such a commit besides its writes (the CIL push, jbd2's commit).
  double cpu::CpuCostParams::*commit_s;
  // How a buffered read holds the inode lock (buffered writes take it
  // exclusive on every filesystem, O_DIRECT reads shared): XFS shares it, so
  // a reader waits for a writer of the file and the other way round; ext4
  // does not take it, so they run side by side.
  LockMode buffered_read_lock;
  // An aligned O_DIRECT write holds the inode lock shared only when it
  // overwrites written blocks inside i_size (ext4_dio_write_checks); false:
  // whenever it starts within i_size (XFS: xfs_file_write_checks takes it
  // exclusive only to zero a gap past EOF). Otherwise exclusive.
  bool direct_write_shared_needs_overwrite;
  // Metadata read from the device, each read waited for before the next,
  // the first time a freshly mounted filesystem needs it (its buffer cache
  // holds only what mount read): on the first allocation in an allocation
  // group, whose free-space header the allocating task holds meanwhile, so
  // that other tasks' allocations pass the group over; and on the first file
  // created, during which other creators wait. Empty: none modelled.
  std::vector<MetadataBlock> group_first_allocation_reads;
  std::vector<MetadataBlock> first_create_reads;

  // The pages one ioend may carry; UINT64_MAX: no limit but the bio's.
  std::uint64_t ioend_max_pages(std::uint64_t block_bytes) const;
  // Bytes charged to the memory cgroup per cached 4 KiB page besides the page.
  std::uint64_t cgroup_bytes_per_page(const FilesystemParams& params) const;
  // Seconds (at reference speed) of release_folio per 4 KiB page reclaimed.
  double release_per_page_s(const FilesystemParams& params, const cpu::CpuCostParams& costs) const;
};

extern const FilesystemTraits kXfsTraits;   // xfs.cpp
extern const FilesystemTraits kExt4Traits;  // ext4.cpp

const FilesystemTraits& traits_of(FilesystemKind kind);

}  // namespace foliosim::filesystem
