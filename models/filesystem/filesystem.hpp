// Files and their extents: holes, delayed allocations, unwritten and written
// extents, i_size, XFS speculative preallocation and the zeroing XFS does
// before a write past EOF. Blocks go next to the file's neighbouring extent
// when they can (block_allocator.hpp): on XFS within allocation groups, so a
// file that outgrows one continues in another; interleaved writers fragment.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "models/common/node_pool.hpp"
#include "models/common/rw_semaphore.hpp"
#include "models/filesystem/block_allocator.hpp"
#include "models/filesystem/filesystem_params.hpp"
#include "models/filesystem/filesystem_traits.hpp"

namespace foliosim::page_cache {
class FileCache;
}

namespace foliosim::filesystem {

// A run of file bytes mapped to contiguous device bytes.
struct Segment {
  std::uint64_t device_offset_bytes;
  std::uint64_t length_bytes;
};
// A range's pieces on the device: nearly always one or two, kept inline (no
// allocation a call).
using Segments = boost::container::small_vector<Segment, 2>;

struct ByteRange {
  std::uint64_t offset_bytes;
  std::uint64_t length_bytes;
};

enum class ExtentState : std::uint8_t { kDelalloc, kUnwritten, kWritten };

// How a file that exists before the run was written (Filesystem::lay_out).
enum class Layout { kContiguous, kFragmented, kSparse, kPreallocated };

struct Extent {
  std::uint64_t blocks;
  ExtentState state;
  std::uint64_t device_block;  // unused for delalloc
};

struct File {
  std::string name;
  std::uint64_t size_bytes = 0;             // i_size
  PooledMap<std::uint64_t, Extent> extents;  // by first file block; holes are absent
  // The file's pages in the page cache (its address_space).
  page_cache::FileCache* cache = nullptr;
  // errseq_t of the mapping: bumped by each writeback error.
  std::uint64_t error_seq = 0;
  // i_rwsem (XFS's iolock): who takes it, and how, is the filesystem's
  // (FilesystemTraits::buffered_read_lock, Filesystem::direct_write_lock).
  RwSemaphore inode_lock;
};

// Bytes of a file in each extent state.
struct ExtentSummary {
  std::uint64_t delalloc_bytes = 0;
  std::uint64_t unwritten_bytes = 0;
  std::uint64_t written_bytes = 0;
  std::uint64_t extents = 0;
};

// What delayed allocation does as free space runs low (ext4_nonda_switch).
struct DelallocSpace {
  // Delalloc holds half the free blocks: the write first has every dirty
  // page written back (try_to_writeback_inodes_sb, WB_REASON_FS_FREE_SPACE).
  bool push_writeback = false;
  // Two thirds, or within the free-cluster watermark: the write allocates
  // its blocks at once, unwritten, instead of reserving them.
  bool allocate_now = false;
};

// Metadata reads a task makes before it goes on (Filesystem::take_metadata_reads).
struct MetadataReads {
  std::vector<Segment> reads;
  // Allocation groups whose free-space header the reads hold: released
  // with Filesystem::release_groups once they are done.
  std::vector<std::size_t> groups;
};

class Filesystem {
 public:
  Filesystem(const FilesystemParams& params, std::uint64_t device_capacity_bytes);

  const FilesystemParams& params() const { return params_; }
  // What this filesystem's type does differently (filesystem_traits.hpp).
  const FilesystemTraits& traits() const { return traits_; }
  File& open(const std::string& name);
  // What creating a file reads first: the first create after mount reads
  // FilesystemTraits::first_create_reads (XFS's inode btrees, ext4's
  // directory block and inode bitmap); later ones nothing.
  std::vector<Segment> create_reads();
  // Held by a create around its reads, and taken by every open, which waits
  // for them (XFS's AGI buffer lock, the directory's i_rwsem).
  RwSemaphore create_lock;
  const std::map<std::string, std::unique_ptr<File>>& files() const { return files_; }

  // A buffered write of [offset, offset + length): reserves delayed
  // allocation over its holes and, on XFS, speculative preallocation past EOF
  // when the write extends the file into a hole (prealloc_blocks). Updates
  // i_size.
  // `allocate_now` (DelallocSpace): its holes get unwritten blocks instead
  // (ext4_write_begin -> ext4_get_block_unwritten).
  void buffered_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool allocate_now = false);

  // Blocks neither allocated nor mkfs's metadata (s_freeclusters_counter;
  // delalloc reservations do not lower it).
  // The allocator places blocks over metadata too (contents are not
  // modelled), so this stops at 0.
  std::uint64_t free_blocks() const {
    const std::uint64_t used = metadata_blocks_ + allocator_.allocated_blocks();
    return used < capacity_blocks_ ? capacity_blocks_ - used : 0;
  }
  // Blocks reserved by delayed allocation, all files (s_dirtyclusters_counter).
  std::uint64_t delalloc_blocks() const { return delalloc_blocks_; }
  // ext4_nonda_switch on a machine of `cpus` CPUs (the free-cluster
  // watermark is per CPU); nothing on filesystems without it.
  DelallocSpace delalloc_space(std::uint64_t cpus) const;

  // What XFS zeroes through the page cache before a write at `pos` past EOF
  // (iomap_zero_range over [i_size, pos)): written and delalloc blocks, holes
  // and unwritten skipped; since 6.10 only the EOF block, the delalloc past it
  // becoming unwritten. Empty on ext4 and when pos <= i_size.
  std::vector<ByteRange> zero_for_extension(File& file, std::uint64_t pos_bytes);

  // Device segments backing [offset, offset + length) for writing it out:
  // holes and delalloc are allocated, unwritten extents become written.
  // Adjacent segments are coalesced; i_size is the caller's. Throws std::runtime_error when the device
  // is full (ENOSPC).
  Segments map_for_write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes);
  // The metadata the allocations since the last call need read before their
  // data is written (FilesystemTraits::group_first_allocation_reads); the
  // groups they hold stay passed over by other allocations until released.
  MetadataReads take_metadata_reads();
  bool has_metadata_reads() const { return !pending_reads_.reads.empty(); }
  void release_groups(const std::vector<std::size_t>& groups);

  // Device segments holding the data of [offset, offset + length): written
  // extents only (holes, unwritten and delalloc read as zeroes or are cached).
  Segments map_for_read(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // How an O_DIRECT write of [offset, offset + length) holds the inode lock:
  // shared where the filesystem lets such writes run side by side, else
  // exclusive (see FilesystemTraits::direct_write_shared_needs_overwrite).
  LockMode direct_write_lock(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // Whether every block of [offset, offset + length) is a written extent.
  bool all_written(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // Whether writeback completion of that range runs in task context, where
  // drop-behind folios can be dropped (see completion_context).
  bool completes_in_task(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // Commits the running transaction (an fsync's log force or jbd2 commit):
  // the log writes, at the log's place on the device, in the order written
  // and waited for; none when nothing was allocated or converted since the
  // last commit. The log sits in the middle of the device, where mkfs puts
  // XFS's internal log and ext4's journal, and wraps at the device's end;
  // data allocation does not step around it (contents are not modelled).
  std::vector<Segment> commit();

  // Gives a file that exists before the run its blocks and i_size, through
  // the block allocator, as if written and committed long ago (no
  // transaction left for an fsync to commit): contiguous (written in one
  // go), fragmented (`extents` written pieces far apart on the device),
  // sparse (written but for `holes`), preallocated (fallocate: unwritten
  // extents, i_size set). Throws SimulatedFailure when the device is full.
  void lay_out(File& file, std::uint64_t size_bytes, Layout layout, std::uint64_t extents,
               const std::vector<ByteRange>& holes);

  // Whether a buffered write of [offset, offset + length) overwrites written
  // blocks inside i_size only: no delalloc reservation, no i_size update.
  bool overwrites_written(const File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const {
    return offset_bytes + length_bytes <= file.size_bytes && all_written(file, offset_bytes, length_bytes);
  }

  ExtentSummary summary(const File& file) const;
  std::uint64_t allocated_bytes() const { return allocator_.allocated_blocks() * params_.block_bytes; }

 private:
  // Splits extents so that one starts at `block` if any covers it.
  void split_at(File& file, std::uint64_t block);
  // Sets [first, end) to `state`, allocating device blocks for states that
  // need them where the blocks had none; returns the device segments when
  // `segments` is given.
  void set_state(File& file, std::uint64_t first_block, std::uint64_t end_block, ExtentState state,
                 Segments* segments);
  // Blocks for file blocks from first_block on, at most `blocks` of them
  // (XFS may give fewer: one extent inside one AG), placed by the allocator
  // near the file's neighbouring extents.
  BlockRun allocate(File& file, std::uint64_t first_block, std::uint64_t blocks);
  // Up to `blocks` blocks by the filesystem's policy (all of them without
  // allocation groups); `exact`: the file grows at EOF from `goal`.
  std::optional<BlockRun> place(std::uint64_t blocks, std::optional<std::uint64_t> goal, bool exact);
  // Allocates the delalloc extents [first, end) lies in, whole, as unwritten
  // (FilesystemTraits::converts_whole_delalloc).
  void convert_delalloc(File& file, std::uint64_t first_block, std::uint64_t end_block);
  // XFS's speculative preallocation for a write past EOF whose new
  // reservation starts at `hole_block`, in blocks; 0 for none.
  std::uint64_t prealloc_blocks(const File& file, std::uint64_t hole_block) const;
  void coalesce(File& file, std::uint64_t first_block, std::uint64_t end_block);
  // set_state to written of the front of an unwritten extent that continues,
  // in the file and on the device, the written extent before it: that extent
  // grows and the unwritten one's node moves on. Returns the range's first
  // device block, or none when the range is not such a front.
  std::optional<std::uint64_t> write_unwritten_front(File& file, std::uint64_t first_block, std::uint64_t end_block);
  // The first allocation in group `g` queues its header reads and holds it.
  void note_allocation_in(std::size_t g);

  FilesystemParams params_;
  const FilesystemTraits& traits_;
  std::uint64_t capacity_blocks_;
  std::uint64_t metadata_blocks_;
  BlockAllocator allocator_;
  std::uint64_t delalloc_blocks_ = 0;
  // The running transaction: whether it changed extents, and the lowest and
  // highest device blocks it allocated (the block groups it touched).
  bool transaction_dirty_ = false;
  std::uint64_t transaction_low_block_ = UINT64_MAX, transaction_high_block_ = 0;
  std::uint64_t log_head_bytes_ = 0;  // where the next log write goes
  bool committed_ = false;            // a commit since the (fresh) mount
  std::map<std::string, std::unique_ptr<File>> files_;
  // Per allocation group: its free-space headers read since mount, held by
  // a task reading them.
  std::vector<bool> group_headers_read_, group_locked_;
  MetadataReads pending_reads_;
  bool created_ = false;  // a file created since mount
};

}  // namespace foliosim::filesystem
