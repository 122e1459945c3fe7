#include "models/workload/write_pattern.hpp"

#include <algorithm>

#include "models/common/random_streams.hpp"

namespace foliosim::workload {

WritePattern::WritePattern(const JobParams& job, std::mt19937_64 rng)
    : job_(job), calls_total_(job.write_calls()), rng_(std::move(rng)) {
  bytes_left_ = job.number_ios ? job.number_ios * job.bs_bytes : job.size_bytes;
  if (job_.random()) {
    blocks_ = std::max<std::uint64_t>(1, job.size_bytes / job.bs_bytes);
    unsigned bits = 1;
    while ((1ULL << bits) < blocks_) ++bits;
    half_bits_ = (bits + 1) / 2;
    for (auto& key : round_keys_) key = rng_();
  }
}

std::uint64_t WritePattern::permute(std::uint64_t index) const {
  const std::uint64_t mask = (1ULL << half_bits_) - 1;
  std::uint64_t left = index >> half_bits_;
  std::uint64_t right = index & mask;
  for (std::uint64_t key : round_keys_) {
    std::uint64_t next = left ^ (mix64(right ^ key) & mask);
    left = right;
    right = next;
  }
  return (left << half_bits_) | right;
}

bool WritePattern::next(WriteCall& call) {
  if (calls_done_ == calls_total_ || bytes_left_ == 0) return false;
  const std::uint64_t i = calls_done_++;
  call.length_bytes = std::min(job_.bs_bytes, bytes_left_);
  bytes_left_ -= call.length_bytes;
  if (blocks_ > 0) {
    // Every block once per pass over the region; a new pass past the end.
    std::uint64_t pass_index = i % blocks_;
    std::uint64_t block = permute(pass_index);
    while (block >= blocks_) block = permute(block);  // cycle-walk
    call.offset_bytes = job_.offset_bytes + block * job_.bs_bytes;
  } else {
    call.offset_bytes = job_.offset_bytes + i * job_.stride_or_bs();
  }
  return true;
}

}  // namespace foliosim::workload
