// The completion work item's runs (completion_work.hpp), worked out by hand.
#include "models/writeback/completion_work.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include <simgrid/s4u/Actor.hpp>

#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::test;

namespace {

using Ended = std::vector<std::pair<int, double>>;  // ioend, ended at

// Runs `body(work, ended)` as an actor, with a wake-up of median
// `latency_s` and shape `sigma`; then a second more, so every run is done.
template <class Body>
Ended run_work(double latency_s, double sigma, Body body) {
  return run_in_child([=] {
    simgrid::s4u::Host* host = nullptr;
    auto engine = bare_engine(host);
    return run_actor(*engine, host, [&] {
      Ended ended;
      writeback::CompletionWork<int> work(latency_s, sigma, 7, [&ended](const int& id, double at_s) {
        ended.emplace_back(id, at_s);
      });
      body(work, ended);
      simgrid::s4u::this_actor::sleep_for(1);
      return ended;
    });
  });
}

}  // namespace

TEST_CASE("completion work: one wake-up a run, and every ioend queued before it joins the run") {
  const Ended ended = run_work(1e-3, 0, [](writeback::CompletionWork<int>& work, Ended&) {
    simgrid::s4u::this_actor::sleep_until(0.010);
    work.queue(1, 0.010, 1);  // wakes the kworker: runs at 11 ms
    simgrid::s4u::this_actor::sleep_until(0.0105);
    work.queue(2, 0.0105, 2);  // the run is due: joins it
    simgrid::s4u::this_actor::sleep_until(0.012);
    work.queue(3, 0.012, 3);  // after the run: a wake-up of its own, 13 ms
  });
  REQUIRE(ended.size() == 3);
  CHECK(ended[0].first == 1);
  CHECK(ended[0].second == doctest::Approx(0.011));
  CHECK(ended[1].first == 2);
  CHECK(ended[1].second == doctest::Approx(0.011));
  CHECK(ended[2].first == 3);
  CHECK(ended[2].second == doctest::Approx(0.013));
}

TEST_CASE("completion work: completions applied off the clock end where the clock-driven ones would") {
  const Ended ended = run_work(1e-3, 0, [](writeback::CompletionWork<int>& work, Ended& ended) {
    simgrid::s4u::this_actor::sleep_until(0.020);
    // Applied late (lazy completions): completed at 15 ms, its run due at
    // 16 ms is past, it runs at once; one completed at 15.5 ms was on that
    // run's list and ends with it.
    work.queue(1, 0.015, 1);
    work.queue(2, 0.0155, 2);
    CHECK(ended.size() == 2);
    // Applied ahead (a task ahead of the clock): completed at 25 ms, due at
    // 26; one completed at 27 ms comes after that run, which goes first, and
    // waits for its own at 28, which a task at 28 ms finds done.
    work.queue(3, 0.025, 3);
    work.queue(4, 0.027, 4);
    CHECK(ended.size() == 3);
    work.run_due(0.0279);
    CHECK(ended.size() == 3);
    work.run_due(0.028);
    CHECK(ended.size() == 4);
    CHECK(work.queued() == 0);
  });
  REQUIRE(ended.size() == 4);
  CHECK(ended[0].first == 1);
  CHECK(ended[0].second == doctest::Approx(0.016));
  CHECK(ended[1].first == 2);
  CHECK(ended[1].second == doctest::Approx(0.016));
  CHECK(ended[2].first == 3);
  CHECK(ended[2].second == doctest::Approx(0.026));
  CHECK(ended[3].first == 4);
  CHECK(ended[3].second == doctest::Approx(0.028));
}

TEST_CASE("completion work: wake-ups are lognormal around the median, drawn from the ioend, not the order") {
  // One run an ioend (each queued after the last ran), sigma 1: the median
  // lag is the median's, and about 16 % of runs wait more than e times it.
  // Ioend i is queued at second i + 1 with key `keys[i]`: its lag is what
  // follows the whole second.
  const auto lags = [](const std::vector<std::uint64_t>& keys) {
    const Ended ended = run_work(24e-6, 1.0, [&keys](writeback::CompletionWork<int>& work, Ended&) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        simgrid::s4u::this_actor::sleep_until(static_cast<double>(i + 1));  // later than any wake-up
        work.queue(static_cast<int>(i), static_cast<double>(i + 1), keys[i]);
      }
    });
    std::vector<double> lag;
    for (const auto& [id, at_s] : ended) lag.push_back(at_s - std::floor(at_s));
    return lag;
  };
  std::vector<std::uint64_t> keys(2001);
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = i;
  std::vector<double> lag = lags(keys);
  REQUIRE(lag.size() == keys.size());
  // The same ioends in the reverse order draw the same wake-ups.
  std::vector<std::uint64_t> reversed(keys.rbegin(), keys.rend());
  std::vector<double> back = lags(reversed);
  std::reverse(back.begin(), back.end());
  for (std::size_t i = 0; i < lag.size(); ++i) CHECK(back[i] == doctest::Approx(lag[i]).epsilon(1e-6));
  std::sort(lag.begin(), lag.end());
  // The sample median's error with 2001 draws: about 1.25 sigma / sqrt(n), 3 %.
  CHECK(lag[1000] == doctest::Approx(24e-6).epsilon(0.08));
  const auto above_e = std::count_if(lag.begin(), lag.end(), [](double l) { return l > 24e-6 * 2.718281828; });
  CHECK(static_cast<double>(above_e) / 2001 == doctest::Approx(0.1587).epsilon(0.2));
}

TEST_CASE("completion work: followed by lazy completions, each run ends at its time with no timer, two works apart") {
  // Two works (two filesystems) follow one LazyCompletions that no task
  // watches: no engine timer, so the clock jumps past their runs (due at 11
  // and 15 ms) to the actor's next wake-up, where each due run ends at its
  // own time. At 12 ms only the first is due; the second, still pending,
  // must still run when the clock passes 15 ms.
  const Ended ended = run_in_child([] {
    simgrid::s4u::Host* host = nullptr;
    auto engine = bare_engine(host);
    return run_actor(*engine, host, [&] {
      Ended ended;
      block_device::LazyCompletions lazy;
      auto end = [&ended](const int& id, double at_s) { ended.emplace_back(id, at_s); };
      writeback::CompletionWork<int> a(1e-3, 0, 7, end), b(1e-3, 0, 8, end);
      a.follow(lazy);
      b.follow(lazy);
      simgrid::s4u::this_actor::sleep_until(0.010);
      a.queue(1, 0.010, 1);  // due at 11 ms
      b.queue(2, 0.014, 2);  // completed ahead of the clock: due at 15 ms
      CHECK(ended.empty());
      simgrid::s4u::this_actor::sleep_until(0.012);
      CHECK(ended.size() == 1);  // the first ran when the clock passed it
      simgrid::s4u::this_actor::sleep_until(0.0145);
      CHECK(ended.size() == 1);  // the second is not due yet
      simgrid::s4u::this_actor::sleep_until(0.020);
      return ended;
    });
  });
  REQUIRE(ended.size() == 2);
  CHECK(ended[0].first == 1);
  CHECK(ended[0].second == doctest::Approx(0.011));
  CHECK(ended[1].first == 2);
  CHECK(ended[1].second == doctest::Approx(0.015));
}

TEST_CASE("completion work: a run ends after the CPU of every ioend in it, and one that completes meanwhile joins") {
  const Ended ended = run_work(1e-3, 0, [](writeback::CompletionWork<int>& work, Ended&) {
    simgrid::s4u::this_actor::sleep_until(0.010);
    work.queue(1, 0.010, 1, 40e-6);  // woken at 11 ms, its conversion takes 40 us: 11.04 ms
    simgrid::s4u::this_actor::sleep_until(0.0110);
    work.queue(2, 0.0110, 2, 40e-6);  // completes while the run is under way: it ends at 11.08 ms
    simgrid::s4u::this_actor::sleep_until(0.0112);
    work.queue(3, 0.0112, 3, 5e-6);  // after the run: woken at 12.2 ms, 5 us
  });
  REQUIRE(ended.size() == 3);
  CHECK(ended[0].second == doctest::Approx(0.01108));
  CHECK(ended[1].second == doctest::Approx(0.01108));
  CHECK(ended[2].second == doctest::Approx(0.012205));
}
