// Each modelled fio option onto the native job fields, worked by hand, and
// the refusals by name, file and line.
#include "sim/input/fio/fio_job_mapping.hpp"

#include <doctest/doctest.h>

#include <string>

#include "sim/input/config_error.hpp"

using foliosim::ConfigError;
using foliosim::fio::FioMachineFacts;
using foliosim::fio::map_fio_jobs;
using foliosim::fio::parse_fio_text;
using foliosim::workload::IoMode;
using foliosim::workload::JobParams;
using foliosim::workload::Rw;

namespace {

constexpr std::uint64_t kKiB = 1024, kMiB = kKiB * 1024, kGiB = kMiB * 1024;

std::optional<std::string> no_env(const std::string&) { return std::nullopt; }

std::vector<JobParams> map_all(const std::string& text, std::set<std::string> ignored = {},
                               FioMachineFacts machine = {16 * kGiB}) {
  return map_fio_jobs(parse_fio_text(text, "t.fio", no_env), machine, ignored).jobs;
}
JobParams map_one(const std::string& text, std::set<std::string> ignored = {}) {
  const auto jobs = map_all(text, ignored);
  REQUIRE(jobs.size() == 1);
  return jobs[0];
}

std::string error_of(const std::string& text, std::set<std::string> ignored = {}, FioMachineFacts machine = {}) {
  try {
    map_all(text, ignored, machine);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("fio mapping: a plain sequential write, fio's defaults (bs 4k, buffered, psync)") {
  const JobParams job = map_one("[w]\nrw=write\nsize=64m\n");
  CHECK(job.name == "w");
  CHECK(job.rw == Rw::kWrite);
  CHECK(job.bs_bytes == 4096);
  CHECK(job.size_bytes == 64 * kMiB);
  CHECK(job.number_ios == 0);
  CHECK(job.mode == IoMode::kBuffered);
  CHECK(job.numjobs == 1);
  CHECK_FALSE(job.end_fsync);
  CHECK(job.filename.empty());
  // rw absent: fio's default is a sequential read.
  CHECK(map_one("[r]\nsize=64m\n").rw == Rw::kRead);
}

TEST_CASE("fio mapping: every modelled option to its field") {
  const JobParams job = map_one(
      "[global]\nbs=1m\nnumjobs=4\nend_fsync=1\nstartdelay=2\nruntime=10s\n"
      "[w]\nname=renamed\nreadwrite=write\nsize=256m\noffset=1g\nfilename=data\ndirectory=/mnt/a\n"
      "ioengine=pvsync2\nuncached=1\n");
  CHECK(job.name == "renamed");
  CHECK(job.bs_bytes == kMiB);
  CHECK(job.numjobs == 4);
  CHECK(job.end_fsync);
  CHECK(job.startdelay_s == 2);
  CHECK(job.runtime_s == 10);  // fio's runtime without time_based: a cap
  CHECK(job.size_bytes == 256 * kMiB);
  CHECK(job.offset_bytes == kGiB);
  CHECK(job.filename == "/mnt/a/data");  // the directory keeps two jobs' files apart, as in fio
  CHECK(job.mode == IoMode::kDontcache);
  CHECK(map_one("[w]\nrw=write\nsize=1m\ndirect=1\n").mode == IoMode::kDirect);
  CHECK(map_one("[w]\nrw=read\nsize=1m\ndirect=1\n").mode == IoMode::kDirect);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbuffered=0\n").mode == IoMode::kDirect);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nfsync_on_close=1\n").end_fsync);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nblocksize=64k\n").bs_bytes == 64 * kKiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nfilename=a\\:b\n").filename == "a:b");
  CHECK(map_one("[w]\nrw=write\nsize=1m\nstartdelay=1500ms\n").startdelay_s == doctest::Approx(1.5));
}

TEST_CASE("fio mapping: rw=write:gap is a stride of bs + gap, the calls are what fits the region") {
  // 4k writes 12k apart over 256 MiB: starts 0, 16k, ... up to 256m - 16k: (256m - 4k) / 16k + 1 = 16384 calls.
  const JobParams job = map_one("[s]\nrw=write:12k\nbs=4k\nsize=256m\n");
  CHECK(job.stride_bytes == 16 * kKiB);
  CHECK(job.size_bytes == 16384 * 4 * kKiB);
  // A region of 20k holds writes at 0 and 16k.
  CHECK(map_one("[s]\nrw=write:12k\nbs=4k\nsize=20k\n").size_bytes == 8 * kKiB);
  CHECK(map_one("[s]\nrw=write:0\nbs=4k\nsize=20k\n").stride_bytes == 0);
}

TEST_CASE("fio mapping: size, io_size, number_ios, filesize and loops give the region and the calls") {
  // Random: the region is size, io_size moves the calls (fio's passes over the region).
  JobParams job = map_one("[r]\nrw=randwrite\nbs=4k\nsize=64m\nio_size=128m\n");
  CHECK(job.size_bytes == 64 * kMiB);
  CHECK(job.number_ios == 32768);
  job = map_one("[r]\nrw=randwrite\nbs=4k\nsize=64m\nloops=3\n");
  CHECK(job.number_ios == 3 * 16384);
  job = map_one("[r]\nrw=randwrite\nbs=4k\nsize=64m\nnumber_ios=100\n");
  CHECK(job.number_ios == 100);
  CHECK(map_one("[r]\nrw=randwrite\nbs=4k\nsize=64m\n").number_ios == 0);  // one pass: size alone says it
  // filesize is the region; size is then the amount (fio's io_size default).
  job = map_one("[r]\nrw=randwrite\nbs=4k\nfilesize=64m\nsize=16m\n");
  CHECK(job.size_bytes == 64 * kMiB);
  CHECK(job.number_ios == 4096);
  // Sequential: io_size within the region, number_ios a cap.
  CHECK(map_one("[w]\nrw=write\nbs=1m\nsize=64m\nio_size=16m\n").size_bytes == 16 * kMiB);
  CHECK(map_one("[w]\nrw=write\nbs=1m\nsize=64m\nnumber_ios=3\n").size_bytes == 3 * kMiB);
  CHECK(map_one("[w]\nrw=write\nbs=1m\nfilesize=64m\noffset=16m\n").size_bytes == 48 * kMiB);
}

TEST_CASE("fio mapping: percentages of filesize, or else of the device's capacity, aligned to bs") {
  CHECK(map_one("[w]\nrw=write\nsize=50%\n").size_bytes == 8 * kGiB);  // of the 16 GiB device
  JobParams job = map_one("[w]\nrw=write\nbs=256k\nfilesize=256m\noffset=50%\nio_size=64m\n");
  CHECK(job.offset_bytes == 128 * kMiB);
  CHECK(job.size_bytes == 64 * kMiB);
  // 10% of 1m = 104857.6 bytes, aligned down to 4k: 25 blocks.
  job = map_one("[w]\nrw=randwrite\nfilesize=1m\nsize=10%\n");
  CHECK(job.number_ios == 25);
  CHECK(error_of("[w]\nrw=write\nsize=50%\n").find("t.fio:3: option 'size': a percentage needs a base") !=
        std::string::npos);
}

TEST_CASE("fio mapping: per-direction bs, kb_base, ranges of one size") {
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbs=8k,32k\n").bs_bytes == 32 * kKiB);
  CHECK(map_one("[r]\nrw=read\nsize=1m\nbs=8k,32k\n").bs_bytes == 8 * kKiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbs=,8k\n").bs_bytes == 8 * kKiB);
  CHECK(map_one("[r]\nrw=read\nsize=1m\nbs=,8k\n").bs_bytes == 4 * kKiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbs=8k\n").bs_bytes == 8 * kKiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbs=8k-8k\n").bs_bytes == 8 * kKiB);
  JobParams job = map_one("[w]\nrw=write\nkb_base=1000\nsize=4m\nbs=4k\n");
  CHECK(job.bs_bytes == 4000);
  CHECK(job.size_bytes == 4000000);
  job = map_one("[w]\nrw=write\nkb_base=1000\nsize=1mi\nbs=4KiB\n");
  CHECK(job.bs_bytes == 4096);
  CHECK(job.size_bytes == kMiB);
}

TEST_CASE("fio mapping: time_based random jobs pass over the region until the runtime stops them") {
  const JobParams job = map_one("[t]\nrw=randwrite\nbs=64k\nsize=128m\nruntime=500ms\ntime_based\n");
  CHECK(job.runtime_s == doctest::Approx(0.5));
  CHECK(job.size_bytes == 128 * kMiB);
  CHECK(job.number_ios == foliosim::fio::time_based_calls(64 * kKiB));
  CHECK(error_of("[t]\nrw=randwrite\nsize=1m\ntime_based\n").find("t.fio:4: option 'time_based': needs a runtime") !=
        std::string::npos);
}

TEST_CASE("fio mapping: options with no effect in the model are accepted") {
  const JobParams job = map_one(
      "[w]\nrw=write\nsize=1m\ngroup_reporting\nnew_group\nthread\nrandrepeat=0\ncreate_on_open=1\ninvalidate=1\n"
      "description=x\nnrfiles=1\nfsync=0\noverwrite=0\nrandom_distribution=random\nthinktime=0\nfallocate=none\n"
      "iodepth=16\nioengine=sync\n");
  CHECK(job.size_bytes == kMiB);
  // libaio on a buffered file completes in io_submit: its depth has no effect; O_DIRECT would queue.
  CHECK(map_one("[w]\nrw=write\nsize=1m\nioengine=libaio\niodepth=8\n").mode == IoMode::kBuffered);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nioengine=io_uring\ndirect=1\n").mode == IoMode::kDirect);
  // stonewall on the first job has no preceding job to wait for.
  CHECK(map_one("[w]\nrw=write\nsize=1m\nstonewall\n").size_bytes == kMiB);
}

TEST_CASE("fio mapping: what the model does not have is refused by name, file and line") {
  const auto refused = [](const std::string& text, const std::string& where) {
    const std::string e = error_of(text, {}, {16 * kGiB});
    INFO(e);
    CHECK(e.find(where) != std::string::npos);
  };
  refused("[w]\nrw=write\nsize=1m\nfrobnicate=1\n", "t.fio:4: option 'frobnicate': unknown to foliosim");
  refused("[w]\nrw=write\nsize=1m\nnumjob=2\n", "(did you mean 'numjobs'?)");
  refused("[w]\nrw=write\nsize=1m\nthinktime=10\n", "t.fio:4: option 'thinktime': not modelled (");
  refused("[w]\nrw=write\nsize=1m\nthinktime=10\n", "pass --ignore thinktime to run without it");
  refused("[w]\nrw=write\nsize=1m\nbs=4k-64k\n", "t.fio:4: option 'bs': bs range 4k-64k: variable block sizes");
  refused("[w]\nrw=write\nsize=1m\nbssplit=4k/50:8k/50\n", "option 'bssplit': not modelled");
  refused("[w]\nrw=write\nsize=1m\nbsrange=4k-8k\n", "option 'bsrange': not modelled");
  refused("[w]\nrw=randrw\nsize=1m\n", "option 'rw': not modelled (rw=randrw");
  refused("[w]\nreadwrite=rw\nsize=1m\n", "option 'readwrite': not modelled");
  refused("[w]\nrw=trim\nsize=1m\n", "rw=trim: trims");
  refused("[w]\nrw=randtrim\nsize=1m\n", "rw=randtrim: trims");
  refused("[w]\nrw=randwrite:8\nsize=1m\n", "a new random offset every N");
  refused("[w]\nrw=write\nsize=1m\nnrfiles=2\n", "option 'nrfiles': not modelled");
  refused("[w]\nrw=write\nsize=1m\nfilename=a:b\n", "several files per job");
  refused("[w]\nrw=write\nsize=1m\ndirectory=/a:/b\n", "several directories");
  refused("[w]\nrw=write\nsize=1m\nfilename=/dev/nvme0n1\n", "option 'filename': not modelled (a block device");
  refused("[w]\nrw=write\nsize=1m\nioengine=io_uring\niodepth=32\n", "option 'iodepth': not modelled (iodepth=32");
  refused("[w]\nrw=write\nsize=1m\nioengine=libaio\ndirect=1\niodepth=4\n", "option 'iodepth': not modelled");
  refused("[w]\nrw=write\nsize=1m\nioengine=mmap\n", "option 'ioengine': not modelled (the mmap engine");
  refused("[w]\nrw=write\nsize=1m\nioengine=splice\n", "ioengine=splice");
  refused("[w]\nrw=write\nsize=1m\nuncached=1\n", "option 'uncached': an option of the pvsync2 and io_uring");
  refused("[w]\nrw=write\nsize=1m\nioengine=pvsync2\nuncached=1\ndirect=1\n", "cannot go with direct=1");
  refused("[w]\nrw=write\nsize=1m\nfsync=32\n", "option 'fsync': not modelled");
  refused("[w]\nrw=write\nsize=1m\nfdatasync=1\n", "option 'fdatasync': not modelled");
  refused("[w]\nrw=write\nsize=1m\nsync_file_range=write:8\n", "option 'sync_file_range': not modelled");
  refused("[w]\nrw=randwrite\nsize=1m\nnorandommap\n", "option 'norandommap': not modelled");
  refused("[w]\nrw=randwrite\nsize=1m\nrandom_distribution=zipf:1.2\n", "option 'random_distribution'");
  refused("[w]\nrw=write\nsize=1m\nrate=10m\n", "option 'rate': not modelled");
  refused("[w]\nrw=write\nsize=1m\nrate_iops=100\n", "option 'rate_iops': not modelled");
  refused("[w]\nrw=write\nsize=1m\nramp_time=2\n", "option 'ramp_time': not modelled");
  refused("[w]\nrw=write\nsize=1m\nwait_for=a\n", "t.fio:4: option 'wait_for': no job named \"a\" before this one");
  refused("[a]\nrw=write\nsize=1m\n[b]\nrw=write\nsize=1m\nwait_for=aa\n", "(did you mean \"a\"?)");
  refused("[w]\nrw=write\nsize=1m\nstartdelay=1-5\n", "option 'startdelay': not modelled (a random start delay");
  refused("[w]\nrw=write\nsize=1m\nloops=2\n", "option 'loops': not modelled");
  refused("[w]\nrw=write\nsize=1m\nruntime=1\ntime_based\n", "option 'time_based': not modelled");
  refused("[w]\nrw=write\nsize=1m\nio_size=2m\n", "option 'io_size': not modelled (more than one pass");
  refused("[w]\nrw=write\nfilesize=1k-4k\n", "option 'filesize': not modelled");
  refused("[w]\nrw=write\nsize=64q\n", "t.fio:3: option 'size': unknown size suffix");
  refused("[w]\nrw=write\nsize=1000\n", "option 'size': the region is smaller than bs");
  refused("[w]\nrw=write\nsize=6k\n", "not a multiple of bs");
  refused("[w]\nrw=write\n", "t.fio:1: [w]: a job needs size");
  refused("[w]\nrw=write\nsize=1m\nend_fsync=maybe\n", "option 'end_fsync': expected 1 or 0");
  refused("[w]\nrw=write\nsize=1m\nnumjobs=two\n", "option 'numjobs': expected a whole number");
  refused("[w]\nrw=write\nsize=1m\nnumjobs=5000\n", "t.fio:1: [w]: gives numjobs must be at most 4096");
  refused("[w]\nrw=write\nsize=1m\nkb_base=512\n", "option 'kb_base': expected 1024 or 1000");
  refused("[w]\nrw=write\nsize=1m\nname=\n", "t.fio:4: option 'name': a job's name may not be empty");
  refused("[w]\nrw=write\nsize=1m\n[w]\nrw=write\nsize=1m\n", "t.fio:4: [w]: a second job named \"w\"");
  // The model's own checks, at the job's line: O_DIRECT needs aligned blocks.
  refused("[w]\nrw=read\nsize=1000k\nbs=1000\ndirect=1\n", "t.fio:1: [w]: gives bs O_DIRECT needs bs");
  refused("[global]\nfrobnicate=1\n[w]\nrw=write\nsize=1m\n", "t.fio:2: option 'frobnicate'");
}

TEST_CASE("fio mapping: --ignore drops an option as if it were not written") {
  CHECK(map_one("[w]\nrw=write\nsize=1m\nthinktime=10\n", {"thinktime"}).size_bytes == kMiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nfrobnicate=1\n", {"frobnicate"}).size_bytes == kMiB);
  CHECK(map_one("[w]\nrw=write\nsize=1m\nbs=4k-64k\n", {"bs"}).bs_bytes == 4096);
  // An alias is dropped by either name.
  CHECK(map_one("[w]\nrw=write\nsize=1m\nblocksize=8k\n", {"bs"}).bs_bytes == 4096);
}

TEST_CASE("fio mapping: stonewall, wait_for, new_group, invalidate, pre_read and overwrite") {
  const auto jobs = map_all(
      "[a]\nrw=write\nsize=1m\n[b]\nrw=write\nsize=1m\nstonewall\n[c]\nrw=read\nsize=1m\nwait_for=a\n"
      "new_group\ninvalidate=0\n[d]\nrw=read\nsize=1m\npre_read=1\n");
  REQUIRE(jobs.size() == 4);
  CHECK_FALSE(jobs[0].stonewall);
  CHECK(jobs[1].stonewall);
  CHECK(jobs[2].wait_for == "a");
  CHECK(jobs[2].new_group);
  // fio's invalidate is on by default; pre_read turns it off.
  CHECK(jobs[0].invalidate);
  CHECK_FALSE(jobs[2].invalidate);
  CHECK(jobs[3].pre_read);
  CHECK_FALSE(jobs[3].invalidate);
  // overwrite=1 lays each clone's file out before the job: offset + region, written, not cached.
  const auto workload = map_fio_jobs(
      parse_fio_text("[w]\nrw=write\nbs=64k\nsize=1m\noffset=1m\nnumjobs=2\noverwrite=1\n", "t.fio", no_env),
      {16 * kGiB});
  REQUIRE(workload.files.size() == 2);
  CHECK(workload.files[0].name == "w.0");
  CHECK(workload.files[1].name == "w.1");
  CHECK(workload.files[0].size_bytes == 2 * kMiB);
  CHECK(workload.files[0].layout == foliosim::filesystem::Layout::kContiguous);
  CHECK(workload.files[0].cached == foliosim::workload::CachedPart::kNone);
  CHECK(map_fio_jobs(parse_fio_text("[w]\nrw=write\nsize=1m\n", "t.fio", no_env), {16 * kGiB}).files.empty());
}
