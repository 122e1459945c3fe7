// Reads end to end (buffered with readahead, dontcache, O_DIRECT), against
// values worked out by hand on the bare scenario: no CPU cost, a device of
// 95 us per request plus 3 GB/s.
#include <doctest/doctest.h>

#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

// A 1 MiB file written with O_DIRECT at t=0 (one extent, nothing cached),
// then read in `bs_bytes` calls from 1 s on.
Scenario read_back(std::uint64_t bs_bytes, workload::IoMode mode, workload::Rw rw = workload::Rw::kRead) {
  Scenario s = bare_scenario();
  auto writer = direct_job("writer", 1 * MiB, 1 * MiB);
  writer.filename = "f";
  auto reader = buffered_job("reader", bs_bytes, 1 * MiB);
  reader.rw = rw;
  reader.mode = mode;
  reader.filename = "f";
  reader.startdelay_s = 1;
  s.jobs = {writer, reader};
  return s;
}

constexpr double kRequestS = 95e-6;
constexpr double kBandwidthBps = 3e9;

}  // namespace

TEST_CASE("reads: a sequential 4 KiB reader's readahead windows grow 4, 8, 16, then 32 pages to the end of file") {
  Json r = simulate_isolated(read_back(4 * KiB, workload::IoMode::kBuffered)).summary;
  CHECK(r["read_calls"] == 256);
  CHECK(r["app_read_bytes"] == 1 * MiB);
  // Windows [0,4) (the first read's), then at each marker [4,12), [12,28),
  // seven of 32 pages, and [252,256) cut at the end of file: 11 requests,
  // the file exactly once.
  CHECK(r["device_read_requests"] == 11);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  // All but the first page were read ahead of the request, and all were used.
  CHECK(r["readahead_bytes"] == 255 * 4 * KiB);
  CHECK(r["readahead_used_bytes"] == 255 * 4 * KiB);
  CHECK(r["page_cache_end_bytes"] == 1 * MiB);
  // With no CPU cost the reader catches up with each window at once: the
  // windows are read one after another, 11 requests and 1 MiB in all.
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 11 * kRequestS + double(MiB) / kBandwidthBps));
}

TEST_CASE("reads: readahead off, each 4 KiB read is one request") {
  Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
  s.devices[0].read_ahead_bytes = 0;
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_read_requests"] == 256);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["readahead_bytes"] == 0);
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 256 * kRequestS + double(MiB) / kBandwidthBps));
}

TEST_CASE("reads: a dontcache read pays reclaim_free_per_folio for each folio it drops") {
  // Readahead off and 4 KiB folios: each 64 KiB call reads its 16 pages and
  // waits, copies, then drops its 16 folios (filemap_end_dropbehind_read).
  auto run = [](workload::IoMode mode) {
    Scenario s = read_back(64 * KiB, mode);
    s.devices[0].read_ahead_bytes = 0;
    s.page_cache.large_folios = false;
    s.cpu.reclaim_free_per_folio_s = 1e-6;
    return simulate_isolated(s).summary;
  };
  const Json buffered = run(workload::IoMode::kBuffered), dontcache = run(workload::IoMode::kDontcache);
  CHECK(dontcache["read_dropped_bytes"] == 1 * MiB);
  // 16 calls of 16 folios: 256 us more than the buffered reader, 16 a call.
  CHECK(dontcache["sim_time_s"].get<double>() - buffered["sim_time_s"].get<double>() ==
        doctest::Approx(256e-6).epsilon(1e-6));
  CHECK(dontcache["read_latency_us"]["p50"].get<double>() - buffered["read_latency_us"]["p50"].get<double>() ==
        doctest::Approx(16.0).epsilon(0.01));
}

TEST_CASE("reads: a 1 MiB read reads its own megabyte and the next one ahead, cut at the end of file") {
  // 256 pages > the 32-page readahead: the window grows to the request (at
  // most a 320-page request); its marker, half-way, starts the next window
  // [256, 512) at once, which lies past the end of a 1 MiB file.
  Json r = simulate_isolated(read_back(1 * MiB, workload::IoMode::kBuffered)).summary;
  CHECK(r["read_calls"] == 1);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["device_read_requests"] == 1);
  CHECK(r["readahead_bytes"] == 0);
}

TEST_CASE("reads: dontcache reads drop what they read in, readahead included, and keep what was cached") {
  SUBCASE("a file not cached, read in 128 KiB calls") {
    // Each call is the whole 32-page window: its marker, half-way, starts the
    // next window at once, read ahead as one folio, which the next call reads
    // whole and drops: the file is read once, 8 requests of 128 KiB.
    Json r = simulate_isolated(read_back(128 * KiB, workload::IoMode::kDontcache)).summary;
    CHECK(r["app_read_bytes"] == 1 * MiB);
    CHECK(r["device_read_bytes"] == 1 * MiB);
    CHECK(r["device_read_requests"] == 8);
    CHECK(r["readahead_bytes"] == 7 * 128 * KiB);
    CHECK(r["read_dropped_bytes"] == 1 * MiB);
    CHECK(r["page_cache_end_bytes"] == 0);
  }
  SUBCASE("4 KiB calls drop each folio once they have read it to its end, and read the file once") {
    Json r = simulate_isolated(read_back(4 * KiB, workload::IoMode::kDontcache)).summary;
    CHECK(r["app_read_bytes"] == 1 * MiB);
    CHECK(r["device_read_bytes"] == 1 * MiB);
    CHECK(r["device_read_requests"] == 11);  // the buffered reader's windows
    CHECK(r["read_dropped_bytes"] == 1 * MiB);
    CHECK(r["page_cache_end_bytes"] == 0);
  }
  SUBCASE("a file cached by a buffered writer") {
    Scenario s = read_back(64 * KiB, workload::IoMode::kDontcache);
    s.jobs[0] = buffered_job("writer", 1 * MiB, 1 * MiB);
    s.jobs[0].filename = "f";
    s.jobs[0].end_fsync = true;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_bytes"] == 0);
    CHECK(r["read_dropped_bytes"] == 0);
    CHECK(r["page_cache_end_bytes"] == 1 * MiB);
  }
  SUBCASE("a filesystem without dontcache support refuses the first call") {
    Scenario s = read_back(64 * KiB, workload::IoMode::kDontcache);
    s.filesystem.dontcache_supported = false;
    Json r = simulate_isolated(s).summary;
    CHECK(r["read_eopnotsupp_errors"] == 1);
    CHECK(r["read_calls"] == 0);
    CHECK(r["device_read_bytes"] == 0);
  }
}

TEST_CASE("reads: O_DIRECT reads go to the device call by call and cache nothing") {
  Json r = simulate_isolated(read_back(64 * KiB, workload::IoMode::kDirect)).summary;
  CHECK(r["read_calls"] == 16);
  CHECK(r["app_read_bytes"] == 1 * MiB);
  CHECK(r["device_read_requests"] == 16);  // 16 pages a call, under max_segments
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["page_cache_end_bytes"] == 0);
  CHECK(r["readahead_bytes"] == 0);
  CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 16 * kRequestS + double(MiB) / kBandwidthBps));
  // Each call waits for its one request.
  CHECK(r["read_latency_us"]["p50"].get<double>() ==
        doctest::Approx((kRequestS + 64.0 * KiB / kBandwidthBps) * 1e6).epsilon(0.001));
}

TEST_CASE("reads: an O_DIRECT read pays dio_read_setup, not dio_setup; the write phase ends with the writer") {
  Scenario s = read_back(64 * KiB, workload::IoMode::kDirect);
  s.cpu.dio_setup_s = 100e-6;     // the writer's: allocation, conversion, i_size
  s.cpu.dio_read_setup_s = 7e-6;  // the reader's
  Json r = simulate_isolated(s).summary;
  CHECK(r["read_latency_us"]["p50"].get<double>() ==
        doctest::Approx((7e-6 + kRequestS + 64.0 * KiB / kBandwidthBps) * 1e6).epsilon(0.001));
  CHECK(r["write_latency_us"]["p50"].get<double>() ==
        doctest::Approx((100e-6 + kRequestS + 1.0 * MiB / kBandwidthBps) * 1e6).epsilon(0.001));
  // The state after the writes is the writer's, as the recorder takes it:
  // its one call's end, nothing cached (the reader starts at 1 s).
  CHECK(r["after_write_phase"]["time_s"].get<double>() ==
        doctest::Approx(100e-6 + kRequestS + 1.0 * MiB / kBandwidthBps).epsilon(0.001));
  CHECK(r["after_write_phase"]["cached_bytes"] == 0);
  // A buffered reader leaves the file cached at the end, not after the writes.
  Json buffered = simulate_isolated(read_back(64 * KiB, workload::IoMode::kBuffered)).summary;
  CHECK(buffered["after_write_phase"]["cached_bytes"] == 0);
  CHECK(buffered["page_cache_end_bytes"] == 1 * MiB);
}

TEST_CASE("reads: random 4 KiB reads with readahead read the file once at most and never past its end") {
  Json r = simulate_isolated(read_back(4 * KiB, workload::IoMode::kBuffered, workload::Rw::kRandRead)).summary;
  CHECK(r["read_calls"] == 256);
  CHECK(r["device_read_bytes"] == 1 * MiB);  // every page asked for once: each read once, no more
  CHECK(r["readahead_used_bytes"].get<std::uint64_t>() <= r["readahead_bytes"].get<std::uint64_t>());
  CHECK(r["device_read_requests"].get<std::uint64_t>() < 256);  // some misses read windows
}

TEST_CASE("O_DIRECT and the page cache: dirty cached pages go to the device first, a write drops the clean ones") {
  Scenario s = bare_scenario();
  auto writer = buffered_job("writer", 1 * MiB, 1 * MiB);
  writer.filename = "f";
  auto direct = direct_job("direct", 1 * MiB, 1 * MiB);
  direct.filename = "f";
  direct.startdelay_s = 1;
  SUBCASE("an O_DIRECT overwrite of a cached, clean file leaves nothing cached") {
    writer.end_fsync = true;
    s.jobs = {writer, direct};
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_bytes"] == 2 * MiB);  // the fsync, then the overwrite
    CHECK(r["page_cache_end_bytes"] == 0);
  }
  SUBCASE("an O_DIRECT overwrite of dirty cached pages writes them back first") {
    s.jobs = {writer, direct};
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_bytes"] == 2 * MiB);  // the cached megabyte, then the overwrite
    CHECK(r["dirty_end_bytes"] == 0);
    CHECK(r["page_cache_end_bytes"] == 0);
    // At 1 s the direct write waits for the cached megabyte's write, then its own.
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 2 * (kRequestS + double(MiB) / kBandwidthBps)));
  }
  SUBCASE("an O_DIRECT read of dirty cached pages writes them back first and keeps them cached") {
    direct.rw = workload::Rw::kRead;
    s.jobs = {writer, direct};
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_write_bytes"] == 1 * MiB);
    CHECK(r["device_read_bytes"] == 1 * MiB);
    CHECK(r["page_cache_end_bytes"] == 1 * MiB);
    CHECK(r["dirty_end_bytes"] == 0);
  }
}

TEST_CASE("reads: posix_fadvise advice before the first read (generic_fadvise)") {
  SUBCASE("SEQUENTIAL doubles the readahead: windows 4, 8, 16, 32, then 64 pages") {
    // [0,4) [4,12) [12,28) [28,60) [60,124) [124,188) [188,252) [252,256):
    // 8 requests, one after another.
    Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
    s.jobs[1].fadvise = workload::Fadvise::kSequential;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_requests"] == 8);
    CHECK(r["device_read_bytes"] == 1 * MiB);
    CHECK(r["readahead_bytes"] == 255 * 4 * KiB);
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 8 * kRequestS + double(MiB) / kBandwidthBps));
  }
  SUBCASE("RANDOM turns readahead off: a sequential reader's 4 KiB calls are 256 requests") {
    Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
    s.jobs[1].fadvise = workload::Fadvise::kRandom;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_requests"] == 256);
    CHECK(r["readahead_bytes"] == 0);
    CHECK(r["read_cache_hit_ratio"] == 0);
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + 256 * kRequestS + double(MiB) / kBandwidthBps));
  }
  SUBCASE("WILLNEED reads the region in one go, ahead of the reads, which find every page") {
    // force_page_cache_ra: min(256 pages, max(io_pages 320, ra_pages 32)):
    // the whole MiB as one request, submitted before the first read.
    Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
    s.jobs[1].fadvise = workload::Fadvise::kWillneed;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_requests"] == 1);
    CHECK(r["readahead_bytes"] == 1 * MiB);
    CHECK(r["readahead_used_bytes"] == 1 * MiB);
    CHECK(r["read_cache_hit_ratio"] == 1);
    CHECK(r["sim_time_s"].get<double>() == doctest::Approx(1 + kRequestS + double(MiB) / kBandwidthBps));
  }
  SUBCASE("DONTNEED drops a cached clean file: the reader reads it from the device again") {
    Scenario s = read_back(128 * KiB, workload::IoMode::kBuffered);
    s.jobs[0] = buffered_job("writer", 1 * MiB, 1 * MiB);
    s.jobs[0].filename = "f";
    s.jobs[0].end_fsync = true;
    s.jobs[1].fadvise = workload::Fadvise::kDontneed;
    Json r = simulate_isolated(s).summary;
    CHECK(r["device_read_bytes"] == 1 * MiB);
    CHECK(r["read_cache_hit_ratio"].get<double>() < 1);
    CHECK(r["page_cache_end_bytes"] == 1 * MiB);
  }
}

TEST_CASE("reads: results of a read phase: throughput, hit ratio, latency split") {
  // The 4 KiB sequential reader above: 1 MiB over 11 requests' time.
  Json r = simulate_isolated(read_back(4 * KiB, workload::IoMode::kBuffered)).summary;
  const double phase_s = 11 * kRequestS + double(MiB) / kBandwidthBps;
  CHECK(r["read_phase_s"].get<double>() == doctest::Approx(phase_s));
  CHECK(r["read_throughput_Bps"].get<double>() == doctest::Approx(double(MiB) / phase_s));
  // Each window's first page is being read when asked (found: a hit); only
  // the first read's page was missing: 1 of 256.
  CHECK(r["read_cache_hit_ratio"].get<double>() == doctest::Approx(255.0 / 256));
  // No CPU: every read's time is waiting for the device.
  CHECK(r["read_latency_split_mean_us"]["device"].get<double>() == doctest::Approx(phase_s / 256 * 1e6));
  CHECK(r["read_latency_split_mean_us"]["cpu"].get<double>() == doctest::Approx(0).epsilon(1e-6));
}

TEST_CASE("reads: an mmap reader faults its pages in, with fault-around and read-around") {
  // 4 KiB at a time through the mapping of the uncached 1 MiB file. The first
  // fault misses: read-around reads [0, 32) (ra_pages centred on page 0,
  // clipped at 0; marker at 24) and maps page 0; the fault at 1 maps 1-15
  // around it (16-page blocks), at 16 maps 16-31 but the marker, whose own
  // fault starts [32, 64). From then each 32-page window takes three faults:
  // its marker (at its start: the next window, then a wait), the next page
  // (1-15 of its first block) and its second block. 4 + 7 x 3 = 25 faults,
  // one major; 8 requests of 32 pages, every page read ahead and used.
  Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
  s.jobs[1].mmap = true;
  Json r = simulate_isolated(s).summary;
  CHECK(r["read_calls"] == 256);
  CHECK(r["app_read_bytes"] == 1 * MiB);
  CHECK(r["read_page_faults"] == 25);
  CHECK(r["read_major_faults"] == 1);
  CHECK(r["device_read_requests"] == 8);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["readahead_bytes"] == 1 * MiB);
  CHECK(r["readahead_used_bytes"] == 1 * MiB);
  CHECK(r["page_cache_end_bytes"] == 1 * MiB);
}

TEST_CASE("reads: reclaim keeps a mapped file's folios, and takes a read file's") {
  // A 64 MiB file read at 1 s, through a mapping or not; from 2 s a buffered
  // writer pushes 4 GiB through a 2 GiB machine; at 20 s the file is read
  // again. Mapped, it is all still cached; read, reclaim took it.
  auto run = [](bool mmap) {
    Scenario s = bare_scenario();
    s.machine.memory_bytes = 2 * GiB;
    auto file = direct_job("file", 1 * MiB, 64 * MiB);
    file.filename = "f";
    auto first = reading(buffered_job("first", 1 * MiB, 64 * MiB), "f");
    first.startdelay_s = 1;
    first.mmap = mmap;
    auto writer = buffered_job("writer", 1 * MiB, 4 * GiB);
    writer.startdelay_s = 2;
    writer.end_fsync = true;
    auto again = first;
    again.name = "again";
    again.mmap = false;
    again.startdelay_s = 20;
    s.jobs = {file, first, writer, again};
    return simulate_isolated(s).summary;
  };
  Json mapped = run(true), read = run(false);
  CHECK(mapped["device_read_bytes"] == 64 * MiB);
  CHECK(read["device_read_bytes"].get<double>() > 64 * MiB);
  CHECK(read["reclaimed_bytes"].get<double>() > 0);
}

TEST_CASE("reads: a read's device time is its waits alone, whatever CPU of earlier calls is pending") {
  // The 4 KiB sequential reader above, copying at 1 GB/s: 4.096 us of CPU a
  // call, its only CPU. A batch holds earlier calls' copies until the task
  // waits for a read; that work is theirs, not the device's: at any batch
  // window every call's CPU share is its copy.
  for (const double window_s : {0.0, 20e-6, 100e-6}) {
    CAPTURE(window_s);
    Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered);
    s.cpu.copy_bandwidth_Bps = 1e9;
    s.cpu.batch_window_s = window_s;
    Json r = simulate_isolated(s).summary;
    const Json& split = r["read_latency_split_mean_us"];
    CHECK(split["cpu"].get<double>() == doctest::Approx(4.096));
    CHECK(split["cpu"].get<double>() + split["device"].get<double>() ==
          doctest::Approx(r["read_latency_us"]["mean"].get<double>()));
  }
}

TEST_CASE("reads: a buffered read of a cached file is a hit: no device read, the copy alone") {
  // The file written buffered and fsynced stays cached; 16 reads of 64 KiB
  // find every page. Copying at 1 GB/s (the only cost): 65.536 us a call.
  Scenario s = read_back(64 * KiB, workload::IoMode::kBuffered);
  s.jobs[0] = buffered_job("writer", 1 * MiB, 1 * MiB);
  s.jobs[0].filename = "f";
  s.jobs[0].end_fsync = true;
  s.cpu.copy_bandwidth_Bps = 1e9;
  Json r = simulate_isolated(s).summary;
  CHECK(r["read_calls"] == 16);
  CHECK(r["device_read_requests"] == 0);
  CHECK(r["read_cache_hit_ratio"] == 1);
  CHECK(r["read_latency_us"]["p50"].get<double>() == doctest::Approx(65.536).epsilon(1e-3));
  CHECK(r["read_latency_split_mean_us"]["device"] == 0);
}

TEST_CASE("reads: a random reader advised RANDOM (fio's default for randread) reads only what it asks") {
  // 256 reads of 4 KiB in a drawn order: 256 requests of one page each,
  // nothing read ahead, each call one request's time.
  Scenario s = read_back(4 * KiB, workload::IoMode::kBuffered, workload::Rw::kRandRead);
  s.jobs[1].fadvise = workload::Fadvise::kRandom;
  Json r = simulate_isolated(s).summary;
  CHECK(r["device_read_requests"] == 256);
  CHECK(r["device_read_bytes"] == 1 * MiB);
  CHECK(r["readahead_bytes"] == 0);
  CHECK(r["read_cache_hit_ratio"] == 0);
  CHECK(r["read_latency_us"]["max"].get<double>() ==
        doctest::Approx((kRequestS + 4 * double(KiB) / kBandwidthBps) * 1e6).epsilon(1e-3));
}
