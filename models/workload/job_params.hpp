// One fio-like job of the scenario's "workload/jobs" array. Option names are
// fio's where fio has one (rw, bs, size, number_ios, offset, numjobs,
// end_fsync, filename, startdelay).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "models/common/errors.hpp"
#include "models/common/param_fields.hpp"
#include "models/workload/job_step.hpp"

namespace foliosim::workload {

// fio's rw: "write": sequential (sparse when stride > bs); "randwrite": every
// block of the size-long region once, in an order drawn from the job's
// stream; "read" / "randread": the same patterns, reading (buffered only).
enum class Rw { kWrite, kRandWrite, kRead, kRandRead };
inline constexpr ChoiceName<Rw> kRwNames[] = {
    {"write", Rw::kWrite}, {"randwrite", Rw::kRandWrite}, {"read", Rw::kRead}, {"randread", Rw::kRandRead}};

// buffered, dontcache (RWF_DONTCACHE; uncached is its other name), direct
// (O_DIRECT).
enum class IoMode { kBuffered, kDontcache, kDirect };
inline constexpr ChoiceName<IoMode> kIoModeNames[] = {{"buffered", IoMode::kBuffered},
                                                      {"dontcache", IoMode::kDontcache},
                                                      {"uncached", IoMode::kDontcache},
                                                      {"direct", IoMode::kDirect}};

// posix_fadvise over the clone's region when it opens its file (fio's
// fadvise_hint): "none" makes no call; see vfs::Advice for what each does.
enum class Fadvise { kNone, kNormal, kSequential, kRandom, kWillneed, kDontneed };
inline constexpr ChoiceName<Fadvise> kFadviseNames[] = {
    {"none", Fadvise::kNone},     {"normal", Fadvise::kNormal},     {"sequential", Fadvise::kSequential},
    {"random", Fadvise::kRandom}, {"willneed", Fadvise::kWillneed}, {"dontneed", Fadvise::kDontneed}};

struct JobParams {
  // Names the job in the results and its default file names (required).
  std::string name;
  // Access pattern (see Rw above). randwrite draws its order from a stream
  // of the scenario's seed.
  Rw rw = Rw::kWrite;
  // Bytes per call (fio bs). Sets the folio size with large folios, so the
  // per-call and per-folio costs per byte; smaller: more calls, slower to
  // simulate.
  std::uint64_t bs_bytes = 4096;
  // Bytes each clone writes; the last write is short if size is not a
  // multiple of bs. Ignored when number_ios is set.
  std::uint64_t size_bytes = 0;
  // Number of write calls each clone makes (fio number_ios); 0: from size.
  std::uint64_t number_ios = 0;
  // Distance between the starts of consecutive sequential writes; 0 means bs.
  // stride > bs gives a stream of sparse, file-extending writes (fio's
  // rw=write:<gap> with gap = stride - bs).
  std::uint64_t stride_bytes = 0;
  // Where in the file the clone's region starts (fio offset): the first
  // sequential write, the lowest random one.
  std::uint64_t offset_bytes = 0;
  // Clones of the job running at once (fio numjobs), each its own writer
  // with its own file unless filename is set. At most 4096 clones, each a
  // simulated actor with its own stack.
  std::uint64_t numjobs = 1;
  // How the calls reach the device (see IoMode above): through the page
  // cache, through it dropping behind (RWF_DONTCACHE), or around it.
  IoMode mode = IoMode::kBuffered;
  // fsync the file after the last write (fio end_fsync); its time is
  // reported apart from the write phase.
  bool end_fsync = false;
  // File written; by default each clone writes its own "<name>.<clone>".
  // When set, all clones share it, as in fio.
  std::string filename;
  // Simulated time before the clone's first call (fio startdelay); at most
  // kMaxSimulatedTimeS (a week).
  double startdelay_s = 0;
  // fio's runtime with time_based: the clone stops issuing calls once this
  // long has passed since it started (after startdelay), even with bytes
  // left; 0: it writes all of size.
  double runtime_s = 0;
  // Device whose filesystem (of the scenario's filesystem type) holds the
  // job's files; by default the filesystem's own device.
  std::string device;
  // posix_fadvise advice the clone gives over [offset, offset + size) of its
  // file before its first call (see Fadvise above): sequential doubles its
  // readahead, random turns it off (a miss reads only what was asked),
  // willneed starts reading the region ahead (up to a readahead's worth),
  // dontneed starts writing its dirty pages and drops its clean ones.
  Fadvise fadvise = Fadvise::kNone;
  // The job maps its file (mmap, MAP_SHARED) and keeps it mapped: its folios
  // are then never invalidated, dropped behind or reclaimed. A reader reads
  // through the mapping (page faults with fault-around, fio's mmap engine)
  // instead of read calls; its mode must be buffered.
  bool mmap = false;
  // The clone samples its file's page-cache state (for peak_between_writes)
  // after every this many successful write calls and after its last, as a
  // write loop calling cachestat every so often does; 1: after every call.
  // Larger: fewer samples (a faster run) that may miss the peaks.
  std::uint64_t cachestat_every = 1;
  // fio's stonewall: the job starts once every job before it has ended, and
  // opens a new phase (fio's group). Off: it starts with the others.
  bool stonewall = false;
  // fio's wait_for: the job starts once the named (earlier) job has ended.
  std::string wait_for;
  // fio's new_group: a new phase for the results, without waiting.
  bool new_group = false;
  // Steps run once, in order, when the job may start and before its clones
  // do (drop_caches, fsync, sync, sleep: job_step.hpp).
  std::vector<JobStep> before;
  // fio's invalidate: the clean cache of each clone's file is dropped before
  // it starts (POSIX_FADV_DONTNEED). fio's default is on; the native default
  // is off, so that a job reading what an earlier one wrote finds it cached.
  bool invalidate = false;
  // fio's pre_read: each clone's file (up to its size) is put in the cache,
  // clean, before the job starts, with no simulated reads (fio does not time
  // them either); it overrides invalidate, as in fio.
  bool pre_read = false;

  template <class F>
  void fields(F& f) {
    f.require("name");
    f.text("name", name);
    f.choice("rw", rw, kRwNames);
    f.size("bs", bs_bytes, Bound::kPositive);
    f.size("size", size_bytes);
    f.count("number_ios", number_ios);
    f.size("stride", stride_bytes);
    f.size("offset", offset_bytes);
    f.count("numjobs", numjobs, Bound::between(1, 4096));
    f.choice("mode", mode, kIoModeNames);
    f.flag("end_fsync", end_fsync);
    f.text("filename", filename);
    f.duration("startdelay", startdelay_s, Bound::between(0, kMaxSimulatedTimeS));
    f.duration("runtime", runtime_s);
    f.text("device", device);
    f.choice("fadvise", fadvise, kFadviseNames);
    f.flag("mmap", mmap);
    f.count("cachestat_every", cachestat_every, Bound::kPositive);
    f.flag("stonewall", stonewall);
    f.text("wait_for", wait_for);
    f.flag("new_group", new_group);
    f.list("before", before);
    f.flag("invalidate", invalidate);
    f.flag("pre_read", pre_read);
  }

  std::uint64_t stride_or_bs() const { return stride_bytes ? stride_bytes : bs_bytes; }
  std::uint64_t write_calls() const { return number_ios ? number_ios : (size_bytes + bs_bytes - 1) / bs_bytes; }
  // Write calls a clone is expected to make on a device writing at
  // `device_write_Bps`: a time-based job (runtime) stops before its size, so
  // expect what the device takes in that time.
  double expected_write_calls(double device_write_Bps) const {
    const double calls = static_cast<double>(write_calls());
    if (runtime_s <= 0) return calls;
    return std::min(calls, std::ceil(runtime_s * device_write_Bps / static_cast<double>(bs_bytes)));
  }
  bool reads() const {
    switch (rw) {
      case Rw::kWrite:
      case Rw::kRandWrite: return false;
      case Rw::kRead:
      case Rw::kRandRead: return true;
    }
    invalid_enum_value("rw");
  }
  // Every block of the region once in a drawn order, rather than in sequence.
  bool random() const {
    switch (rw) {
      case Rw::kWrite:
      case Rw::kRead: return false;
      case Rw::kRandWrite:
      case Rw::kRandRead: return true;
    }
    invalid_enum_value("rw");
  }
  std::string file_for_clone(std::uint64_t clone) const {
    return filename.empty() ? name + "." + std::to_string(clone) : filename;
  }
};

}  // namespace foliosim::workload
