// The offsets and lengths of a job's write calls, generated one at a time in
// constant memory whatever the job's size.
#pragma once

#include <cstdint>
#include <random>

#include "models/workload/job_params.hpp"

namespace foliosim::workload {

struct WriteCall {
  std::uint64_t offset_bytes;
  std::uint64_t length_bytes;
};

class WritePattern {
 public:
  WritePattern(const JobParams& job, std::mt19937_64 rng);
  // The next call, or false when the job is done.
  bool next(WriteCall& call);

 private:
  // A bijection of [0, 2^bits_), a 4-round Feistel network keyed from the
  // job's stream; cycle-walking restricts it to [0, blocks_).
  std::uint64_t permute(std::uint64_t index) const;

  JobParams job_;
  std::uint64_t calls_total_;
  std::uint64_t calls_done_ = 0;
  std::uint64_t bytes_left_;
  // randwrite only
  std::uint64_t blocks_ = 0;
  unsigned half_bits_ = 0;
  std::uint64_t round_keys_[4] = {};
  std::mt19937_64 rng_;
};

}  // namespace foliosim::workload
