// Files that exist before the run (workload/files): overwrites of a cached
// file and of a file on disk only, buffered, dontcache and O_DIRECT, and the
// cost of an overwrite against an allocating write. Values worked out by hand
// on the bare scenario: no CPU cost, 95 us a request plus 3 GB/s, requests of
// up to 1280 KiB, no log writes.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// A 1 MiB file "f", written contiguously long ago, cached as `cached` says.
workload::FileSpec prior_file(workload::CachedPart cached, workload::CacheState state = workload::CacheState::kClean) {
  workload::FileSpec f;
  f.name = "f";
  f.size_bytes = 1 * MiB;
  f.cached = cached;
  f.cache_state = state;
  return f;
}

// One job overwriting all of "f" in `bs_bytes` calls, then fsync.
Scenario overwrite(workload::IoMode mode, workload::CachedPart cached, std::uint64_t bs_bytes = 64 * KiB) {
  Scenario s = bare_scenario();
  s.files = {prior_file(cached)};
  auto job = buffered_job("w", bs_bytes, 1 * MiB);
  job.mode = mode;
  job.filename = "f";
  job.end_fsync = true;
  s.jobs = {job};
  return s;
}

constexpr double kRequestS = 95e-6;
constexpr double kBandwidthBps = 3e9;

}  // namespace

TEST_CASE("prior files: a buffered overwrite of a cached file reads nothing, dirties what it writes, fsync writes it") {
  Json r = simulate_isolated(overwrite(workload::IoMode::kBuffered, workload::CachedPart::kAll)).summary;
  CHECK(r["app_write_bytes"] == 1 * MiB);
  CHECK(r["device_read_bytes"] == 0);
  // Every page was cached: the writes dirty the 16 x 64 KiB already there.
  CHECK(r["after_write_phase"]["dirty_bytes"] == 1 * MiB);
  CHECK(r["after_write_phase"]["cached_bytes"] == 1 * MiB);
  // fsync writes the contiguous MiB as one request, over the file's own blocks.
  CHECK(r["device_write_bytes"] == 1 * MiB);
  CHECK(r["device_write_requests"] == 1);
  CHECK(r["file_extents"] == 1);
  CHECK(r["dirty_end_bytes"] == 0);
  CHECK(r["page_cache_end_bytes"] == 1 * MiB);
  CHECK(r["jobs"][0]["fsync_latency_us"]["max"].get<double>() ==
        doctest::Approx((kRequestS + double(MiB) / kBandwidthBps) * 1e6).epsilon(0.001));
}

TEST_CASE("prior files: a dontcache overwrite of a cached file writes it back at once and keeps the folios it found") {
  // One 1 MiB call over the file's one 1 MiB folio (the cached file is put in
  // whole folios): the call kicks the writeback of what it wrote, one
  // request, before fsync, which finds nothing dirty.
  Json r = simulate_isolated(overwrite(workload::IoMode::kDontcache, workload::CachedPart::kAll, 1 * MiB)).summary;
  CHECK(r["device_read_bytes"] == 0);
  CHECK(r["after_write_phase"]["device_write_bytes"] == 1 * MiB);
  CHECK(r["device_write_bytes"] == 1 * MiB);
  CHECK(r["device_write_requests"] == 1);
  CHECK(r["dirty_end_bytes"] == 0);
  // The folios were cached before the writes: RWF_DONTCACHE marks only the
  // folios it creates drop-behind (__filemap_get_folio), so these stay.
  CHECK(r["page_cache_end_bytes"] == 1 * MiB);
  CHECK(r["dropbehind_end_bytes"] == 0);
  // In 64 KiB calls each call dirties the whole 1 MiB folio again while the
  // previous kick has it under writeback (WB_SYNC_NONE skips it): the kicks
  // write it once, fsync once more.
  Json small = simulate_isolated(overwrite(workload::IoMode::kDontcache, workload::CachedPart::kAll)).summary;
  CHECK(small["after_write_phase"]["device_write_bytes"] == 1 * MiB);
  CHECK(small["device_write_bytes"] == 2 * MiB);
}

TEST_CASE("prior files: a dontcache overwrite of a file on disk only drops its folios after writeback") {
  Json r = simulate_isolated(overwrite(workload::IoMode::kDontcache, workload::CachedPart::kNone)).summary;
  CHECK(r["device_read_bytes"] == 0);
  CHECK(r["device_write_bytes"] == 1 * MiB);
  CHECK(r["page_cache_end_bytes"] == 0);
  CHECK(r["file_extents"] == 1);
}

TEST_CASE("prior files: an O_DIRECT overwrite of a cached file invalidates the cache and writes every byte") {
  Json r = simulate_isolated(overwrite(workload::IoMode::kDirect, workload::CachedPart::kAll)).summary;
  CHECK(r["device_read_bytes"] == 0);
  // 16 calls of 64 KiB, one request each, in place.
  CHECK(r["device_write_bytes"] == 1 * MiB);
  CHECK(r["device_write_requests"] == 16);
  // kiocb_invalidate_pages drops the clean cached range of each call.
  CHECK(r["page_cache_end_bytes"] == 0);
  CHECK(r["file_extents"] == 1);
  CHECK(r["sim_time_s"].get<double>() ==
        doctest::Approx(16 * (kRequestS + double(64 * KiB) / kBandwidthBps)).epsilon(0.001));
}

TEST_CASE("prior files: buffered overwrites of a file on disk only read the pages they cover in part") {
  // 4 KiB-aligned writes cover whole pages: nothing is read. 1000-byte
  // writes each start or end inside a page: the first write into each of
  // the 49 pages 200000 bytes touch reads it in first (__iomap_write_begin),
  // one 4 KiB request a page; later writes find it cached.
  for (const std::uint64_t bs : {4 * KiB, std::uint64_t{1000}}) {
    CAPTURE(bs);
    Scenario s = overwrite(workload::IoMode::kBuffered, workload::CachedPart::kNone, bs);
    s.jobs[0].size_bytes = 200 * bs;  // inside the 1 MiB file
    Json r = simulate_isolated(s).summary;
    const std::uint64_t partial_pages = bs == 4 * KiB ? 0 : 49;
    CHECK(r["device_read_requests"] == partial_pages);
    CHECK(r["device_read_bytes"] == partial_pages * kPageBytes);
    CHECK((r["write_latency_split_mean_us"]["partial_page_read"].get<double>() > 0) == (partial_pages > 0));
    CHECK(r["app_write_bytes"] == 200 * bs);
    // Written back over the file's own blocks: no new extent.
    CHECK(r["file_extents"] == 1);
    CHECK(r["device_write_bytes"] == pages_up(200 * bs) * kPageBytes);
  }
}

TEST_CASE(
    "prior files: an overwrite of written blocks costs the overwrite's per-call CPU, an extending write its own") {
  // 16 4 KiB calls, each costing only the filesystem's per-call CPU.
  auto run = [](bool prior) {
    Scenario s = overwrite(workload::IoMode::kBuffered, workload::CachedPart::kNone, 4 * KiB);
    if (!prior) s.files.clear();  // a new file: every call extends it
    s.jobs[0].size_bytes = 64 * KiB;
    s.jobs[0].end_fsync = false;
    s.cpu.xfs_write_per_call_s = 10e-6;
    s.cpu.xfs_overwrite_per_call_s = 2e-6;
    return simulate_isolated(s).summary;
  };
  CHECK(run(true)["write_latency_us"]["p50"].get<double>() == doctest::Approx(2.0).epsilon(0.01));
  CHECK(run(false)["write_latency_us"]["p50"].get<double>() == doctest::Approx(10.0).epsilon(0.01));
}

TEST_CASE("prior files: layouts give the extents they say, and a dirty cached file is written back by fsync") {
  Scenario s = bare_scenario();
  workload::FileSpec fragmented = prior_file(workload::CachedPart::kNone);
  fragmented.name = "frag";
  fragmented.layout = filesystem::Layout::kFragmented;
  fragmented.extents = 4;
  workload::FileSpec sparse = prior_file(workload::CachedPart::kNone);
  sparse.name = "sparse";
  sparse.layout = filesystem::Layout::kSparse;
  sparse.holes = {{256 * KiB, 256 * KiB}};  // blocks 64-127: two extents around it
  workload::FileSpec dirty = prior_file(workload::CachedPart::kRange, workload::CacheState::kDirty);
  dirty.name = "dirty";
  dirty.cached_offset_bytes = 0;
  dirty.cached_length_bytes = 512 * KiB;
  s.files = {fragmented, sparse, dirty};
  // A reader of the fragmented file, after fsync of the dirty one.
  auto reader = reading(direct_job("r", 1 * MiB, 1 * MiB), "frag");
  reader.before = {{workload::StepKind::kFsync, "dirty", 0}};
  s.jobs = {reader};
  Json r = simulate_isolated(s).summary;
  // 4 + 2 + 1 extents.
  CHECK(r["file_extents"] == 7);
  // The dirty half of "dirty" went out as one request; the reader's MiB as
  // four, one per extent (none adjacent on the device).
  CHECK(r["device_write_bytes"] == 512 * KiB);
  CHECK(r["device_write_requests"] == 1);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["device_read_requests"] == 4);
  CHECK(r["dirty_end_bytes"] == 0);
  CHECK(r["page_cache_end_bytes"] == 512 * KiB);
}

TEST_CASE("prior files: an O_DIRECT overwrite of written blocks pays dio_overwrite_setup; one that skips pays "
          "discontiguous_latency") {
  // 64 KiB calls over a 2 MiB file on disk at queue depth 1: each call is
  // its setup, the request's 95 us and 64 KiB at 3 GB/s.
  auto run = [](std::uint64_t stride_bytes) {
    Scenario s = overwrite(workload::IoMode::kDirect, workload::CachedPart::kNone);
    s.files[0].size_bytes = 2 * MiB;
    s.jobs[0].size_bytes = 2 * MiB * 64 * KiB / stride_bytes;  // bytes written: the file, or every other 64 KiB
    s.jobs[0].stride_bytes = stride_bytes;
    s.jobs[0].end_fsync = false;
    s.cpu.dio_setup_s = 100e-6;           // an allocating write's
    s.cpu.dio_overwrite_setup_s = 30e-6;  // this one's
    s.devices[0].discontiguous_latency_s = 10e-6;
    return simulate_isolated(s).summary;
  };
  const double call_us = (30e-6 + kRequestS + 64.0 * KiB / kBandwidthBps) * 1e6;
  // One after the other: only the first request starts away from the last.
  const Json sequential = run(64 * KiB);
  CHECK(sequential["write_calls"] == 32);
  CHECK(sequential["write_latency_us"]["p50"].get<double>() == doctest::Approx(call_us).epsilon(0.001));
  CHECK(sequential["write_latency_us"]["max"].get<double>() == doctest::Approx(call_us + 10).epsilon(0.001));
  // 64 KiB written, 64 KiB skipped: every request waits 10 us more.
  const Json skipping = run(128 * KiB);
  CHECK(skipping["write_calls"] == 16);
  CHECK(skipping["write_latency_us"]["p50"].get<double>() == doctest::Approx(call_us + 10).epsilon(0.001));
}
