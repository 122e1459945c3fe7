// One block device: scenario section "devices" (an array of these).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/json_fields.hpp"

namespace foliosim::block_device {

// Writes that fail (EIO): requests overlapping [offset, offset + length)
// (length 0: the whole device) completing within [from, to).
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
  // its buffered writeback in 1280 KiB requests, 394.5 us each in the C1 XFS
  // fsync and 377 us in the C6 XFS write phase once request_overhead is
  // taken off: 3.32 and 3.48 GB/s.
  double write_bandwidth_Bps = 3.4e9;
  // Not measured (no reads in the reference): taken equal to writes.
  double read_bandwidth_Bps = 3.4e9;
  // Fixed cost of each request (command, flash program, completion); requests
  // in flight overlap it, only the data transfer is serialised. Default: the
  // O_DIRECT p50 less the call's CPU costs, request_overhead (13 us) and the
  // transfer: 79.6 us at 4 KiB (C2), 80.5 us at 1 MiB (C1).
  double request_latency_s = 80e-6;
  // Serialised per-request cost on the transfer channel (command
  // processing, a loop device's worker): bounds IOPS at 1 / overhead.
  // Default: the loop device took 16385 requests of 4 KiB in 234.7 ms with
  // the writer waiting on it (C2 XFS dontcache), 14.3 us each, less 4 KiB at
  // 3.4 GB/s: 13 us.
  double request_overhead_s = 13e-6;
  // Requests the device services at once (nr_requests / NVMe queue depth);
  // the default is the reference loop device's nr_requests.
  std::uint64_t queue_depth = 128;
  // Largest request the block layer builds (max_sectors_kb); larger I/O is
  // split, adjacent queued requests are merged up to it. The default is the
  // reference loop device's max_sectors_kb.
  std::uint64_t max_request_bytes = 1280ULL << 10;
  std::uint64_t capacity_bytes = 1ULL << 40;
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
    f.count("queue_depth", queue_depth, Bound::kPositive);
    f.size("max_request_size", max_request_bytes, Bound::kPositive);
    f.size("capacity", capacity_bytes, Bound::kPositive);
    f.flag("stable_writes", stable_writes);
    f.list("write_errors", write_errors);
  }
};

}  // namespace foliosim::block_device
