// The writeback waves a write loop's samples see.
#include <doctest/doctest.h>

#include "models/workload/writeback_waves.hpp"

using foliosim::workload::WritebackWaves;

TEST_CASE("writeback waves: the first non-zero sample, and the most frequent one with ties to the larger") {
  WritebackWaves waves;
  CHECK(waves.first_pages() == 0);
  CHECK(waves.most_frequent_pages() == 0);
  // Nothing under writeback, then a wave of 13312 pages twice, one of 26624
  // twice, and one partial count.
  for (std::uint64_t pages : {0, 0, 13312, 13312, 0, 26624, 500, 26624}) waves.sample(pages);
  CHECK(waves.first_pages() == 13312);
  CHECK(waves.most_frequent_pages() == 26624);  // 2 each: the larger
  waves.sample(13312);
  CHECK(waves.most_frequent_pages() == 13312);  // 3 against 2
  CHECK(waves.first_pages() == 13312);
}

TEST_CASE("writeback waves: small counts (indexed directly) and large ones (a map) compare as one ascending order") {
  WritebackWaves waves;
  for (std::uint64_t pages : {32, 16, 16, 32}) waves.sample(pages);
  CHECK(waves.first_pages() == 32);
  CHECK(waves.most_frequent_pages() == 32);  // 2 each, both small: the larger
  for (std::uint64_t pages : {8192, 8192}) waves.sample(pages);
  CHECK(waves.most_frequent_pages() == 8192);  // 2 each across the two: the larger
  waves.sample(16);
  CHECK(waves.most_frequent_pages() == 16);  // a small count with 3 against 2
  waves.sample(4095);
  waves.sample(4096);
  CHECK(waves.most_frequent_pages() == 16);  // one each at the boundary changes nothing
}
