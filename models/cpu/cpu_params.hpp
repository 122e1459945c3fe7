// The machine and the CPU cost of each kernel code path the simulation charges.
#pragma once

#include <cstdint>

#include "models/common/param_fields.hpp"

namespace foliosim::cpu {

// Scenario section "machine".
struct MachineParams {
  // The reference machine's 2 vCPUs. At most 8192 (x86-64's largest NR_CPUS):
  // each CPU is simulated.
  std::uint64_t cpus = 2;
  // Clock of every CPU. Costs below scale by cpu.reference_speed / cpu_speed.
  // Default: the reference speed, as the costs were measured on the
  // reference machine (a VM: its clock is not known, only the costs).
  // At least 1 MHz (kMinFrequencyHz), as reference_speed.
  double cpu_speed_hz = 2.5e9;
  // Physical memory; the page cache and reclaim model size themselves from it.
  // Default: the reference machine's MemTotal, 24684092 KiB. Must hold
  // page_cache.other_memory, the high watermark and one largest folio.
  std::uint64_t memory_bytes = 24684092ULL << 10;

  template <class F>
  void fields(F& f) {
    f.count("cpus", cpus, Bound::between(1, 8192));
    f.frequency("cpu_speed", cpu_speed_hz);
    f.size("memory", memory_bytes, Bound::kPositive);
  }
};

// Scenario section "cpu": durations of kernel code paths, as measured on a CPU
// running at reference_speed. Defaults and their derivation: models/README.md.
struct CpuCostParams {
  double reference_speed_hz = 2.5e9;
  // Per system call: entry, exit, fd lookup, generic_write_checks. Not
  // separable from the per-call costs below in the reference: a prior.
  double syscall_entry_s = 0.4e-6;
  // Per O_DIRECT call: iomap_dio_rw, the extending write's unwritten-extent
  // allocation and its conversion and i_size update at completion, the sleep
  // and wake-up around the I/O. The C2 direct p50 (99.8 us) less the
  // device's 23.9 us and 4.3 us of other CPU costs: 71.6 us. (blk-wbt's
  // drains in C2 dontcache show the device restarts from idle in about
  // 10 us, so the rest is the call's.)
  double dio_setup_s = 71.6e-6;
  // Per 4 KiB page of an O_DIRECT call: pinning the user page, and what a
  // 4 KiB segment costs the loop device beyond the bandwidth page-cache
  // writeback gets. C1 - C2 direct p50 (438.5 - 99.8 us) less 1020 KiB at
  // 4.5 GB/s, over 255 pages: 0.418 us, of which about 0.065 us stands for
  // the second request the kernel makes of a 1 MiB call and the model does not.
  double dio_per_page_s = 0.418e-6;
  // Per device request: building the bio, blk-mq tag and dispatch (prior).
  double request_submit_s = 1.5e-6;
  // Per device request: interrupt, bio_endio, waking the waiter (prior).
  double request_complete_s = 2.0e-6;

  // Buffered write path (generic_perform_write / iomap_write_iter).
  // Per new folio: allocation, memcg charge, page cache insertion, LRU add.
  // (Prior: only the sum of the fixed costs of a call is measured.)
  double folio_alloc_s = 0.9e-6;
  // Per folio already cached: lookup, lock, accessed marking. (Prior: no
  // overwrites in the reference.)
  double folio_lookup_s = 0.25e-6;
  // Per folio written: write_end, marking it and the inode dirty. (Prior.)
  double folio_dirty_s = 0.25e-6;
  // copy_from_user throughput into the folios: XFS buffered p50, 1 MiB (C1,
  // 37.727 us) less 4 KiB (C2, 2.223 us), is 1020 KiB in 35.504 us.
  double copy_bandwidth_Bps = 29.4e9;
  // Per buffered write call, the filesystem's write_iter around the copy
  // (XFS: iomap_begin/end, ilock, delalloc reservation; ext4: write_begin).
  // C2 p50 less the copy, syscall_entry, folio_alloc and folio_dirty (and
  // ext4's one block): XFS 2.223 - 0.139 - 1.55 = 0.534 us, ext4
  // 2.844 - 0.139 - 0.513 - 1.55 = 0.642 us.
  double xfs_write_per_call_s = 0.53e-6;
  double ext4_write_per_call_s = 0.64e-6;
  // Per filesystem block of a buffered write (ext4's buffer heads and block
  // reservation; XFS maps whole extents and pays almost nothing). ext4: its
  // C1 - C2 p50 (169.235 - 2.844 us) less the copy of 1020 KiB (35.504 us),
  // over 255 blocks: 0.513 us. XFS: its C1 - C2 difference is all copy.
  double xfs_write_per_block_s = 0.0;
  double ext4_write_per_block_s = 0.513e-6;

  // Writeback (writepages): per folio cleared for I/O, added to a bio and
  // ended at completion. (Prior: the reference's fsync times are bound by
  // the device.)
  double writeback_per_folio_s = 0.3e-6;
  // The filesystem's writepages per call and per block, around the folios
  // (XFS: map the extent, convert delalloc; ext4: journal handle, block
  // allocation, every buffer head). Fitted in models/README.md.
  double xfs_writepages_per_call_s = 1.93e-6;
  double ext4_writepages_per_call_s = 8.42e-6;
  double xfs_writepages_per_block_s = 0.0;
  double ext4_writepages_per_block_s = 0.126e-6;
  // Reclaim (shrink_folio_list): per folio scanned, and per folio freed.
  // (Priors for small folios; C6 reclaims 1 MiB folios only and measures
  // more per write than a per-folio cost can carry: models/README.md.)
  double reclaim_scan_per_folio_s = 0.1e-6;
  double reclaim_free_per_folio_s = 0.4e-6;

  // A writer's CPU work is executed in batches of up to this much simulated
  // time instead of one SimGrid execution per call: the page cache sees a
  // write up to this much earlier than its copy ends. 0 executes every call
  // on its own. (Simulator speed, not kernel behaviour.)
  double batch_window_s = 20e-6;

  template <class F>
  void fields(F& f) {
    f.frequency("reference_speed", reference_speed_hz);
    f.duration("syscall_entry", syscall_entry_s);
    f.duration("dio_setup", dio_setup_s);
    f.duration("dio_per_page", dio_per_page_s);
    f.duration("request_submit", request_submit_s);
    f.duration("request_complete", request_complete_s);
    f.duration("folio_alloc", folio_alloc_s);
    f.duration("folio_lookup", folio_lookup_s);
    f.duration("folio_dirty", folio_dirty_s);
    f.rate("copy_bandwidth", copy_bandwidth_Bps);
    f.duration("xfs_write_per_call", xfs_write_per_call_s);
    f.duration("ext4_write_per_call", ext4_write_per_call_s);
    f.duration("xfs_write_per_block", xfs_write_per_block_s);
    f.duration("ext4_write_per_block", ext4_write_per_block_s);
    f.duration("writeback_per_folio", writeback_per_folio_s);
    f.duration("xfs_writepages_per_call", xfs_writepages_per_call_s);
    f.duration("ext4_writepages_per_call", ext4_writepages_per_call_s);
    f.duration("xfs_writepages_per_block", xfs_writepages_per_block_s);
    f.duration("ext4_writepages_per_block", ext4_writepages_per_block_s);
    f.duration("reclaim_scan_per_folio", reclaim_scan_per_folio_s);
    f.duration("reclaim_free_per_folio", reclaim_free_per_folio_s);
    f.duration("batch_window", batch_window_s);
  }
};

}  // namespace foliosim::cpu
