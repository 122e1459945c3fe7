// One block device: scenario section "devices" (an array of these).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/param_fields.hpp"

namespace foliosim::block_device {

// Writes that fail (EIO): requests overlapping [offset, offset + length)
// (length 0: the whole device) completing within [from, to); `to` may not
// be before `from`.
struct WriteErrorWindow {
  double from_s = 0;
  double to_s = 1e300;  // for ever
  std::uint64_t offset_bytes = 0;
  std::uint64_t length_bytes = 0;

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

struct DeviceParams {
  std::string name;
  // Defaults: the reference machine's loop device (models/README.md). Write:
  // it takes dontcache's 1 MiB requests at 203 to 225 us a MiB and buffered
  // writeback's 1280 KiB requests at 254 to 326 us a MiB; 4.5 GB/s lies
  // between, where the largest errors (C6 XFS buffered and dontcache walls,
  // -21.6 % and +18.7 %) balance.
  double write_bandwidth_Bps = 4.5e9;
  // Not measured (no reads in the reference): taken equal to writes.
  double read_bandwidth_Bps = 4.5e9;
  // Fixed cost of each request (command, flash program, completion); requests
  // in flight overlap it, only the data transfer is serialised, so it counts
  // once each time the device starts from idle. Default: blk-wbt drains the
  // device every 8 to 48 requests in C2 XFS dontcache, which leaves 0.41 us
  // a request beyond overhead and transfer: 3 to 20 us a restart; 10 us.
  double request_latency_s = 10e-6;
  // Serialised per-request cost on the transfer channel (command
  // processing, a loop device's worker): bounds IOPS at 1 / overhead.
  // Default: the loop device took 16385 requests of 4 KiB in 234.7 ms with
  // the writer waiting on it (C2 XFS dontcache), 14.32 us each, less 4 KiB at
  // 4.5 GB/s and 0.4 us of blk-wbt's restarts: 13 us.
  double request_overhead_s = 13e-6;
  // Requests the device services at once (nr_requests / NVMe queue depth);
  // the default is the reference loop device's nr_requests. At most 65536,
  // NVMe's largest queue.
  std::uint64_t queue_depth = 128;
  // Largest request the block layer builds (max_sectors_kb); larger I/O is
  // split, adjacent queued requests are merged up to it. The default is the
  // reference loop device's max_sectors_kb. At least 4 KiB (one page).
  std::uint64_t max_request_bytes = 1280ULL << 10;
  std::uint64_t capacity_bytes = 1ULL << 40;
  // blk-wbt's latency target (queue/wbt_lat_usec); 0 turns blk-wbt off. The
  // kernel's default is 75 ms on rotational queues and 2 ms on others; the
  // reference loop device reports rotational=1. Only reads measure against
  // it: without reads, writeback's depth grows every 100 ms window.
  double wbt_latency_s = 75e-3;
  // A volatile write cache ("write back" in queue/write_cache): blk-wbt then
  // wakes throttled writeback only when none of it is left in flight. The
  // reference loop device reports write back.
  bool write_cache = true;
  // Pages under writeback may not change (stable pages: checksums, RAID,
  // T10-PI): a write to such a folio waits for its writeback (folio_wait_stable).
  bool stable_writes = false;
  std::vector<WriteErrorWindow> write_errors;

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.rate("write_bandwidth", write_bandwidth_Bps);
    f.rate("read_bandwidth", read_bandwidth_Bps);
    f.duration("latency", request_latency_s);
    f.duration("request_overhead", request_overhead_s);
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
