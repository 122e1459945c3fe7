// Each fuzz target over its seed corpus: a plain regression run in the normal
// suite (no clang needed). Crashes the fuzzer found have their own tests in
// tests/sim/input/.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_targets.hpp"
#include "tests/test_support.hpp"

namespace fs = std::filesystem;

namespace {

using Body = void (*)(const std::uint8_t*, std::size_t);

// Runs `body` over every file under `dirs`; returns how many there were.
std::size_t run_over(Body body, const std::vector<std::string>& dirs) {
  std::size_t count = 0;
  for (const auto& dir : dirs)
    for (const auto& entry : fs::recursive_directory_iterator(foliosim::test::source_path(dir))) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      const std::string input = s.str();
      INFO(entry.path().string());
      CHECK_NOTHROW(body(reinterpret_cast<const std::uint8_t*>(input.data()), input.size()));
      ++count;
    }
  return count;
}

}  // namespace

TEST_CASE("fuzz target scenario_text runs over its seeds, the shipped scenarios") {
  CHECK(run_over(foliosim::fuzz::scenario_text, {"scenarios"}) >= 12);
}

TEST_CASE("fuzz target set_overrides runs over its seed corpus") {
  CHECK(run_over(foliosim::fuzz::set_overrides, {"tests/fuzz/corpus/set_overrides"}) >= 6);
}

TEST_CASE("fuzz target unit_string runs over its seed corpus") {
  CHECK(run_over(foliosim::fuzz::unit_string, {"tests/fuzz/corpus/unit_string"}) >= 11);
}

TEST_CASE("fuzz target published_section runs over its seed corpus") {
  CHECK(run_over(foliosim::fuzz::published_section, {"tests/fuzz/corpus/published_section"}) >= 3);
}
