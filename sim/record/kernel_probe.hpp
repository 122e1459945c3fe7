// What `foliosim record` checks of the machine before it touches anything,
// each failure a Refused naming why: root, the tools, the kernel's features
// (RWF_DONTCACHE, cachestat), and that the scenario asks nothing the real
// kernel cannot be made to do. Also what run_info.json says of the machine.
#pragma once

#include <string>

#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"

namespace foliosim::record {

// "needs root" unless the effective uid is 0.
void require_root(unsigned effective_uid);

// mkfs.<type> for the loop target (and losetup), or nothing for a directory.
void require_tools(const std::string& fs_type, bool make_loop_device, bool make_filesystem);

// Why the scenario (variant `variant` of `file`) cannot be recorded on this
// kernel: a model choice other than today's kernel (named by its JSON path),
// injected write errors, jobs on a second device, a writeback setting the
// machine's vm sysctls do not have. Throws Refused.
void check_reproducible(const Scenario& scenario, const std::string& file, const std::string& variant);

// On a file created and removed in `directory`: cachestat(2) (Linux 6.5,
// ENOSYS before) always, pwritev2(RWF_DONTCACHE) (Linux 6.14; EOPNOTSUPP or
// EINVAL without it) when `dontcache`. Throws Refused.
void probe_kernel_features(const std::string& directory, bool dontcache);

// sync, then drop the clean page cache, dentries and inodes
// (/proc/sys/vm/drop_caches, 3), so each repetition starts from a cold cache.
void drop_caches();

// A vm sysctl's value (/proc/sys/vm/<name>), or -1 when unreadable.
long vm_sysctl(const std::string& name);

// Mounts debugfs on /sys/kernel/debug when it is not (for the bdi and blk-wbt
// state) and unmounts it at the end only if it mounted it.
class DebugfsMount {
 public:
  DebugfsMount();
  ~DebugfsMount();
  DebugfsMount(const DebugfsMount&) = delete;
  DebugfsMount& operator=(const DebugfsMount&) = delete;
  bool available() const { return available_; }

 private:
  bool mounted_here_ = false;
  bool available_ = false;
};

// run_info.json's machine: kernel (uname), mkfs versions, vm.dirty_* sysctls, memory.
Json machine_info();

}  // namespace foliosim::record
