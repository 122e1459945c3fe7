// The page: the unit the page cache, reclaim and writeback count in.
#pragma once

#include <cstdint>

namespace foliosim {

// PAGE_SIZE on x86-64 and arm64's default configuration.
constexpr std::uint64_t kPageBytes = 4096;

// Index of the page holding byte `bytes`; with a length, pages_up gives the
// index one past the last page touched.
constexpr std::uint64_t pages_down(std::uint64_t bytes) { return bytes / kPageBytes; }
constexpr std::uint64_t pages_up(std::uint64_t bytes) { return (bytes + kPageBytes - 1) / kPageBytes; }
constexpr std::uint64_t page_bytes(std::uint64_t pages) { return pages * kPageBytes; }

}  // namespace foliosim
