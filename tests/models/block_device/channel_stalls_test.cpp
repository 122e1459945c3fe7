#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "models/block_device/channel_stalls.hpp"
#include "models/common/random_draws.hpp"

using namespace foliosim;
using block_device::ChannelStalls;

namespace {

constexpr double kRate_hz = 15, kMean_s = 1e-3;
constexpr std::uint64_t kSeed = 7;

// The first two stalls as ChannelStalls draws them: gap, length, gap, length
// from the stream, each gap counted from the end of the stall before.
struct Timeline {
  double first_at_s, first_s, second_at_s, second_s;
};
Timeline timeline() {
  std::mt19937_64 rng(kSeed);
  Timeline t{};
  t.first_at_s = exponential(rng, 1 / kRate_hz);
  t.first_s = exponential(rng, kMean_s);
  t.second_at_s = t.first_at_s + t.first_s + exponential(rng, 1 / kRate_hz);
  t.second_s = exponential(rng, kMean_s);
  return t;
}

}  // namespace

TEST_CASE("channel stalls: work meets a stall only where it overlaps one") {
  const Timeline t = timeline();
  REQUIRE(t.first_at_s > 1e-4);  // room for work before the first stall
  ChannelStalls stalls(kRate_hz, kMean_s, std::mt19937_64(kSeed));

  SUBCASE("work that ends before the first stall takes its own time") {
    CHECK(stalls.end_of(0, 0, 5e-5) == doctest::Approx(5e-5).epsilon(1e-12));
  }
  SUBCASE("work the first stall starts in is stretched by the stall's length") {
    const double start_s = t.first_at_s - 1e-5;
    CHECK(stalls.end_of(start_s, start_s, 2e-5) == doctest::Approx(start_s + 2e-5 + t.first_s).epsilon(1e-12));
  }
  SUBCASE("work that would start inside a stall starts when it ends") {
    const double start_s = t.first_at_s + t.first_s / 2;
    CHECK(stalls.end_of(start_s, start_s, 2e-5) == doctest::Approx(t.first_at_s + t.first_s + 2e-5).epsilon(1e-12));
  }
  SUBCASE("a stall during a request's latency, the channel idle, holds the request by its length") {
    const double held_s = t.first_at_s - 2e-5, ready_s = t.first_at_s + 1e-5;
    CHECK(stalls.end_of(held_s, ready_s, 1e-6) == doctest::Approx(ready_s + 1e-6 + t.first_s).epsilon(1e-12));
  }
  SUBCASE("a stall that starts and ends while the channel is idle is never seen") {
    const double start_s = t.first_at_s + t.first_s + 1e-9;
    const double busy_s = std::min(1e-5, (t.second_at_s - start_s) / 2);
    CHECK(stalls.end_of(start_s, start_s, busy_s) == doctest::Approx(start_s + busy_s).epsilon(1e-12));
  }
  SUBCASE("work long enough to meet both stalls waits out both") {
    const double busy_s = t.second_at_s - t.first_s + 1e-6;  // its stretched end passes the second's start
    CHECK(stalls.end_of(0, 0, busy_s) == doctest::Approx(busy_s + t.first_s + t.second_s).epsilon(1e-12));
  }
}

TEST_CASE("channel stalls: none at 0 Hz; a long busy stretch is longer by rate x mean, however it is cut") {
  ChannelStalls none(0, kMean_s, std::mt19937_64(kSeed));
  CHECK(none.end_of(3, 3, 2) == 5);
  CHECK(none.end_of(0.25, 0.5, 0.125) == 0.625);  // held from 0.25, its transfer from 0.5

  // 1000 s of back-to-back 1 ms transfers meet about 15000 stalls of 1 ms:
  // stalls take a mean 1 ms after each mean 1/15 s gap, so the transfers
  // end 1 + rate x mean = 1.015 times their busy time in (the stalls' sum
  // spreads by about 1 % of itself, 0.015 % of the whole). The timeline is
  // the seed's alone: one long transfer meets the same stalls.
  ChannelStalls chunks(kRate_hz, kMean_s, std::mt19937_64(kSeed));
  ChannelStalls whole(kRate_hz, kMean_s, std::mt19937_64(kSeed));
  double at_s = 0;
  for (int i = 0; i < 1000000; ++i) at_s = chunks.end_of(at_s, at_s, 1e-3);
  const double busy_s = 1000;
  CHECK(at_s / busy_s == doctest::Approx(1 + kRate_hz * kMean_s).epsilon(1e-3));
  CHECK(whole.end_of(0, 0, busy_s) == doctest::Approx(at_s).epsilon(1e-9));
}
