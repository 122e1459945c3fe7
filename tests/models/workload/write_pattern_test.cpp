#include <doctest/doctest.h>

#include <set>

#include "models/workload/write_pattern.hpp"
#include "models/common/random_streams.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::workload;
using namespace foliosim::test;

namespace {
std::vector<WriteCall> all_calls(const JobParams& job, std::uint64_t seed = 1) {
  WritePattern pattern(job, random_stream(seed, "job"));
  std::vector<WriteCall> calls;
  WriteCall c{};
  while (pattern.next(c)) calls.push_back(c);
  return calls;
}
}  // namespace

TEST_CASE("sequential writes cover the size, the last one short") {
  JobParams job;
  job.bs_bytes = 4 * KiB;
  job.size_bytes = 10 * KiB;
  job.offset_bytes = 1 * MiB;
  auto calls = all_calls(job);
  REQUIRE(calls.size() == 3);
  CHECK(calls[0].offset_bytes == 1 * MiB);
  CHECK(calls[1].offset_bytes == 1 * MiB + 4 * KiB);
  CHECK(calls[2].offset_bytes == 1 * MiB + 8 * KiB);
  CHECK(calls[2].length_bytes == 2 * KiB);
}

TEST_CASE("a stride larger than bs makes sparse, extending writes") {
  JobParams job;
  job.bs_bytes = 4 * KiB;
  job.stride_bytes = 64 * KiB;
  job.number_ios = 4;
  auto calls = all_calls(job);
  REQUIRE(calls.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK(calls[i].offset_bytes == i * 64 * KiB);
    CHECK(calls[i].length_bytes == 4 * KiB);
  }
}

TEST_CASE("randwrite writes every block of the region once, in a seeded order") {
  JobParams job;
  job.rw = Rw::kRandWrite;
  job.bs_bytes = 4 * KiB;
  job.size_bytes = 1000 * 4 * KiB;  // not a power of two: exercises cycle-walking
  auto calls = all_calls(job, 7);
  REQUIRE(calls.size() == 1000);
  std::set<std::uint64_t> offsets;
  for (const auto& c : calls) {
    CHECK(c.offset_bytes % (4 * KiB) == 0);
    CHECK(c.offset_bytes < 1000 * 4 * KiB);
    offsets.insert(c.offset_bytes);
  }
  CHECK(offsets.size() == 1000);
  bool sequential = true;
  for (std::size_t i = 0; i < calls.size(); ++i) sequential = sequential && calls[i].offset_bytes == i * 4 * KiB;
  CHECK_FALSE(sequential);
  // Same seed, same order; another seed, another order.
  auto again = all_calls(job, 7);
  auto other = all_calls(job, 8);
  bool same = true, differs = false;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    same = same && again[i].offset_bytes == calls[i].offset_bytes;
    differs = differs || other[i].offset_bytes != calls[i].offset_bytes;
  }
  CHECK(same);
  CHECK(differs);
}
