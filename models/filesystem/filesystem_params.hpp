// Scenario section "filesystem".
#pragma once

#include <cstdint>
#include <string>

#include "models/common/param_fields.hpp"

namespace foliosim::filesystem {

// The filesystem type; what each does differently: filesystem_traits.hpp.
enum class FilesystemKind { kXfs, kExt4 };
inline constexpr ChoiceName<FilesystemKind> kFilesystemKindNames[] = {{"xfs", FilesystemKind::kXfs},
                                                                      {"ext4", FilesystemKind::kExt4}};

// XFS zeroing of [i_size, pos) before a write that starts past EOF
// (iomap_zero_range): "before_6_10" zeroes all delalloc in the gap through
// the page cache; "since_6_10" (commit 5ce5674187c3) zeroes only the EOF
// block and converts the delalloc past it to unwritten extents.
enum class Zeroing { kSince6_10, kBefore6_10 };
inline constexpr ChoiceName<Zeroing> kZeroingNames[] = {{"since_6_10", Zeroing::kSince6_10},
                                                        {"before_6_10", Zeroing::kBefore6_10}};

// Where writeback completion runs: "workqueue" can drop drop-behind folios,
// "irq" cannot (no task context), so they stay cached. "auto" is what the
// filesystem does: XFS punts dontcache ioends to a workqueue
// (IOMAP_IOEND_DONTCACHE); ext4 completes in a workqueue only when extents
// need converting (new or unwritten blocks), in interrupt context when
// overwriting written blocks.
enum class CompletionContext { kAuto, kWorkqueue, kIrq };
inline constexpr ChoiceName<CompletionContext> kCompletionContextNames[] = {
    {"auto", CompletionContext::kAuto}, {"workqueue", CompletionContext::kWorkqueue}, {"irq", CompletionContext::kIrq}};

// One filesystem, of one type, shared by the jobs (each device holds one).
struct FilesystemParams {
  // xfs or ext4: picks the per-filesystem table (xfs.cpp, ext4.cpp): its CPU
  // costs, ioend size, preallocation, zeroing and completion context.
  FilesystemKind type = FilesystemKind::kXfs;
  // Filesystem block size (mkfs -b size): the unit of allocation, of ext4's
  // per-block costs and buffer heads. Smaller blocks: more per-block cost and
  // more buffer-head memory on ext4; XFS costs almost nothing per block.
  std::uint64_t block_bytes = 4096;
  // Name of the device (in "devices") the filesystem lives on (required).
  std::string device;
  // XFS speculative preallocation (xfs_iomap_prealloc_size): delalloc past
  // EOF on extending writes, twice the extents the write follows (never for
  // files under 64 KiB, at most 8 GiB with 4 KiB blocks). Off: no delalloc
  // past EOF, so a later write past EOF finds none in its gap to zero (see
  // zeroing), and allocations are only as large as what is written back. ext4
  // has none.
  bool speculative_prealloc = true;
  // XFS zeroing of the gap before a write past EOF (see Zeroing above):
  // before_6_10 zeroes the gap's delalloc (speculative preallocation) through
  // the page cache, so sparse extending writes dirty and write many more
  // pages than they were given; ext4 does not zero.
  Zeroing zeroing = Zeroing::kSince6_10;
  // Whether the filesystem takes RWF_DONTCACHE (FOP_DONTCACHE); if not, such
  // writes fail with EOPNOTSUPP.
  bool dontcache_supported = true;
  // Where writeback completion runs (see CompletionContext above): only a
  // workqueue completion can drop a dontcache write's folios, so "irq" leaves
  // them cached.
  CompletionContext completion_context = CompletionContext::kAuto;
  // Brian Foster's follow-on: the zeroing done on behalf of a dontcache write
  // creates drop-behind folios too. Off: ordinary cached folios (as merged),
  // which stay in the cache after a sparse dontcache write.
  bool zero_range_dropbehind = false;
  // Memory-cgroup charge per cached block on ext4, for its buffer_head
  // (folio_alloc_buffers, __GFP_ACCOUNT); 0 charges nothing. Larger: fewer
  // cached pages fit under page_cache.memory_limit. XFS's per-folio iomap
  // state is not charged. Derived: see models/README.md, "Filesystem".
  std::uint64_t ext4_buffer_head_bytes = 112;
  // fsync commits the filesystem's transaction to its log (XFS) or journal
  // (ext4) after the data: one or two small writes to the device (below).
  // Off: the device sees file data only, as the model did before; the
  // engine tests that count data requests by hand turn it off.
  bool log_writes = true;
  // The filesystem is freshly mounted: it reads the metadata its first
  // create and its first allocation in each allocation group need
  // (FilesystemTraits::first_create_reads, group_first_allocation_reads; on
  // XFS 3 reads of 24 KiB and 3 of 8.5 KiB a group, on ext4 2 and 3 of 4
  // KiB), and a group stays passed over by other allocations while one task
  // reads its headers. Off: that metadata is cached, as long after mount;
  // engine tests counting data reads by hand turn it off.
  bool fresh_mount = true;
  // XFS: bytes of the log record an fsync's log force writes
  // (xfs_log_force_seq -> xlog_sync) for a transaction that allocated or
  // converted extents: the record header and the logged items (inode core
  // and data fork, AGF, free-space btree buffers), rounded up to the log's
  // 512-byte sector. Larger: more log bytes per fsync. Derived from the
  // reference: 3 KiB more than the data reach the device in C1 and C2.
  std::uint64_t xfs_log_record_bytes = 3 << 10;
  // ext4: metadata blocks a jbd2 commit logs besides one block bitmap per
  // block group the transaction allocated in (jbd2_journal_commit_transaction
  // writes a descriptor block, these blocks, then a commit block): the
  // inode's table block, the group descriptor block, the inode bitmap, the
  // superblock and the extent tree. Larger: more journal bytes per fsync.
  // Fitted: C2 (64 MiB, one group) writes 36 KiB of journal, descriptor +
  // 7 blocks + commit; so 6 besides its one bitmap.
  std::uint64_t ext4_commit_metadata_blocks = 5;

  template <class F>
  void fields(F& f) {
    f.choice("type", type, kFilesystemKindNames);
    f.size("block_size", block_bytes, Bound::kPositive);
    f.require("device");
    f.text("device", device);
    f.flag("speculative_prealloc", speculative_prealloc);
    f.choice("zeroing", zeroing, kZeroingNames);
    f.flag("dontcache_supported", dontcache_supported);
    f.choice("completion_context", completion_context, kCompletionContextNames);
    f.flag("zero_range_dropbehind", zero_range_dropbehind);
    f.size("ext4_buffer_head_size", ext4_buffer_head_bytes);
    f.flag("log_writes", log_writes);
    f.flag("fresh_mount", fresh_mount);
    f.size("xfs_log_record_size", xfs_log_record_bytes);
    f.count("ext4_commit_metadata_blocks", ext4_commit_metadata_blocks);
  }
};

}  // namespace foliosim::filesystem
