// The machine and the CPU cost of each kernel code path the simulation charges.
#pragma once

#include <cstdint>

#include "sim/json_fields.hpp"

namespace foliosim::cpu {

// Scenario section "machine".
struct MachineParams {
  std::uint64_t cpus = 2;
  // Clock of every CPU. Costs below scale by cpu.reference_speed / cpu_speed.
  double cpu_speed_hz = 2.5e9;
  // Physical memory; the page cache and reclaim model size themselves from it.
  std::uint64_t memory_bytes = 24ULL << 30;

  template <class F>
  void fields(F& f) {
    f.count("cpus", cpus, Bound::kPositive);
    f.frequency("cpu_speed", cpu_speed_hz);
    f.size("memory", memory_bytes, Bound::kPositive);
  }
};

// Scenario section "cpu": durations of kernel code paths, as measured on a CPU
// running at reference_speed. Defaults and their derivation: models/README.md.
struct CpuCostParams {
  double reference_speed_hz = 2.5e9;
  // Per system call: entry, exit, fd lookup, generic_write_checks.
  double syscall_entry_s = 0.4e-6;
  // Per O_DIRECT call: iomap_dio_rw setup, iomap_begin/end, inode lock.
  double dio_setup_s = 2.0e-6;
  // Per 4 KiB page of an O_DIRECT call: pinning the user page into the bio.
  double dio_per_page_s = 0.05e-6;
  // Per device request: building the bio, blk-mq tag and dispatch.
  double request_submit_s = 1.5e-6;
  // Per device request: interrupt, bio_endio, waking the waiter.
  double request_complete_s = 2.0e-6;

  template <class F>
  void fields(F& f) {
    f.frequency("reference_speed", reference_speed_hz);
    f.duration("syscall_entry", syscall_entry_s);
    f.duration("dio_setup", dio_setup_s);
    f.duration("dio_per_page", dio_per_page_s);
    f.duration("request_submit", request_submit_s);
    f.duration("request_complete", request_complete_s);
  }
};

}  // namespace foliosim::cpu
