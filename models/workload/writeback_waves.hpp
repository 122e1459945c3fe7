// The writeback waves a write loop sees of its own file: buffered writeback
// leaves in chunks (writeback_chunk_size) that start and end at once, so the
// page counts cachestat samples under writeback between calls repeat the
// chunk's size. The first non-zero sample is the first wave; the most
// frequent one (ties: the larger) the wave writeback settles on.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

namespace foliosim::workload {

class WritebackWaves {
 public:
  void sample(std::uint64_t writeback_pages) {
    if (writeback_pages == 0) return;
    if (first_pages_ == 0) first_pages_ = writeback_pages;
    if (writeback_pages < kDense) {
      if (writeback_pages >= dense_.size()) dense_.resize(writeback_pages + 1);
      ++dense_[writeback_pages];
    } else {
      ++sparse_[writeback_pages];
    }
  }
  std::uint64_t first_pages() const { return first_pages_; }
  std::uint64_t most_frequent_pages() const {
    std::uint64_t best = 0, best_count = 0;
    // Ascending (every dense count is below every sparse one): a tie goes to the larger.
    for (std::uint64_t pages = 1; pages < dense_.size(); ++pages)
      if (dense_[pages] > 0 && dense_[pages] >= best_count) best = pages, best_count = dense_[pages];
    for (const auto& [pages, count] : sparse_)
      if (count >= best_count) best = pages, best_count = count;
    return best;
  }

 private:
  // Samples by page count, at most one entry per distinct count, so bounded
  // by the file's largest writeback count, not by the number of calls. Counts
  // under kDense are indexed directly: a sample a call, without a tree walk.
  static constexpr std::uint64_t kDense = 4096;
  std::uint64_t first_pages_ = 0;
  std::vector<std::uint64_t> dense_;
  std::map<std::uint64_t, std::uint64_t> sparse_;
};

}  // namespace foliosim::workload
