#include "models/filesystem/filesystem_traits.hpp"

#include <limits>

#include "models/common/errors.hpp"
#include "models/common/pages.hpp"

namespace foliosim::filesystem {

std::uint64_t FilesystemTraits::ioend_max_pages(std::uint64_t block_bytes) const {
  if (ioend_max_blocks == 0) return std::numeric_limits<std::uint64_t>::max();
  return ioend_max_blocks * block_bytes / kPageBytes;
}

std::uint64_t FilesystemTraits::cgroup_bytes_per_page(const FilesystemParams& params) const {
  return cgroup_bytes_per_block ? params.*cgroup_bytes_per_block * kPageBytes / params.block_bytes : 0;
}

double FilesystemTraits::release_per_page_s(const FilesystemParams& params, const cpu::CpuCostParams& costs) const {
  return costs.*release_per_block_s * static_cast<double>(kPageBytes) / static_cast<double>(params.block_bytes);
}

const FilesystemTraits& traits_of(FilesystemKind kind) {
  switch (kind) {
    case FilesystemKind::kXfs:
      return kXfsTraits;
    case FilesystemKind::kExt4:
      return kExt4Traits;
  }
  invalid_enum_value("filesystem type");
}

}  // namespace foliosim::filesystem
