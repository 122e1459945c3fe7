// A step run between phases, before a job starts (the job's "before" list):
// what a benchmark script does between fio runs. Each acts on the models
// directly, in simulated time, with no application calls counted.
#pragma once

#include <string>

#include "models/common/param_fields.hpp"

namespace foliosim::workload {

// drop_caches: `echo 1 > /proc/sys/vm/drop_caches` (drop_pagecache_sb):
// every clean, idle, unmapped folio is freed; dirty and under-writeback ones
// stay. fsync: fsync(2) of `file` (its data and the log). sync: sync(2), every
// file with dirty data written and waited for. sleep: nothing for `duration`
// (the flusher and kswapd go on).
enum class StepKind { kDropCaches, kFsync, kSync, kSleep };
inline constexpr ChoiceName<StepKind> kStepNames[] = {{"drop_caches", StepKind::kDropCaches},
                                                      {"fsync", StepKind::kFsync},
                                                      {"sync", StepKind::kSync},
                                                      {"sleep", StepKind::kSleep}};

struct JobStep {
  StepKind step = StepKind::kSync;
  // fsync: the file (a job's file name, or a workload/files name).
  std::string file;
  // sleep: how long; at most kMaxSimulatedTimeS.
  double duration_s = 0;

  template <class F>
  void fields(F& f) {
    f.require("step");
    f.choice("step", step, kStepNames);
    f.text("file", file);
    f.duration("duration", duration_s, Bound::between(0, kMaxSimulatedTimeS));
  }
};

}  // namespace foliosim::workload
