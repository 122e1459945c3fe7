// `foliosim record` cannot or must not run: not root, a kernel feature the
// scenario needs is missing, the target is too small or not what was named,
// or the scenario models something the real kernel cannot be made to do.
// Exit 2, like bad input; the message says why.
#pragma once

#include <stdexcept>

namespace foliosim::record {

class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace foliosim::record
