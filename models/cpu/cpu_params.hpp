// The machine and the CPU cost of each kernel code path the simulation charges.
#pragma once

#include <cstdint>

#include "models/common/param_fields.hpp"

namespace foliosim::cpu {

// Scenario section "machine". Defaults: the reference machine of the calibration
// (models/README.md, "Machine").
struct MachineParams {
  // CPUs (cores of one SimGrid host) the writers, the flusher, kswapd and
  // completion work share: with fewer CPUs than actors busy at once, they
  // share CPU time and each path takes longer. At most 8192 (x86-64's
  // largest NR_CPUS): each CPU is simulated.
  std::uint64_t cpus = 2;
  // Clock of every CPU: every cost in "cpu" is scaled by
  // reference_speed / cpu_speed, so doubling it halves every kernel path's
  // CPU time (not the device's). Default: equal to cpu.reference_speed. At
  // least 1 MHz (kMinFrequencyHz), as reference_speed.
  double cpu_speed_hz = 2.5e9;
  // Physical memory (MemTotal): sizes the watermarks (min_free_kbytes), the
  // free memory reclaim keeps and the dirtyable memory the dirty thresholds
  // are a ratio of. More memory: more cache before reclaim, higher dirty
  // thresholds. Default: the reference machine's MemTotal, 24684092 KiB. Must
  // hold page_cache.other_memory, the high watermark and one largest folio.
  std::uint64_t memory_bytes = 24684092ULL << 10;
  // Interruptions of a writer's kernel work (timer ticks, IPIs, the host
  // preempting the vCPU): a Poisson process over the writer's CPU busy time,
  // at this rate per CPU-second, each adding a stall of exponentially
  // distributed length of mean interrupt_stall (counted as CPU busy: the
  // core is not free meanwhile). They make the rare slow calls of the tail;
  // a higher rate also raises the mean call time by rate * stall. 0 turns
  // them off. Fitted: see models/README.md, "Latency spread".
  double interrupt_rate_hz = 3800;
  double interrupt_stall_s = 10e-6;
  // From a wake-up to the woken task running (try_to_wake_up, the IPI, the
  // context switch): a task woken when a sleeping lock is released runs this
  // much later, so the releaser, still running, usually takes the lock again
  // first (rw_semaphore lock stealing). Prior, not fitted: see
  // models/README.md, "Machine".
  double wakeup_latency_s = 5e-6;
  // From a bio completion that queues its ioend for the filesystem's
  // completion work (XFS's xfs_end_io, ext4's unwritten-extent conversion:
  // extending and drop-behind writeback) to the kworker running it: per
  // run, a lognormal of this median and shape. Until then the ioend's folios
  // stay under writeback, so more of a writer's pages are under writeback
  // than the device holds, and fsync waits for the last run. 0: ended where
  // the bio completes. Median traced on the reference machine, shape
  // fitted: see models/README.md, "Machine".
  double completion_wakeup_latency_s = 24e-6;
  double completion_wakeup_sigma = 1.0;

  template <class F>
  void fields(F& f) {
    f.count("cpus", cpus, Bound::between(1, 8192));
    f.frequency("cpu_speed", cpu_speed_hz);
    f.size("memory", memory_bytes, Bound::kPositive);
    f.frequency("interrupt_rate", interrupt_rate_hz, Bound::kNonNegative);
    f.duration("interrupt_stall", interrupt_stall_s);
    f.duration("wakeup_latency", wakeup_latency_s);
    f.duration("completion_wakeup_latency", completion_wakeup_latency_s);
    f.number("completion_wakeup_sigma", completion_wakeup_sigma, 0, kMaxSigma);
  }
};

// Scenario section "cpu": the CPU time of each kernel code path the model
// charges, as measured on a CPU running at reference_speed. A larger cost
// makes that path slower on the CPU that runs it (a writer's calls, the
// flusher, kswapd, completions) and, where the path is the bottleneck, its
// throughput lower; no cost changes the simulator's speed. Every default is
// fitted to, or a prior for, the reference machine: models/README.md, "CPU
// costs", which also gives each fitted value's derivation.
struct CpuCostParams {
  // Clock the costs below were measured at: the unit of the costs, not a
  // machine property (machine.cpu_speed scales them).
  double reference_speed_hz = 2.5e9;
  // Per system call (write, pwritev2, fsync): entry, exit, fd lookup,
  // generic_write_checks. Prior: see models/README.md, "CPU costs".
  double syscall_entry_s = 0.4e-6;
  // Per O_DIRECT call (iomap_dio_rw): unwritten-extent allocation before the
  // I/O, its conversion and the i_size update after it, the sleep and
  // wake-up around it. Sets the small-block O_DIRECT latency floor.
  // Fitted: see models/README.md, "CPU costs".
  double dio_setup_s = 100e-6;
  // Per O_DIRECT read call, in place of dio_setup: mapping the extents (a
  // read allocates and converts nothing), the sleep and the wake-up around
  // the I/O. Sets the small-block O_DIRECT read latency floor beside the
  // device's. Fitted: see models/README.md, "Reads".
  double dio_read_setup_s = 5e-6;
  // Per O_DIRECT write that overwrites written blocks inside i_size, in
  // place of dio_setup: no allocation before the I/O, no conversion or
  // i_size update after it, the sleep and the wake-up still. Derived: see
  // models/README.md, "O_DIRECT overwrites".
  double dio_overwrite_setup_s = 63e-6;
  // Per 4 KiB page of an O_DIRECT call: pinning the user page
  // (iov_iter_extract_pages), and what a 4 KiB segment costs the device
  // beyond its bandwidth. Sets how O_DIRECT latency grows with the block size.
  // Fitted: see models/README.md, "CPU costs".
  double dio_per_page_s = 0.06e-6;
  // Per device request, on the submitter's CPU: building the bio, blk-mq tag
  // and dispatch (submit_bio). Prior: see models/README.md, "CPU costs".
  double request_submit_s = 1.5e-6;
  // Per device request, charged as completion work: interrupt, bio_endio,
  // waking the waiter. Prior: see models/README.md, "CPU costs".
  double request_complete_s = 2.0e-6;
  // Per page fault on a file mapping (exception entry and exit,
  // handle_mm_fault, filemap_fault or the fault-around that satisfies it).
  // Prior, not fitted: see models/README.md, "CPU costs".
  double page_fault_s = 1.0e-6;
  // Per page a fault maps (set_pte_range in filemap_map_pages and
  // finish_fault). Prior, not fitted: see models/README.md, "CPU costs".
  double fault_map_per_page_s = 0.04e-6;

  // Buffered write path (generic_perform_write / iomap_write_iter).
  // Per new folio: allocation, memcg charge, page cache insertion, LRU add
  // (__filemap_get_folio with FGP_CREAT). Counts per folio, not per byte, so
  // small folios pay it more often. Prior: see models/README.md, "CPU costs".
  double folio_alloc_s = 0.9e-6;
  // Per folio already cached (an overwrite): lookup, lock, accessed marking
  // (filemap_get_entry, folio_mark_accessed). Prior: see models/README.md.
  double folio_lookup_s = 0.25e-6;
  // Per folio written: write_end, marking it and the inode dirty
  // (filemap_dirty_folio, __mark_inode_dirty). Prior: see models/README.md.
  double folio_dirty_s = 0.25e-6;
  // copy_from_user throughput into the folios: the per-byte part of every
  // buffered write; lower it and large buffered writes slow in proportion.
  // Fitted: see models/README.md, "CPU costs".
  double copy_bandwidth_Bps = 18.35e9;
  // Per buffered write call, the filesystem's write_iter around the copy
  // (XFS: iomap_begin/end, ilock, delalloc reservation; ext4: write_begin).
  // Dominates small (4 KiB) buffered writes. Fitted: see models/README.md.
  double xfs_write_per_call_s = 1.61e-6;
  double ext4_write_per_call_s = 1.58e-6;
  // Per filesystem block of a buffered write: ext4's buffer heads and block
  // reservation (ext4_da_write_begin); XFS maps whole extents and pays almost
  // nothing. Sets how ext4's latency grows with the block count.
  // Fitted: see models/README.md, "CPU costs".
  double xfs_write_per_block_s = 0.0;
  double ext4_write_per_block_s = 0.412e-6;
  // Per buffered write call that overwrites written blocks inside i_size,
  // in place of *_write_per_call: no delalloc reservation and no i_size
  // update (XFS: xfs_buffered_write_iomap_begin finds a written extent,
  // xfs_setfilesize has nothing to log; ext4: ext4_da_write_begin's
  // overwrite path, ext4_nonda_switch finds nothing to reserve). The
  // allocating costs above were fitted to extending writes and stay theirs.
  // Derived: see models/README.md, "Overwrites".
  double xfs_overwrite_per_call_s = 0.685e-6;
  double ext4_overwrite_per_call_s = 2.65e-6;
  // Per XFS buffered write that starts past EOF (xfs_file_write_zero_eof):
  // iomap_zero_range over [i_size, pos), a mapping per extent of the gap,
  // the speculative preallocation there converted to unwritten extents. An
  // append (pos at i_size) pays nothing; a sparse extending stream pays it
  // every call. Derived: see models/README.md, "Writes past EOF".
  double xfs_zero_eof_s = 3.72e-6;

  // Writeback (writepages), on the CPU of whoever submits it (flusher, fsync,
  // a dontcache writer's kick): per folio cleared for I/O, added to a bio
  // and ended at completion (folio_start_writeback, folio_end_writeback).
  // Larger: writeback of small folios is bound by its submitter's CPU (C2's
  // fsync of 4 KiB folios is). Fitted: see models/README.md, "CPU costs".
  double writeback_per_folio_s = 1.8e-6;
  // The filesystem's writepages per call and per block, around the folios
  // (XFS: xfs_map_blocks, the delalloc conversion; ext4: journal handle,
  // block allocation, every buffer head). They add to each dontcache call
  // (its inline kick runs writepages) and to the flusher's and fsync's CPU.
  // Fitted: see models/README.md, "CPU costs".
  double xfs_writepages_per_call_s = 0.21e-6;
  double ext4_writepages_per_call_s = 6.32e-6;
  double xfs_writepages_per_block_s = 0.0454e-6;
  double ext4_writepages_per_block_s = 0.305e-6;
  // Per folio, beyond writeback_per_folio: ext4 walks each folio's buffer
  // heads as it adds the folio to its bio (ext4_bio_write_folio); iomap adds
  // a folio as a whole. Sets how much slower ext4 writes back small folios.
  // Fitted: see models/README.md, "CPU costs".
  double xfs_writepages_per_folio_s = 0.0;
  double ext4_writepages_per_folio_s = 0.2e-6;
  // The filesystem's completion work per ioend it ends in task context
  // (CompletionWork: XFS's xfs_end_io, ext4's unwritten-extent conversion
  // in ext4_end_io_rsv_work), per ioend and per block: a journal handle or
  // transaction, the extent update, the folios ended (and dropped). Charged
  // as completion work; on a device served from the machine's CPUs with
  // none free for it (DeviceParams::served_on_cpus) it holds up the next
  // request. Measured: see models/README.md, "CPU costs".
  double xfs_end_io_per_call_s = 1.3e-6;
  double ext4_end_io_per_call_s = 4.8e-6;
  double xfs_end_io_per_block_s = 0.036e-6;
  double ext4_end_io_per_block_s = 0.22e-6;
  // Reclaim (shrink_folio_list): per folio scanned, and per folio freed, by
  // kswapd or a writer in direct reclaim. Per folio, so large folios are
  // cheap to reclaim per byte (reclaim/free_per_page adds a per-page cost).
  // Priors: see models/README.md, "CPU costs" and the C6 p50 gap.
  double reclaim_scan_per_folio_s = 0.1e-6;
  double reclaim_free_per_folio_s = 0.4e-6;
  // Reclaim, per filesystem block of a folio it frees: releasing the
  // folio's filesystem data (release_folio). ext4 frees a buffer head per
  // block (try_to_free_buffers); XFS frees one iomap_folio_state a folio.
  // Sets how much dearer reclaim is on ext4. Fitted: see models/README.md.
  double xfs_release_per_block_s = 0.0;
  double ext4_release_per_block_s = 0.26e-6;
  // Per log commit an fsync waits for, besides its writes: XFS's CIL push,
  // ext4's jbd2 commit (waking the journal thread, writing the transaction's
  // buffers out). Sets the floor of an fsync with nothing dirty but
  // metadata. Fitted: see models/README.md, "CPU costs".
  double xfs_log_commit_s = 0.0;
  double ext4_log_commit_s = 170e-6;

  // A writer's CPU work is executed in batches of up to this much simulated
  // time instead of one SimGrid execution per call: the page cache sees a
  // write up to this much earlier than its copy ends. Simulator speed, not
  // kernel behaviour: larger runs faster and blurs the order of events within
  // the window; 0 executes every call on its own (exact, slowest).
  double batch_window_s = 20e-6;

  // Spread of each call's CPU work: every system call draws a lognormal
  // factor of median 1 per kind of work (the costs above stay the medians,
  // so a call's p50 stays where they were fitted; the mean rises by
  // exp(sigma^2 / 2)). Larger: wider latency distributions, a longer write
  // phase; 0 turns that kind's spread off. Fitted: see models/README.md,
  // "Latency spread".
  // The code paths' per-call, per-folio and per-block work (cache and TLB
  // state, frequency).
  double call_sigma = 0.05;
  // The copy into the page cache, per byte (memory bandwidth, the cache
  // state of the source and of the new folios).
  double copy_sigma = 0.42;
  // dio_setup, with its sleep and wake-up around the I/O.
  double dio_setup_sigma = 0.27;

  template <class F>
  void fields(F& f) {
    f.frequency("reference_speed", reference_speed_hz);
    f.duration("syscall_entry", syscall_entry_s);
    f.duration("dio_setup", dio_setup_s);
    f.duration("dio_read_setup", dio_read_setup_s);
    f.duration("dio_overwrite_setup", dio_overwrite_setup_s);
    f.duration("dio_per_page", dio_per_page_s);
    f.duration("request_submit", request_submit_s);
    f.duration("request_complete", request_complete_s);
    f.duration("page_fault", page_fault_s);
    f.duration("fault_map_per_page", fault_map_per_page_s);
    f.duration("folio_alloc", folio_alloc_s);
    f.duration("folio_lookup", folio_lookup_s);
    f.duration("folio_dirty", folio_dirty_s);
    f.rate("copy_bandwidth", copy_bandwidth_Bps);
    f.duration("xfs_write_per_call", xfs_write_per_call_s);
    f.duration("ext4_write_per_call", ext4_write_per_call_s);
    f.duration("xfs_write_per_block", xfs_write_per_block_s);
    f.duration("ext4_write_per_block", ext4_write_per_block_s);
    f.duration("xfs_overwrite_per_call", xfs_overwrite_per_call_s);
    f.duration("ext4_overwrite_per_call", ext4_overwrite_per_call_s);
    f.duration("xfs_zero_eof", xfs_zero_eof_s);
    f.duration("writeback_per_folio", writeback_per_folio_s);
    f.duration("xfs_writepages_per_call", xfs_writepages_per_call_s);
    f.duration("ext4_writepages_per_call", ext4_writepages_per_call_s);
    f.duration("xfs_writepages_per_block", xfs_writepages_per_block_s);
    f.duration("ext4_writepages_per_block", ext4_writepages_per_block_s);
    f.duration("xfs_writepages_per_folio", xfs_writepages_per_folio_s);
    f.duration("ext4_writepages_per_folio", ext4_writepages_per_folio_s);
    f.duration("xfs_end_io_per_call", xfs_end_io_per_call_s);
    f.duration("ext4_end_io_per_call", ext4_end_io_per_call_s);
    f.duration("xfs_end_io_per_block", xfs_end_io_per_block_s);
    f.duration("ext4_end_io_per_block", ext4_end_io_per_block_s);
    f.duration("reclaim_scan_per_folio", reclaim_scan_per_folio_s);
    f.duration("reclaim_free_per_folio", reclaim_free_per_folio_s);
    f.duration("xfs_release_per_block", xfs_release_per_block_s);
    f.duration("ext4_release_per_block", ext4_release_per_block_s);
    f.duration("xfs_log_commit", xfs_log_commit_s);
    f.duration("ext4_log_commit", ext4_log_commit_s);
    f.duration("batch_window", batch_window_s);
    f.number("call_sigma", call_sigma, 0, kMaxSigma);
    f.number("copy_sigma", copy_sigma, 0, kMaxSigma);
    f.number("dio_setup_sigma", dio_setup_sigma, 0, kMaxSigma);
  }
};

}  // namespace foliosim::cpu
