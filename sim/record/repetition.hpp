// One repetition of one variant on the real kernel: a fresh target (a new
// loop device and filesystem, or the named device or folder), cold caches,
// the device idle, its state, the workload (foliosim-runner), its state
// again. Whatever it made for the repetition is gone when it returns or throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/input/json_fields.hpp"
#include "sim/input/scenario.hpp"
#include "sim/record/loop_target.hpp"

namespace foliosim::record {

enum class TargetKind { kLoop, kDevice, kDirectory };

struct Target {
  TargetKind kind = TargetKind::kLoop;
  std::string path;  // the device (/dev/X) or folder; "" for a loop device
  bool format = false;  // mkfs the named device before each repetition
};

// --target's value: "" or "loop", a block device, or an existing folder.
// Throws Refused (naming --target) for anything else, a --format without a
// device, or a device that is mounted (name its folder instead).
Target parse_target(const std::string& option, bool format);

struct RepetitionSetup {
  const Scenario* scenario = nullptr;
  Target target;
  const BackingImage* image = nullptr;  // the loop target's
  std::string work_dir;                 // a private folder for mount points and the runner's files
  std::string runner;
  bool probe = false;  // check the kernel's features on this repetition's filesystem
};

// The scenario's filesystem as mkfs and mount name it: "xfs", "ext4".
std::string fs_type_name(const Scenario& scenario);

// The scenario's device that holds its filesystem (the loop target stands for it).
const block_device::DeviceParams& filesystem_device(const Scenario& scenario);

// Bytes the jobs' files reach at most, all files together: what the target must hold.
std::uint64_t workload_footprint_bytes(const Scenario& scenario);

// The repetition's figures (the runner's, named as the simulator's summary)
// plus device_state_start / device_state_end and the device's name.
Json record_repetition(const RepetitionSetup& setup);

// The device's state that outlives a run: its bdi's estimates (debugfs
// bdi/<maj:min>/stats and the root wb's wb_stats), blk-wbt's (rqos/wbt/) and
// queue/wbt_lat_usec; an empty part when debugfs does not have it.
Json device_state(const BlockDeviceInfo& device);

}  // namespace foliosim::record
