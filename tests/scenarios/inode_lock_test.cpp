// The inode lock between a reader and a writer of one file, as each
// filesystem takes it, worked out by hand on the bare scenario (no CPU cost,
// a device of 95 us per request plus 3 GB/s). A 1 MiB file is written with
// O_DIRECT at t=0 (one extent, nothing cached); from 1 s a reader and a
// writer meet on it, the second 50 us after the first.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

constexpr double kRequestS = 95e-6;
constexpr double kBandwidthBps = 3e9;
constexpr double kLaterS = 50e-6;
// machine.wakeup_latency's default: a waiter runs this long after the release.
constexpr double kWakeupS = 5e-6;

// The file, then `first` at 1 s and `second` 50 us later, both on it; the
// second writes (or reads) at 1 MiB, past what the first touches.
Scenario meeting(workload::JobParams first, workload::JobParams second, filesystem::FilesystemKind fs) {
  Scenario s = bare_scenario();
  s.filesystem.type = fs;
  s.filesystem.log_writes = false;
  auto file = direct_job("file", 1 * MiB, 1 * MiB);
  file.filename = "f";
  first.filename = second.filename = "f";
  first.startdelay_s = 1;
  second.startdelay_s = 1 + kLaterS;
  s.jobs = {file, first, second};
  return s;
}

double us(const Json& v) { return v.get<double>() * 1e-6; }

// On ext4, copying at 1 GB/s and nothing else: writer a writes `a_bytes` in
// `a_bs_bytes` calls from 1 s; writer b, 50 us later, one 4 KiB call past it.
Json two_writers(std::uint64_t a_bs_bytes, std::uint64_t a_bytes) {
  auto a = buffered_job("a", a_bs_bytes, a_bytes);
  auto b = buffered_job("b", 4 * KiB, 4 * KiB);
  b.offset_bytes = a_bytes;
  Scenario s = meeting(a, b, filesystem::FilesystemKind::kExt4);
  s.cpu.copy_bandwidth_Bps = 1e9;
  s.tail_percentile = 0;
  return simulate_isolated(s).summary;
}

}  // namespace

TEST_CASE("inode lock: a buffered writer waits for an XFS buffered read of its file, not for an ext4 one") {
  // The reader reads the whole uncached MiB in one call: one request,
  // 95 us + 1 MiB / 3 GB/s, under XFS's iolock held shared. The writer
  // appends 4 KiB at 1 MiB 50 us later and needs the lock exclusive.
  auto reader = reading(buffered_job("reader", 1 * MiB, 1 * MiB));
  auto writer = buffered_job("writer", 4 * KiB, 4 * KiB);
  writer.offset_bytes = 1 * MiB;
  const double read_s = kRequestS + double(MiB) / kBandwidthBps;
  SUBCASE("XFS: the writer waits until the read returns") {
    Scenario s = meeting(reader, writer, filesystem::FilesystemKind::kXfs);
    s.tail_percentile = 0;  // every write in the tail
    Json r = simulate_isolated(s).summary;
    CHECK(us(r["read_latency_us"]["max"]) == doctest::Approx(read_s).epsilon(1e-3));
    CHECK(us(r["read_latency_split_mean_us"]["inode_lock"]) == 0);
    // Two write calls: the file's O_DIRECT one (no wait) and the append,
    // which waits from 50 us into the read to its end.
    CHECK(r["write_calls"] == 2);
    CHECK(us(r["write_latency_split_mean_us"]["inode_lock"]) ==
          doctest::Approx((read_s - kLaterS + kWakeupS) / 2).epsilon(1e-3));
    CHECK(r["tail_attribution"]["inode_lock"].get<double>() > 0);
  }
  SUBCASE("ext4: buffered reads take no inode lock, so the writer does not wait") {
    Json r = simulate_isolated(meeting(reader, writer, filesystem::FilesystemKind::kExt4)).summary;
    CHECK(us(r["read_latency_us"]["max"]) == doctest::Approx(read_s).epsilon(1e-3));
    CHECK(r["write_latency_split_mean_us"]["inode_lock"] == 0);
    // The append is the faster of the two write calls.
    CHECK(us(r["write_latency_us"]["p50"]) < 1e-6);
  }
}

TEST_CASE("inode lock: an O_DIRECT reader waits for an extending ext4 O_DIRECT write, not for an XFS one") {
  // The writer appends 4 KiB at 1 MiB with O_DIRECT: one request, 95 us +
  // 4 KiB / 3 GB/s. ext4 holds i_rwsem exclusive for a write that extends
  // the file (ext4_dio_write_checks); XFS shared (xfs_file_dio_write_aligned).
  // The reader, 50 us later, reads 64 KiB at 0 with O_DIRECT under the lock
  // shared.
  auto writer = direct_job("writer", 4 * KiB, 4 * KiB);
  writer.offset_bytes = 1 * MiB;
  auto reader = reading(direct_job("reader", 64 * KiB, 64 * KiB));
  const double write_s = kRequestS + 4 * double(KiB) / kBandwidthBps;
  const double read_s = kRequestS + 64 * double(KiB) / kBandwidthBps;
  SUBCASE("ext4: the read starts when the write has returned") {
    Json r = simulate_isolated(meeting(writer, reader, filesystem::FilesystemKind::kExt4)).summary;
    CHECK(us(r["read_latency_split_mean_us"]["inode_lock"]) ==
          doctest::Approx(write_s - kLaterS + kWakeupS).epsilon(1e-3));
    CHECK(us(r["read_latency_us"]["max"]) == doctest::Approx(write_s - kLaterS + kWakeupS + read_s).epsilon(1e-3));
    CHECK(r["tail_attribution_reads"]["inode_lock"].get<double>() > 0);
  }
  SUBCASE("XFS: both hold the iolock shared; the read waits for nobody's lock") {
    Json r = simulate_isolated(meeting(writer, reader, filesystem::FilesystemKind::kXfs)).summary;
    CHECK(r["read_latency_split_mean_us"]["inode_lock"] == 0);
  }
}

TEST_CASE("inode lock: a buffered writer of a file waits for another's call to return") {
  // Copying at 1 GB/s: a 1 MiB call holds the lock 1048.576 us; a 4 KiB
  // call on the same file 50 us later waits for it, runs 5 us after it
  // returns (the wake-up latency), then copies 4.096 us.
  Json r = two_writers(1 * MiB, 1 * MiB);
  const double a_s = double(MiB) / 1e9, b_s = 4 * double(KiB) / 1e9;
  CHECK(r["write_calls"] == 3);
  CHECK(us(r["write_latency_us"]["max"]) == doctest::Approx(a_s).epsilon(2e-3));
  // The three calls' mean wait: only b's.
  CHECK(us(r["write_latency_split_mean_us"]["inode_lock"]) ==
        doctest::Approx((a_s - kLaterS + kWakeupS) / 3).epsilon(2e-3));
  // b returns when it has waited, woken and copied: the write phase ends then.
  CHECK(r["write_phase_s"].get<double>() == doctest::Approx(1 + a_s + kWakeupS + b_s).epsilon(1e-7));
}

TEST_CASE("inode lock: a writer that keeps calling steals the lock until a waiter has waited 4 ms") {
  // a makes 4 KiB calls back to back (4.096 us each, copying at 1 GB/s) for
  // 4.2 ms; b's one call 50 us in finds the lock held. Each of a's releases
  // wakes b, but b runs 5 us later and a has taken the lock again by then
  // (rw_semaphore lock stealing), until b has waited RWSEM_WAIT_TIMEOUT,
  // 4 ms: the next release hands the lock to b. FIFO hand-over would have
  // let b in after one of a's calls.
  Json r = two_writers(4 * KiB, 4 * MiB);
  const double call_s = 4 * double(KiB) / 1e9;
  CHECK(r["write_calls"] == 1 + 1024 + 1);
  // b: 4 ms of waiting, up to one more of a's calls, then its own copy.
  CHECK(us(r["write_latency_us"]["max"]) > 4e-3);
  CHECK(us(r["write_latency_us"]["max"]) < 4e-3 + 2 * call_s + kWakeupS + 1e-6);
  // a, once b holds it: b's call, then a's wake-up and its own call.
  CHECK(us(r["write_latency_us"]["p999"]) < 4e-3);
}
