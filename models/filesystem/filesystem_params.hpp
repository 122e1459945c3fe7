// Scenario section "filesystem".
#pragma once

#include <cstdint>
#include <string>

#include "sim/json_fields.hpp"

namespace foliosim::filesystem {

struct FilesystemParams {
  std::string type = "xfs";
  std::uint64_t block_bytes = 4096;
  // Name of the device (in "devices") the filesystem lives on.
  std::string device;

  template <class F>
  void fields(F& f) {
    f.choice("type", type, {"xfs", "ext4"});
    f.size("block_size", block_bytes, Bound::kPositive);
    f.require("device");
    f.text("device", device);
  }
};

}  // namespace foliosim::filesystem
