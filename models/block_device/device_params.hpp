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
struct DeviceParams {
  // Name jobs and the filesystem refer to the device by (required).
  std::string name;
  // Transfer rate of writes, the per-byte part of each request's service.
  // Lower: longer writeback, fsync and O_DIRECT, earlier dirty throttling.
  // Fitted: see models/README.md, "Device".
  double write_bandwidth_Bps = 4.5e9;
  // Transfer rate of reads. Not measured (no reads in the reference): taken
  // equal to writes.
  double read_bandwidth_Bps = 4.5e9;
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
  // Spread of each request's service on the channel (request_overhead plus
  // the transfer): a lognormal factor of median 1 and this shape per request
  // (the host's I/O under a virtual disk, a flash device's garbage
  // collection). Larger: wider O_DIRECT latencies and, since the mean
  // service grows by exp(sigma^2 / 2), slightly lower throughput; 0 turns it
  // off. Fitted: see models/README.md, "Latency spread".
  double service_sigma = 0.3;
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
  // Size of the device, and so of the filesystem on it: allocating blocks
  // beyond it fails the run (ENOSPC, exit 3). Not calibrated: the scenarios
  // give it.
  std::uint64_t capacity_bytes = 1ULL << 40;
  // blk-wbt's latency target (queue/wbt_lat_usec); 0 turns blk-wbt off. The
  // kernel's default is 75 ms on rotational queues and 2 ms on others; the
  // reference loop device reports rotational=1. Only reads measure against
  // it: without reads, writeback's depth grows every 100 ms window.
  double wbt_latency_s = 75e-3;
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

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.rate("write_bandwidth", write_bandwidth_Bps);
    f.rate("read_bandwidth", read_bandwidth_Bps);
    f.duration("latency", request_latency_s);
    f.duration("request_overhead", request_overhead_s);
    f.number("service_sigma", service_sigma, 0, kMaxSigma);
    f.count("queue_depth", queue_depth, Bound::between(1, 65536));
    f.size("max_request_size", max_request_bytes, Bound::at_least(kMinBlockBytes));
    f.size("capacity", capacity_bytes, Bound::kPositive);
    f.duration("wbt_latency", wbt_latency_s);
    f.flag("write_cache", write_cache);
    f.flag("stable_writes", stable_writes);
    f.list("write_errors", write_errors);
  }
};

}  // namespace foliosim::block_device
