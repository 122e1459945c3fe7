#include <doctest/doctest.h>

#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "models/common/contexts.hpp"
#include "models/common/errors.hpp"
#include "sim/run_variant.hpp"
#include "tests/models/model_test_support.hpp"
#include "tests/test_support.hpp"

namespace {

// Sets FOLIOSIM_CONTEXTS for one scope, restoring what was there.
class ContextsVariable {
 public:
  explicit ContextsVariable(const char* value) {
    if (const char* old = std::getenv("FOLIOSIM_CONTEXTS")) old_ = old, had_ = true;
    if (value) {
      setenv("FOLIOSIM_CONTEXTS", value, 1);
    } else {
      unsetenv("FOLIOSIM_CONTEXTS");
    }
  }
  ~ContextsVariable() {
    if (had_) {
      setenv("FOLIOSIM_CONTEXTS", old_.c_str(), 1);
    } else {
      unsetenv("FOLIOSIM_CONTEXTS");
    }
  }

 private:
  std::string old_;
  bool had_ = false;
};

// The factories a test may run actors on: ASan reports false errors on raw
// and ucontext ones (contexts.hpp).
std::vector<const char*> usable_factories() {
  if (foliosim::kAsanBuild) return {"thread"};
  return {"raw", "thread", "ucontext"};
}

}  // namespace

TEST_CASE("the context factory is raw (thread under ASan) unless FOLIOSIM_CONTEXTS names one, and a typo is refused") {
  const std::string fallback = foliosim::kAsanBuild ? "thread" : "raw";
  {
    ContextsVariable unset(nullptr);
    CHECK(foliosim::context_factory() == fallback);
  }
  {
    ContextsVariable empty("");
    CHECK(foliosim::context_factory() == fallback);
  }
  for (const char* name : {"thread", "raw", "ucontext"}) {
    ContextsVariable chosen(name);
    CHECK(foliosim::context_factory() == name);
  }
  ContextsVariable typo("threads");
  CHECK_THROWS_AS(foliosim::context_factory(), foliosim::InternalError);
}

TEST_CASE("the chosen context factory is the one the engine runs actors on") {
  // Thread contexts run each actor on a thread of its own, raw and ucontext
  // ones on the engine's; set too late, the choice was silently ignored.
  using namespace foliosim;
  const auto actor_on_own_thread = [] {
    return test::run_in_child([] {
      simgrid::s4u::Host* host = nullptr;
      auto engine = test::bare_engine(host);
      const auto engine_thread = std::this_thread::get_id();
      return test::run_actor(*engine, host, [&] { return std::this_thread::get_id() != engine_thread; });
    });
  };
  for (const char* name : usable_factories()) {
    CAPTURE(name);
    ContextsVariable chosen(name);
    CHECK(actor_on_own_thread() == (std::string(name) == "thread"));
  }
}

TEST_CASE("a run on thread contexts, as the sanitizer run uses, ends with the results of raw contexts" *
          doctest::skip(foliosim::kAsanBuild)) {
  // Buffered writes, fsync, and run_for past the job: the device, the flusher
  // and kswapd are blocked in their waits when the run ends and kills them.
  using namespace foliosim;
  Scenario s = test::bare_scenario();
  auto job = test::buffered_job("w", 1 * test::MiB, 64 * test::MiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  s.run_for_s = 0.5;
  VariantOutput raw, thread;
  {
    ContextsVariable chosen("raw");
    raw = simulate_isolated(s);
  }
  {
    ContextsVariable chosen("thread");
    thread = simulate_isolated(s);
  }
  CHECK(raw.summary["device_write_bytes"].get<double>() > 0);
  CHECK(thread.summary.dump() == raw.summary.dump());
  CHECK(thread.time_series_csv == raw.time_series_csv);
}

TEST_CASE("a run that fails ends with its failure on every context factory, its actors killed holding locks") {
  // The device fills while the flusher writes back (under its lock, the device
  // plugged): every actor is killed in the middle of its work or its wait.
  using namespace foliosim;
  Scenario s = test::bare_scenario();
  s.devices[0].capacity_bytes = 16 * test::MiB;
  auto job = test::buffered_job("w", 1 * test::MiB, 64 * test::MiB);
  job.end_fsync = true;
  s.jobs.push_back(job);
  for (const char* name : usable_factories()) {
    CAPTURE(name);
    ContextsVariable chosen(name);
    CHECK_THROWS_WITH_AS(simulate_isolated(s), doctest::Contains("ENOSPC"), SimulatedFailure);
  }
}
