#include "models/common/ring_fifo.hpp"

#include <memory>

#include <doctest/doctest.h>

using foliosim::RingFifo;

TEST_CASE("ring FIFO: order kept across wrap-around and growth") {
  RingFifo<int> q;
  CHECK(q.empty());
  // Eight slots at first: push 6, pop 4, push 6 more (wraps the ring, then
  // grows it with the elements split across its end).
  int next_in = 0, next_out = 0;
  for (int i = 0; i < 6; ++i) q.push_back(next_in++);
  for (int i = 0; i < 4; ++i) CHECK(q.pop_front() == next_out++);
  for (int i = 0; i < 6; ++i) q.push_back(next_in++);  // 2 + 6 = 8: full, wrapped
  CHECK(q.size() == 8);
  q.push_back(next_in++);  // grows to 16
  CHECK(q.size() == 9);
  CHECK(q.front() == next_out);
  while (!q.empty()) CHECK(q.pop_front() == next_out++);
  CHECK(next_out == 13);
  // Reused after emptying, front and back meet again.
  q.push_back(42);
  CHECK(q.front() == 42);
  CHECK(q.pop_front() == 42);
  CHECK(q.empty());
}

TEST_CASE("ring FIFO: move-only elements are moved in and out") {
  RingFifo<std::unique_ptr<int>> q;
  for (int i = 0; i < 20; ++i) q.push_back(std::make_unique<int>(i));
  for (int i = 0; i < 20; ++i) {
    auto p = q.pop_front();
    REQUIRE(p);
    CHECK(*p == i);
  }
  CHECK(q.empty());
}
