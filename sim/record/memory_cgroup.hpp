// A cgroup v2 of our own with memory.max set, for a scenario with a
// page_cache/memory_limit: the runner moves itself into it before it execs
// (cgroup.procs), so only the workload is limited. Removed (rmdir) at the
// end, once the runner has exited. Refused when cgroup v2 has no memory
// controller (a v1 hierarchy holds it, or no cgroup2 mount).
#pragma once

#include <cstdint>
#include <string>

namespace foliosim::record {

class MemoryCgroup {
 public:
  explicit MemoryCgroup(std::uint64_t limit_bytes);
  ~MemoryCgroup();
  MemoryCgroup(const MemoryCgroup&) = delete;
  MemoryCgroup& operator=(const MemoryCgroup&) = delete;
  // The file a process writes its pid to, to join.
  std::string procs_file() const { return path_ + "/cgroup.procs"; }

 private:
  std::string path_;
};

// Where cgroup2 is mounted, when it has the memory controller; throws
// Refused saying what is missing otherwise.
std::string require_memory_cgroup();

// Where cgroup2 is mounted (/proc/mounts), "" if nowhere.
std::string cgroup2_root();

}  // namespace foliosim::record
