// A job's parameters, and job clones run on a bare engine over the models
// they call (wired as the machine wires them, without it): direct writes end
// when worked out by hand from the device's latency and bandwidth.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <simgrid/s4u/Engine.hpp>

#include "models/block_device/block_device.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/random_streams.hpp"
#include "models/cpu/cpu.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim.hpp"
#include "models/vfs/buffered_io.hpp"
#include "models/vfs/direct_io.hpp"
#include "models/workload/job.hpp"
#include "models/workload/job_checks.hpp"
#include "models/writeback/dirty_throttle.hpp"
#include "models/writeback/writeback.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;
using workload::JobParams;
namespace sg4 = simgrid::s4u;

TEST_CASE("job params: write calls from size or number_ios") {
  JobParams job = direct_job("w", 4 * KiB, 10 * KiB);
  CHECK(job.write_calls() == 3);  // 4 + 4 + 2 KiB
  job.size_bytes = 12 * KiB;
  CHECK(job.write_calls() == 3);  // exactly 3 x 4 KiB
  job.number_ios = 7;
  CHECK(job.write_calls() == 7);  // number_ios wins over size
  job.number_ios = 0;
  job.size_bytes = 0;
  CHECK(job.write_calls() == 0);
}

TEST_CASE("job params: each clone its own file unless a filename is shared") {
  JobParams job = direct_job("w", 4 * KiB, 4 * KiB);
  CHECK(job.file_for_clone(0) == "w.0");
  CHECK(job.file_for_clone(3) == "w.3");
  job.filename = "shared";
  CHECK(job.file_for_clone(0) == "shared");
  CHECK(job.file_for_clone(3) == "shared");
}

TEST_CASE("job params: stride and directions") {
  JobParams job = buffered_job("w", 4 * KiB, 1 * MiB);
  CHECK(job.stride_or_bs() == 4 * KiB);  // stride 0: back to back
  job.stride_bytes = 64 * KiB;
  CHECK(job.stride_or_bs() == 64 * KiB);
  CHECK_FALSE(job.reads());
  CHECK_FALSE(job.random());
  job.rw = workload::Rw::kRandRead;
  CHECK(job.reads());
  CHECK(job.random());
  job.rw = workload::Rw::kRead;
  CHECK(job.reads());
  CHECK_FALSE(job.random());
  job.rw = workload::Rw::kRandWrite;
  CHECK_FALSE(job.reads());
  CHECK(job.random());
}

namespace {

struct JobRun {
  std::uint64_t write_calls, app_write_bytes, device_write_requests, writes_done_calls;
  double last_write_end_s, end_s;
};

// Runs every clone of `job` on a bare engine (2 CPUs at the reference
// speed, the 1 GB/s device at `queue_depth`, XFS on it); returns what they
// did and the names of the files they wrote.
std::pair<JobRun, std::vector<std::string>> run_job(const JobParams& job, const cpu::CpuCostParams& costs,
                                                    std::uint64_t queue_depth) {
  return run_in_child([=] {
    sg4::NetZone* zone = nullptr;
    auto engine = bare_engine(zone);
    const cpu::MachineParams machine = quiet_machine();
    cpu::Cpu cpu(zone, machine, costs);
    zone->seal();
    block_device::DeviceParams device_params = gigabyte_device();
    device_params.queue_depth = queue_depth;
    block_device::BlockDevice device(device_params);
    const page_cache::PageCacheParams cache_params;
    page_cache::PageCache cache(cache_params);
    writeback::WritebackWaitQueue writeback_done;
    reclaim::Reclaim reclaim(reclaim::ReclaimParams{}, machine.memory_bytes, cache_params, {}, cpu, cache,
                             writeback_done, [] {});
    const writeback::WritebackParams wb_params;
    // Direct writes dirty nothing: any limits do.
    const auto limits = [&wb_params] { return writeback::dirty_limits(1 << 20, wb_params); };
    writeback::DirtyThrottle throttle(wb_params, cache, limits, [] {});
    filesystem::FilesystemParams fs_params;
    fs_params.device = device_params.name;
    fs_params.fresh_mount = false;  // no metadata reads: the times below are the data's
    filesystem::Filesystem fs(fs_params, device_params.capacity_bytes);
    writeback::Writeback wb(wb_params, cache_params, cpu, cache, fs, device, writeback_done, limits, 1);
    vfs::DirectIo direct_io(cpu, fs, device, cache, wb);
    throttle.add_bdi(wb);
    vfs::BufferedIo buffered_io(cpu, fs, cache, cache_params, reclaim, wb, throttle, device, writeback_done);

    device.start(cpu.host());
    workload::WorkloadStats stats;
    workload::JobStats own;
    std::uint64_t writes_done_calls = 0, clones_running = 0;
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
      workload::KernelPaths kernel{cpu,      fs, direct_io, buffered_io, wb, throttle, [&] { ++writes_done_calls; },
                                   clones_running};
      workload::start_job(job, clone, random_stream(1, "job/" + std::to_string(clone)),
                          random_stream(1, "spread/" + std::to_string(clone)), kernel, stats, own);
    }
    engine->run();
    if (actor_failure().kind != FailureKind::kNone) throw std::runtime_error(actor_failure().message);
    std::vector<std::string> files;
    for (const auto& [name, file] : fs.files()) files.push_back(name);
    const JobRun run{stats.write_calls, stats.app_write_bytes,  device.stats().write_requests,
                     writes_done_calls, stats.last_write_end_s, sg4::Engine::get_clock()};
    return std::pair{run, files};
  });
}

// One 1 MiB O_DIRECT call at queue depth 1: its 256 user pages make two
// requests of 128 segments (max_segments), 512 KiB each, one after the
// other: 2 x (100 us of latency, then 512 KiB at 1 GB/s).
constexpr double kRequest_s = 2 * (100e-6 + 0.524288e-3);

}  // namespace

TEST_CASE("job: direct writes at queue depth 1 end after latency plus transfer per call") {
  SUBCASE("8 writes of 1 MiB, no CPU cost: 8 x 1.248576 ms") {
    const auto [run, files] = run_job(direct_job("w", 1 * MiB, 8 * MiB), zero_cpu_costs(), 1);
    CHECK(run.write_calls == 8);
    CHECK(run.app_write_bytes == 8 * MiB);
    CHECK(run.device_write_requests == 16);
    CHECK(run.writes_done_calls == 1);
    CHECK(run.last_write_end_s == doctest::Approx(8 * kRequest_s).epsilon(1e-12));
    CHECK(run.end_s == doctest::Approx(8 * kRequest_s).epsilon(1e-12));
    CHECK(files == std::vector<std::string>{"w.0"});
  }
  SUBCASE("after a start delay, with 10 us of CPU a call: 1 ms + 8 x (10 us + 1.248576 ms)") {
    JobParams job = direct_job("w", 1 * MiB, 8 * MiB);
    job.startdelay_s = 1e-3;
    cpu::CpuCostParams costs = zero_cpu_costs();
    costs.syscall_entry_s = 10e-6;  // at the reference speed: 10 us
    const auto [run, files] = run_job(job, costs, 1);
    CHECK(run.last_write_end_s == doctest::Approx(1e-3 + 8 * (10e-6 + kRequest_s)).epsilon(1e-12));
  }
  SUBCASE("number_ios wins over size: 3 calls") {
    JobParams job = direct_job("w", 1 * MiB, 64 * MiB);
    job.number_ios = 3;
    const auto [run, files] = run_job(job, zero_cpu_costs(), 1);
    CHECK(run.write_calls == 3);
    CHECK(run.last_write_end_s == doctest::Approx(3 * kRequest_s).epsilon(1e-12));
  }
}

TEST_CASE("job: clones share the device, each with its file or all with one") {
  // Two clones of 4 writes at queue depth 1: the device serves the 16
  // requests (two per call) one after the other, so the last ends at
  // 8 x 1.248576 ms.
  JobParams job = direct_job("w", 1 * MiB, 4 * MiB);
  job.numjobs = 2;
  SUBCASE("a file each") {
    const auto [run, files] = run_job(job, zero_cpu_costs(), 1);
    CHECK(run.write_calls == 8);
    CHECK(run.writes_done_calls == 2);
    CHECK(run.last_write_end_s == doctest::Approx(8 * kRequest_s).epsilon(1e-12));
    CHECK(files == std::vector<std::string>{"w.0", "w.1"});
  }
  SUBCASE("one shared file") {
    job.filename = "shared";
    const auto [run, files] = run_job(job, zero_cpu_costs(), 1);
    CHECK(run.write_calls == 8);
    CHECK(files == std::vector<std::string>{"shared"});
  }
  SUBCASE("at queue depth 2 the latencies overlap: 100 us + 16 transfers of 512 KiB") {
    // Both clones' first requests start at 0; from then on one always waits
    // behind the transfer in progress, so the channel never idles.
    const auto [run, files] = run_job(job, zero_cpu_costs(), 2);
    CHECK(run.last_write_end_s == doctest::Approx(100e-6 + 16 * 0.524288e-3).epsilon(1e-12));
  }
}

TEST_CASE("job checks: what a job may not ask, each naming its option") {
  JobParams job = direct_job("w", 4 * KiB, 1 * MiB);
  CHECK_FALSE(workload::check_job(job, 4 * KiB).has_value());
  // 4 KiB calls on 64 KiB blocks cannot be O_DIRECT; buffered they can.
  CHECK(workload::check_job(job, 64 * KiB)->option == std::string("bs"));
  job.mode = workload::IoMode::kBuffered;
  CHECK_FALSE(workload::check_job(job, 64 * KiB).has_value());
  job.stride_bytes = 2 * KiB;  // less than bs
  CHECK(workload::check_job(job, 4 * KiB)->option == std::string("stride"));
  job.stride_bytes = 0;
  job.size_bytes = 0;
  CHECK(workload::check_job(job, 4 * KiB)->message.find("size") != std::string::npos);
  job.size_bytes = 1 * MiB;
  // O_DIRECT reads need aligned blocks as writes do.
  job.rw = workload::Rw::kRead;
  job.mode = workload::IoMode::kDirect;
  job.bs_bytes = 1000;
  CHECK(workload::check_job(job, 4 * KiB)->option == std::string("bs"));
}
