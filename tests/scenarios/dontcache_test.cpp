// Uncached (RWF_DONTCACHE) writes end to end, against values worked out by hand.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

workload::JobParams dontcache_job(const std::string& name, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  auto job = buffered_job(name, bs_bytes, size_bytes);
  job.mode = workload::IoMode::kDontcache;
  job.end_fsync = true;
  return job;
}

// Application bytes = device bytes written successfully + dirty bytes + bytes
// at risk, counting the filesystem's zeroing as written bytes (no overwrites).
void check_conservation(const Json& r) {
  const auto app = r["app_write_bytes"].get<std::uint64_t>() + r["zeroed_bytes"].get<std::uint64_t>();
  CHECK(app == r["device_write_ok_bytes"].get<std::uint64_t>() + r["dirty_end_bytes"].get<std::uint64_t>() +
                   r["bytes_at_risk"].get<std::uint64_t>());
}

}  // namespace

TEST_CASE("dontcache: every new folio is dropped when its writeback completes") {
  Scenario s = bare_scenario();
  s.cpu.request_submit_s = 1e-6;
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 64 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_write_bytes"] == 64 * MiB);
  CHECK(r["dropbehind_dropped_bytes"] == 64 * MiB);
  CHECK(r["page_cache_end_bytes"] == 0);
  // Each write kicks its own 1 MiB: one request per write, none merged.
  CHECK(r["device_write_requests"] == 64);
  // Inline kick: the writer submits its one request itself, 1 us each; the
  // queue never fills (one write's I/O ends long before the next is copied).
  CHECK(r["write_latency_split_mean_us"]["kick_submission"].get<double>() == doctest::Approx(1.0));
  CHECK(r["cpu_busy_s"]["flusher"].get<double>() == 0);
  check_conservation(r);
}

TEST_CASE("dontcache: completions in interrupt context cannot drop, the folios stay cached") {
  Scenario s = bare_scenario();
  s.filesystem.completion_context = filesystem::CompletionContext::kIrq;
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 64 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["dropbehind_dropped_bytes"] == 0);
  CHECK(r["dropbehind_kept_bytes"] == 64 * MiB);
  CHECK(r["page_cache_end_bytes"] == 64 * MiB);
  CHECK(r["dropbehind_end_bytes"] == 64 * MiB);  // still marked, clean
}

TEST_CASE("dontcache: the flusher kick leaves submission out of the writer's latency") {
  Scenario s = bare_scenario();
  s.page_cache.dontcache_kick = page_cache::DontcacheKick::kFlusher;
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 64 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["write_latency_split_mean_us"]["kick_submission"].get<double>() == 0);
  CHECK(r["dropbehind_dropped_bytes"] == 64 * MiB);
  CHECK(r["page_cache_end_bytes"] == 0);
}

TEST_CASE("dontcache as merged in 6.14 kicked the range after the write: nothing is written until fsync") {
  Scenario s = bare_scenario();
  s.page_cache.dontcache_kick_range = page_cache::DontcacheKickRange::kAfterWrite;
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 64 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["after_write_phase"]["device_write_bytes"] == 0);
  CHECK(r["after_write_phase"]["dirty_bytes"] == 64 * MiB);
  CHECK(r["dropbehind_dropped_bytes"] == 64 * MiB);  // fsync's writeback drops them
}

TEST_CASE("dontcache over a file already cached uses the folios as they are: nothing is dropped") {
  Scenario s = bare_scenario();
  auto cached = buffered_job("cached", 1 * MiB, 64 * MiB);
  cached.filename = "shared";
  cached.end_fsync = true;
  auto uncached = dontcache_job("uncached", 1 * MiB, 64 * MiB);
  uncached.filename = "shared";
  uncached.startdelay_s = 1;  // after the cached writer's fsync
  s.jobs = {cached, uncached};
  Json r = simulate_isolated(s).summary;
  CHECK(r["dropbehind_dropped_bytes"] == 0);
  CHECK(r["page_cache_end_bytes"] == 64 * MiB);
  CHECK(r["device_write_bytes"] == 128 * MiB);
}

TEST_CASE("a cached writer racing a dontcache writer clears the marks it touches") {
  Scenario s = bare_scenario();
  // Keep the folios dirty until fsync.
  s.page_cache.dontcache_kick_range = page_cache::DontcacheKickRange::kAfterWrite;
  auto uncached = dontcache_job("uncached", 1 * MiB, 64 * MiB);
  uncached.filename = "shared";
  uncached.end_fsync = false;
  auto cached = buffered_job("cached", 1 * MiB, 32 * MiB);
  cached.filename = "shared";
  cached.startdelay_s = 1;  // rewrites the first half, still dirty and marked
  cached.end_fsync = true;  // writes everything back
  s.jobs = {uncached, cached};
  Json r = simulate_isolated(s).summary;
  // The first 32 MiB lost their mark to the cached writer and stay; the rest
  // are dropped at writeback.
  CHECK(r["dropbehind_dropped_bytes"] == 32 * MiB);
  CHECK(r["page_cache_end_bytes"] == 32 * MiB);
}

TEST_CASE("an mmapped file keeps its folios") {
  Scenario s = bare_scenario();
  auto job = dontcache_job("w", 1 * MiB, 16 * MiB);
  job.mmap = true;
  s.jobs.push_back(job);
  Json r = simulate_isolated(s).summary;
  CHECK(r["dropbehind_dropped_bytes"] == 0);
  CHECK(r["page_cache_end_bytes"] == 16 * MiB);
}

TEST_CASE("a filesystem without FOP_DONTCACHE fails the writes with EOPNOTSUPP") {
  Scenario s = bare_scenario();
  s.filesystem.dontcache_supported = false;
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 16 * MiB));
  Json r = simulate_isolated(s).summary;
  CHECK(r["write_call_errors"]["EOPNOTSUPP"] == 16);
  CHECK(r["app_write_bytes"] == 0);
  CHECK(r["device_write_bytes"] == 0);
}

TEST_CASE("zeroing on behalf of a dontcache write leaves ordinary cached folios unless marked") {
  Scenario s = bare_scenario();
  auto job = dontcache_job("w", 2 * KiB, 0);
  job.number_ios = 6;
  job.stride_bytes = 64 * KiB;
  s.jobs.push_back(job);
  SUBCASE("as merged: each extension zeroes the EOF block's tail, whose folio stays cached") {
    // Writes 1 to 5 each zero the 2 KiB past the last one's end, in its
    // block (iomap_zero_range): that block's folio, no longer drop-behind,
    // stays cached, five of 4 KiB; the sixth write's is dropped. The kicks
    // write 6 blocks, fsync the 5 zeroed ones again: 11 reach the device.
    Json r = simulate_isolated(s).summary;
    CHECK(r["zeroed_bytes"] == 5 * 2 * KiB);
    CHECK(r["page_cache_end_bytes"] == 5 * 4 * KiB);
    CHECK(r["device_write_bytes"] == 11 * 4 * KiB);
  }
  SUBCASE("with the zero range marked: dropped too") {
    s.filesystem.zero_range_dropbehind = true;
    Json r = simulate_isolated(s).summary;
    CHECK(r["zeroed_bytes"] == 5 * 2 * KiB);
    CHECK(r["page_cache_end_bytes"] == 0);
  }
  SUBCASE("whole blocks before 6.10: each kick converts the preallocation, nothing is left to zero") {
    // Write 2 reserves 16 blocks past its granule; its kick allocates the
    // whole delalloc extent as unwritten (xfs_bmapi_convert_delalloc), which
    // iomap_zero_range skips: the gap zeroing of the old kernels needs the
    // preallocation still delalloc, as buffered writes leave it.
    s.filesystem.zeroing = filesystem::Zeroing::kBefore6_10;
    s.jobs[0].bs_bytes = 4 * KiB;
    Json r = simulate_isolated(s).summary;
    CHECK(r["zeroed_bytes"] == 0);
    CHECK(r["page_cache_end_bytes"] == 0);
    s.jobs[0].mode = workload::IoMode::kBuffered;
    r = simulate_isolated(s).summary;
    CHECK(r["zeroed_bytes"] == 3 * 60 * KiB);  // as in filesystem_test's sparse stream
  }
}

TEST_CASE("write errors: fsync reports EIO once and the data is counted at risk") {
  Scenario s = bare_scenario();
  s.devices[0].write_errors.push_back({});  // every write fails, for ever
  SUBCASE("buffered: the folios stay cached, clean, at risk") {
    auto job = buffered_job("w", 1 * MiB, 16 * MiB);
    job.end_fsync = true;
    s.jobs.push_back(job);
    Json r = simulate_isolated(s).summary;
    CHECK(r["fsync_errors"] == 1);
    CHECK(r["write_errors"] == 13);  // 16 MiB in 1280 KiB requests: 12 full + 1
    CHECK(r["device_write_ok_bytes"] == 0);
    CHECK(r["bytes_at_risk"] == 16 * MiB);
    CHECK(r["bytes_lost"] == 0);
    CHECK(r["page_cache_end_bytes"] == 16 * MiB);
    check_conservation(r);
  }
  SUBCASE("dontcache: failed folios are dropped, their data lost, and said so") {
    s.jobs.push_back(dontcache_job("w", 1 * MiB, 16 * MiB));
    Json r = simulate_isolated(s).summary;
    CHECK(r["fsync_errors"] == 1);
    CHECK(r["write_errors"] == 16);
    CHECK(r["bytes_lost"] == 16 * MiB);
    CHECK(r["bytes_at_risk"] == 16 * MiB);
    CHECK(r["page_cache_end_bytes"] == 0);
    check_conservation(r);
  }
  SUBCASE("dontcache keeping failed folios: cached, still at risk") {
    s.page_cache.dropbehind_on_error = page_cache::DropbehindOnError::kKeep;
    s.jobs.push_back(dontcache_job("w", 1 * MiB, 16 * MiB));
    Json r = simulate_isolated(s).summary;
    CHECK(r["bytes_lost"] == 0);
    CHECK(r["bytes_at_risk"] == 16 * MiB);
    CHECK(r["page_cache_end_bytes"] == 16 * MiB);
  }
  SUBCASE("reported to the writer: the write after an error fails with EIO") {
    s.page_cache.dontcache_error_report = page_cache::DontcacheErrorReport::kWrite;
    // Copying takes 1.048576 ms a write: write 1's request completes at
    // 1.049 + 0.095 + 0.350 = 1.49 ms, inside the error window; write 2's at
    // 2.54 ms, past it. Write 3 starts at 2.10 ms and sees the error.
    s.cpu.copy_bandwidth_Bps = 1e9;
    s.devices[0].write_errors[0].to_s = 2e-3;
    s.jobs.push_back(dontcache_job("w", 1 * MiB, 16 * MiB));
    Json r = simulate_isolated(s).summary;
    CHECK(r["write_errors"] == 1);
    CHECK(r["write_call_errors"]["EIO"] == 1);
    CHECK(r["fsync_errors"] == 0);  // the descriptor saw the error already
  }
}

TEST_CASE("completion context by default: ext4 cannot drop over written blocks, XFS punts to a workqueue") {
  // The file is first written with O_DIRECT (written extents, nothing cached),
  // then rewritten uncached: new, marked folios over written blocks.
  auto run = [](filesystem::FilesystemKind type) {
    Scenario s = bare_scenario();
    s.filesystem.type = type;
    auto direct = direct_job("direct", 1 * MiB, 16 * MiB);
    direct.filename = "f";
    auto rewrite = dontcache_job("rewrite", 1 * MiB, 16 * MiB);
    rewrite.filename = "f";
    rewrite.startdelay_s = 1;
    s.jobs = {direct, rewrite};
    return simulate_isolated(s).summary;
  };
  Json ext4 = run(filesystem::FilesystemKind::kExt4);
  CHECK(ext4["dropbehind_kept_bytes"] == 16 * MiB);
  CHECK(ext4["page_cache_end_bytes"] == 16 * MiB);
  Json xfs = run(filesystem::FilesystemKind::kXfs);
  CHECK(xfs["dropbehind_dropped_bytes"] == 16 * MiB);
  CHECK(xfs["page_cache_end_bytes"] == 0);
}

TEST_CASE("buffered reads: missing pages come from the device, cached ones lose their drop-behind mark") {
  SUBCASE("a file on disk, not cached, is read into clean folios") {
    Scenario s = bare_scenario();
    auto writer = direct_job("writer", 1 * MiB, 16 * MiB);
    writer.filename = "f";
    auto reader = reading(buffered_job("reader", 1 * MiB, 32 * MiB), "f");  // asks for more than the file holds
    reader.startdelay_s = 1;
    s.jobs = {writer, reader};
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_bytes"] == 16 * MiB);
    CHECK(r["app_read_bytes"] == 16 * MiB);  // stops at end of file
    CHECK(r["read_calls"] == 16);
    CHECK(r["page_cache_end_bytes"] == 16 * MiB);
    CHECK(r["dirty_end_bytes"] == 0);
  }
  SUBCASE("a cached reader racing a dontcache writer keeps what it reads") {
    Scenario s = bare_scenario();
    // Folios stay dirty and marked until fsync.
    s.page_cache.dontcache_kick_range = page_cache::DontcacheKickRange::kAfterWrite;
    auto writer = dontcache_job("writer", 1 * MiB, 64 * MiB);
    writer.filename = "f";
    writer.end_fsync = false;
    auto reader = reading(buffered_job("reader", 1 * MiB, 16 * MiB), "f");
    reader.startdelay_s = 1;
    s.jobs = {writer, reader};
    s.run_for_s = 40;  // the periodic flusher writes the expired file back at 35 s
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_bytes"] == 0);  // all cached
    CHECK(r["dropbehind_dropped_bytes"] == 48 * MiB);
    CHECK(r["page_cache_end_bytes"] == 16 * MiB);
  }
}

TEST_CASE("dontcache: fsync waits for the completion work's run, one wake-up for ioends completed before it") {
  // Two 1 MiB writes at time 0 (no CPU cost), each kicking one request.
  // XFS ends dontcache ioends in task context: with a 1 ms wake-up of no
  // spread, the first request's completion wakes the kworker, the second
  // completes (349.5 us later) before it runs and joins the run, and fsync
  // returns 1 ms after the first completion, not after the second.
  Scenario s = bare_scenario();
  s.jobs.push_back(dontcache_job("w", 1 * MiB, 1 * MiB));
  const double one_request_us = simulate_isolated(s).summary["fsync_latency_us"]["max"].get<double>();
  // 95 us of latency and 1 MiB at 3 GB/s.
  CHECK(one_request_us == doctest::Approx(95 + 1048576 / 3e3).epsilon(1.0 / 2048));
  s.jobs[0].size_bytes = 2 * MiB;
  const double two_requests_us = simulate_isolated(s).summary["fsync_latency_us"]["max"].get<double>();
  CHECK(two_requests_us == doctest::Approx(one_request_us + 1048576 / 3e3).epsilon(1.0 / 2048));
  s.machine.completion_wakeup_latency_s = 1e-3;
  s.machine.completion_wakeup_sigma = 0;
  Json r = simulate_isolated(s).summary;
  CHECK(r["fsync_latency_us"]["max"].get<double>() == doctest::Approx(one_request_us + 1000).epsilon(1.0 / 2048));
  CHECK(r["dropbehind_dropped_bytes"] == 2 * MiB);
  CHECK(r["page_cache_end_bytes"] == 0);
}
