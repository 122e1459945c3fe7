// One libFuzzer target: CMake builds this file once per body in
// fuzz_targets.hpp, naming it in FOLIOSIM_FUZZ_BODY.
#include "tests/fuzz/fuzz_targets.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  foliosim::fuzz::FOLIOSIM_FUZZ_BODY(data, size);
  return 0;
}
