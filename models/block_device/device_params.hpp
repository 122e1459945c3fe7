// One block device: scenario section "devices" (an array of these).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/param_fields.hpp"

namespace foliosim::block_device {

// Injected write errors (EIO), for error-path scenarios: requests overlapping
// [offset, offset + length) (length 0: the whole device) that complete within
// [from, to) fail, as a failing medium would (bio->bi_status = BLK_STS_IOERR);
// `to` may not be before `from`.
struct WriteErrorWindow {
  double from_s = 0;               // start of the window, simulated time
  double to_s = 1e300;             // end of the window; default: for ever
  std::uint64_t offset_bytes = 0;  // first failing byte of the device
  std::uint64_t length_bytes = 0;  // 0: the whole device fails

  template <class F>
  void fields(F& f) {
    f.duration("from", from_s);
    f.duration("to", to_s);
    f.size("offset", offset_bytes);
    f.size("length", length_bytes);
  }
  bool fails(double now_s, std::uint64_t offset, std::uint64_t length) const {
    return now_s >= from_s && now_s < to_s &&
           (length_bytes == 0 || (offset < offset_bytes + length_bytes && offset + length > offset_bytes));
  }
};

// Defaults: the reference machine's loop device (models/README.md, "Device").
// The device serialises requests' transfers on one channel (overhead plus
// bytes / bandwidth each) and overlaps their fixed latency; blk-wbt
// (block/blk-wbt.c) throttles buffered writeback in front of it.
// blk-wbt's scale steps a scenario may start at: scaled up, the depth
// doubles a step up to 3/4 of the queue (96 of 128 by -3), so -16 reaches
// any queue_depth; scaled down it halves to 1 by step 16.
inline constexpr int kMinWbtScaleStep = -16;
inline constexpr int kMaxWbtScaleStep = 16;

struct DeviceParams {
  // Name jobs and the filesystem refer to the device by (required).
  std::string name;
  // Transfer rate of writes, the per-byte part of each request's service.
  // Lower: longer writeback, fsync and O_DIRECT, earlier dirty throttling.
  // Fitted: see models/README.md, "Device".
  double write_bandwidth_Bps = 5.6e9;
  // Transfer rate of reads, the per-byte part of each read request's
  // service. Lower: a sequential reader waits longer on readahead, O_DIRECT
  // reads take longer. Fitted: see models/README.md, "Reads" (the reference
  // loop device reads at a fifth of its write rate).
  double read_bandwidth_Bps = 1.35e9;
  // Fixed cost of each request (command, flash program, completion); requests
  // in flight overlap it, only the data transfer is serialised, so it counts
  // once each time the device starts from idle. Larger: slower queue-depth-1
  // I/O and slower restarts after blk-wbt drains; deep queues hide it.
  // Fitted: see models/README.md, "Device".
  double request_latency_s = 10e-6;
  // Serialised per-request cost on the transfer channel (command
  // processing, a loop device's worker): bounds IOPS at 1 / overhead, so it
  // is what limits small requests. Fitted: see models/README.md, "Device".
  double request_overhead_s = 13e-6;
  // Serialised cost of each segment (physically contiguous piece) a request
  // carries: a DMA descriptor, an iov a loop device hands its backing file.
  // Larger: requests of many small folios or O_DIRECT pages go slower than
  // ones of a few large folios with the same bytes. Fitted: see
  // models/README.md, "Device".
  double segment_overhead_s = 0.35e-6;
  // Extra latency of a request that does not start where the one before it
  // ended (a disk's seek and rotation, a loop device's backing-file I/O at
  // a new place; next to nothing on flash). Overlapped like `latency` by
  // requests in flight: it slows random I/O at low queue depth, while a deep
  // queue of scattered writeback hides it. Fitted: see models/README.md,
  // "O_DIRECT overwrites".
  double discontiguous_latency_s = 8e-6;
  // What a cache flush costs (REQ_PREFLUSH, and REQ_FUA done as a flush after
  // the write) on a device with a volatile write cache (write_cache): a loop
  // device fsyncs its backing file. Journal and log commits pay it twice;
  // ignored without a write cache. Fitted: see models/README.md, "Device".
  double flush_latency_s = 0.215e-3;
  // Spread of each request's service on the channel (request_overhead plus
  // the transfer): a lognormal factor of median 1 and this shape per request
  // (the host's I/O under a virtual disk, a flash device's garbage
  // collection). Larger: wider O_DIRECT latencies and, since the mean
  // service grows by exp(sigma^2 / 2), slightly lower throughput; 0 turns it
  // off. Fitted: see models/README.md, "Latency spread".
  double service_sigma = 0.3;
  // Factor on each request's transfer time (its bytes / bandwidth) while a
  // task is in a buffered write call (CopyLoad): the reference loop device's
  // backing I/O goes through the host, whose memory and CPUs the writer's
  // copy into the page cache shares. Larger: a writer that copies while its
  // writeback runs (dontcache, a memory cgroup's reclaim, background
  // writeback) outruns the device sooner, so more is in flight and its
  // write phase is longer; fsync, O_DIRECT and a device without writers are
  // untouched. 1: a device with its own path to memory. Fitted: see
  // models/README.md, "Device".
  double copy_slowdown = 1.15;
  // The device's requests are served by a thread on the machine's own CPUs
  // (a loop device's worker, whose backing I/O it submits and whose
  // completions come back as softirqs on them). While copying tasks leave
  // it a single CPU, the filesystem's completion work runs there too, so
  // each ioend's completion work (cpu/*_end_io_per_call, *_end_io_per_block)
  // holds up the request after it: a filesystem whose completion work costs
  // more gets a slower device beside a writer. false: the device serves
  // from hardware of its own (an NVMe drive). Measured: see
  // models/README.md, "Device".
  bool served_on_cpus = true;
  // Stalls of the transfer channel from below the block layer (the host
  // holding a virtual disk's I/O, a flash device's internal work): Poisson
  // in time at stall_rate, each of exponential length of mean stall_mean;
  // a request they meet in the device waits them out (channel_stalls.hpp).
  // They make the rare calls far above the body of O_DIRECT latencies
  // (p99.9) and let a writer that is not held run ahead of the device for
  // their length.
  // Higher: a longer tail and, by rate times mean of the time, a slower
  // device. 0 Hz: none (a device with no host between it and the guest).
  // Fitted: see models/README.md, "Latency spread".
  double stall_rate_hz = 15;
  double stall_mean_s = 1.1e-3;
  // Requests the device services at once (queue/nr_requests, an NVMe queue's
  // depth); more wait in the block layer, where adjacent ones merge. Also
  // bounds blk-wbt's depths (rq_depth_calc_max_depth: at most 3/4 of it).
  // Default: the reference loop device's nr_requests. At most 65536, NVMe's
  // largest queue.
  std::uint64_t queue_depth = 128;
  // Largest request the block layer builds (queue/max_sectors_kb); larger
  // I/O is split, adjacent queued requests are merged up to it. Larger: fewer
  // requests, so less request_overhead per byte. Default: the reference loop
  // device's max_sectors_kb. At least 4 KiB (one page).
  std::uint64_t max_request_bytes = 1280ULL << 10;
  // Most physically contiguous pieces of memory (segments) one request
  // carries (queue/max_segments); bio_split_rw_at splits a bio at this or at
  // max_request_size, whichever comes first, and queued requests merge only
  // while both hold. A folio is one segment; an O_DIRECT call's anonymous
  // user buffer is one per 4 KiB page. Smaller: small folios and O_DIRECT
  // make more, smaller requests. Default: the reference loop device's
  // max_segments (128: a 1 MiB O_DIRECT write is two 512 KiB requests).
  std::uint64_t max_segments = 128;
  // Most a buffered reader's readahead window grows to (the bdi's
  // read_ahead_kb, queue/read_ahead_kb): a sequential reader's window starts
  // at 2-4 times its request and doubles or quadruples per window up to this.
  // Larger: fewer, larger read requests and more read ahead that a reader
  // that stops early never uses. 0 turns readahead off (each read reads what
  // it asks). Default: the reference loop device's queue/read_ahead_kb,
  // 2560 KiB (the block layer raised it from VM_READAHEAD_PAGES, 128 KiB,
  // which a device keeps when nothing raises it).
  std::uint64_t read_ahead_bytes = 2560ULL << 10;
  // Size of the device, and so of the filesystem on it: allocating blocks
  // beyond it fails the run (ENOSPC, exit 3). Not calibrated: the scenarios
  // give it.
  std::uint64_t capacity_bytes = 1ULL << 40;
  // blk-wbt's latency target (queue/wbt_lat_usec); 0 turns blk-wbt off. The
  // kernel's default is 75 ms on rotational queues and 2 ms on others; the
  // reference loop device reports 2000 us. Only reads measure against it:
  // without reads, writeback's depth grows every window.
  double wbt_latency_s = 2e-3;
  // blk-wbt's monitoring window (curr_win_nsec, RWB_WINDOW_NSEC: 100 ms) at
  // scale step 0 and above it (scaled down, it shrinks by sqrt(step + 1)):
  // the depth moves once a window. Shorter: the depth follows the device
  // faster, and more timer events.
  double wbt_window_s = 0.1;

  // The device's state when the run starts. The kernel keeps it as long as
  // the device exists, so a run on a device that has been written to
  // starts elsewhere than on a new one; the defaults are a new device's.
  // Where the bdi's write bandwidth and dirty ratelimit estimates start
  // (INIT_BW, 100 MiB/s, on a new bdi): the first sizes the flusher's first
  // chunks (writeback_chunk_size), the second the first throttled dirtiers'
  // rate; both then follow the device (bandwidth_estimate.hpp).
  double initial_write_bandwidth_Bps = 100.0 * 1024 * 1024;
  double initial_dirty_ratelimit_Bps = 100.0 * 1024 * 1024;
  // blk-wbt's scale step (rq_depth.scale_step) when the run starts: 0 on a
  // new device (wb_normal/wb_background 8/4 on the reference queue),
  // -1, -2, -3 scaled up (16/8, 31/16, 48/24), positive scaled down. A mount
  // and sync before the run move it: the reference's XFS runs start at -1
  // or -2. Lower: more writeback requests in flight from the start.
  int initial_wbt_scale_step = 0;
  // A volatile write cache ("write back" in queue/write_cache): blk-wbt then
  // wakes throttled writeback only when none of it is left in flight, so a
  // throttled writer waits for the device to drain. The reference loop
  // device reports write back.
  bool write_cache = true;
  // Pages under writeback may not change (stable pages: checksums, RAID,
  // T10-PI; the queue's BLK_FEAT_STABLE_WRITES): a write to such a folio
  // waits for its writeback (folio_wait_stable). On: overwrites of folios in
  // flight stall for the device.
  bool stable_writes = false;
  // Injected write errors (see WriteErrorWindow); none by default.
  std::vector<WriteErrorWindow> write_errors;
  // Simulator speed, not kernel behaviour (issue #18): while no task sleeps
  // on one of the device's completions, they are applied as the clock
  // passes them instead of waking the device's actor for each
  // (lazy_completions.hpp). The results are the same either way.
  bool lazy_completions = true;
  // Simulator speed (issue #18): a task whose writepages makes one request
  // that needs no sleep to submit (room on the device, no blk-wbt wait, no
  // task sleeping on the device, no other job clone doing I/O on it)
  // submits it at its own time, the clock plus the CPU work it has not run
  // yet, instead of running that work first: a dontcache call's kick then
  // costs no SimGrid sleep of its own, and calls share one per
  // cpu/batch_window (Axboe's dontcache variant: 0.5 sleeps a call at
  // 20 us, 0.11 at its 100 us, 1 without).
  // Off: every kick runs its task's CPU first. The trade-off is
  // cpu/batch_window's: the page cache sees a writer's calls up to a window
  // early, so its peaks (page_cache_peak_bytes, dirty_peak_bytes) move by up
  // to one call per writer; latencies, times and counts stay within the
  // latency histogram's resolution (tests/scenarios/submit_ahead_test.cpp).
  // Needs lazy_completions.
  bool submit_ahead = true;

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.rate("write_bandwidth", write_bandwidth_Bps);
    f.rate("read_bandwidth", read_bandwidth_Bps);
    f.duration("latency", request_latency_s);
    f.duration("request_overhead", request_overhead_s);
    f.duration("segment_overhead", segment_overhead_s);
    f.duration("discontiguous_latency", discontiguous_latency_s);
    f.duration("flush_latency", flush_latency_s);
    f.number("service_sigma", service_sigma, 0, kMaxSigma);
    f.number("copy_slowdown", copy_slowdown, 1, 100);
    f.flag("served_on_cpus", served_on_cpus);
    f.frequency("stall_rate", stall_rate_hz, Bound::kNonNegative);
    f.duration("stall_mean", stall_mean_s);
    f.count("queue_depth", queue_depth, Bound::between(1, 65536));
    f.size("max_request_size", max_request_bytes, Bound::at_least(kMinBlockBytes));
    f.count("max_segments", max_segments, Bound::between(1, 65535));
    f.size("read_ahead", read_ahead_bytes, Bound::between(0, 1ULL << 30));
    f.size("capacity", capacity_bytes, Bound::kPositive);
    f.duration("wbt_latency", wbt_latency_s);
    f.duration("wbt_window", wbt_window_s, Bound::at_least(1e-3));
    f.rate("initial_write_bandwidth", initial_write_bandwidth_Bps);
    f.rate("initial_dirty_ratelimit", initial_dirty_ratelimit_Bps);
    f.integer("initial_wbt_scale_step", initial_wbt_scale_step, kMinWbtScaleStep, kMaxWbtScaleStep);
    f.flag("write_cache", write_cache);
    f.flag("stable_writes", stable_writes);
    f.list("write_errors", write_errors);
    f.flag("lazy_completions", lazy_completions);
    f.flag("submit_ahead", submit_ahead);
  }
};

}  // namespace foliosim::block_device
