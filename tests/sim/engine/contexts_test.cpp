#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "models/common/contexts.hpp"
#include "models/common/errors.hpp"
#include "sim/run_variant.hpp"
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

}  // namespace

TEST_CASE("the context factory is raw unless FOLIOSIM_CONTEXTS names thread or ucontext, and a typo is refused") {
  {
    ContextsVariable unset(nullptr);
    CHECK(foliosim::context_factory() == "raw");
  }
  {
    ContextsVariable empty("");
    CHECK(foliosim::context_factory() == "raw");
  }
  for (const char* name : {"thread", "raw", "ucontext"}) {
    ContextsVariable chosen(name);
    CHECK(foliosim::context_factory() == name);
  }
  ContextsVariable typo("threads");
  CHECK_THROWS_AS(foliosim::context_factory(), foliosim::InternalError);
}

TEST_CASE("a run on thread contexts, as the sanitizer run uses, ends with the results of raw contexts") {
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
