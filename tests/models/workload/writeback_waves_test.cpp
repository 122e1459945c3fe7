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
