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

struct FilesystemParams {
  FilesystemKind type = FilesystemKind::kXfs;
  std::uint64_t block_bytes = 4096;
  // Name of the device (in "devices") the filesystem lives on.
  std::string device;
  // XFS speculative preallocation: delalloc past EOF on extending writes,
  // about the file's size again (never under 64 KiB files, at most 8 GiB).
  bool speculative_prealloc = true;
  Zeroing zeroing = Zeroing::kSince6_10;
  // Whether the filesystem takes RWF_DONTCACHE (FOP_DONTCACHE); if not, such
  // writes fail with EOPNOTSUPP.
  bool dontcache_supported = true;
  CompletionContext completion_context = CompletionContext::kAuto;
  // Brian Foster's follow-on: the zeroing done on behalf of a dontcache write
  // creates drop-behind folios too. Off: ordinary cached folios (as merged).
  bool zero_range_dropbehind = false;
  // ext4 attaches a buffer_head to every block of a cached folio
  // (folio_alloc_buffers, __GFP_ACCOUNT): 104 bytes of struct and the slab
  // object's 8-byte cgroup pointer, charged to the memory cgroup. XFS's
  // per-folio iomap state is not charged.
  std::uint64_t ext4_buffer_head_bytes = 112;

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
  }
};

}  // namespace foliosim::filesystem
