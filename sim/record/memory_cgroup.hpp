// A memory cgroup of our own with its limit set, for a scenario with a
// page_cache/memory_limit: the runner moves itself into it before it execs
// (cgroup.procs), so only the workload is limited. Removed (rmdir) at the
// end, once the runner has exited. On whichever hierarchy holds the memory
// controller: cgroup v2 (memory.max) or v1 (memory.limit_in_bytes, as the
// kernel reference's C6 was recorded); refused when neither does.
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

// The hierarchy that holds the memory controller.
struct MemoryHierarchy {
  std::string root;  // where it is mounted
  int version = 2;   // 2: memory.max; 1: memory.limit_in_bytes
};

// The memory controller's hierarchy, v2 first; throws Refused saying what is
// missing when neither has it.
MemoryHierarchy require_memory_cgroup();

// Whether a memory cgroup there has its own writeback domain (cgroup
// writeback needs the memory and io controllers both on cgroup v2).
bool has_cgroup_writeback(const MemoryHierarchy& hierarchy);

// Where cgroup2 is mounted (/proc/mounts), "" if nowhere.
std::string cgroup2_root();

// Where a cgroup v1 hierarchy with the memory controller is mounted, "" if nowhere.
std::string cgroup_v1_memory_root();
// The same, from the text of /proc/mounts.
std::string v1_memory_mount_in(const std::string& mounts_text);

}  // namespace foliosim::record
