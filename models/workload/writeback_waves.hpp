// The writeback waves a write loop sees of its own file: buffered writeback
// leaves in chunks (writeback_chunk_size) that start and end at once, so the
// page counts cachestat samples under writeback between calls repeat the
// chunk's size. The first non-zero sample is the first wave; the most
// frequent one (ties: the larger) the wave writeback settles on.
#pragma once

#include <cstdint>
#include <map>

namespace foliosim::workload {

class WritebackWaves {
 public:
  void sample(std::uint64_t writeback_pages) {
    if (writeback_pages == 0) return;
    if (first_pages_ == 0) first_pages_ = writeback_pages;
    ++seen_[writeback_pages];
  }
  std::uint64_t first_pages() const { return first_pages_; }
  std::uint64_t most_frequent_pages() const {
    std::uint64_t best = 0, best_count = 0;
    for (const auto& [pages, count] : seen_)  // ascending: a tie goes to the larger
      if (count >= best_count) best = pages, best_count = count;
    return best;
  }

 private:
  std::uint64_t first_pages_ = 0;
  // Samples by page count: at most one entry per distinct count, so bounded
  // by the file's largest writeback count, not by the number of calls.
  std::map<std::uint64_t, std::uint64_t> seen_;
};

}  // namespace foliosim::workload
