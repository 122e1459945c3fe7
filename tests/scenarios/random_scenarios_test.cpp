// Invariants over random valid scenarios: every run ends, either with results
// or with the simulated machine's own failure (exit 3); the same seed gives
// the same results; no figure is negative, NaN or infinite; every byte the
// jobs wrote is placed by a summary figure. The suite runs 50 scenarios;
// FOLIOSIM_RANDOM_SCENARIOS=500 (scripts/random_scenarios.sh) runs more.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <random>
#include <string>

#include "models/common/errors.hpp"
#include "sim/input/scenario.hpp"
#include "sim/run_variant.hpp"
#include "tests/test_support.hpp"

using namespace foliosim;

namespace {

template <class T, std::size_t N>
const T& pick(std::mt19937_64& rng, const T (&choices)[N]) {
  return choices[rng() % N];
}

// A small scenario drawn from `seed`: page-aligned calls, each file written
// once (no overwrites), so the byte accounting below is exact.
std::string random_scenario(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const bool ext4 = rng() % 2;
  const char* memories[] = {"1GiB", "2GiB", "4GiB"};
  const int depths[] = {1, 2, 4, 32, 128};
  const char* wbt[] = {"0s", "2ms", "75ms"};
  const char* bandwidths[] = {"500MBps", "2GBps", "4.5GBps"};
  const char* sizes[] = {"1MiB", "4MiB", "16MiB", "32MiB"};
  const char* block_sizes[] = {"4KiB", "64KiB", "1MiB"};
  const char* modes[] = {"buffered", "dontcache", "direct"};
  std::string jobs;
  const int job_count = 1 + static_cast<int>(rng() % 3);
  bool direct = false;
  for (int j = 0; j < job_count; ++j) {
    const std::string mode = pick(rng, modes);
    direct = direct || mode == "direct";
    // randwrite on ext4 only: XFS zeroes the gap a write past EOF leaves,
    // which the later writes then overwrite.
    const bool random = ext4 && rng() % 3 == 0;
    jobs += std::string(j ? ", " : "") + R"({"name": "j)" + std::to_string(j) + R"(", "rw": ")" +
            (random ? "randwrite" : "write") + R"(", "bs": ")" + pick(rng, block_sizes) + R"(", "size": ")" +
            pick(rng, sizes) + R"(", "mode": ")" + mode + R"(", "numjobs": )" + std::to_string(1 + rng() % 2) +
            R"(, "end_fsync": )" + (rng() % 2 ? "true" : "false") + R"(, "startdelay": ")" +
            (rng() % 4 ? "0s" : "1ms") + R"("})";
  }
  // Failed O_DIRECT writes are the application's to see, not the cache's:
  // error windows only without direct jobs.
  const std::string errors = !direct && rng() % 4 == 0 ? R"(, "write_errors": [{"from": "1ms", "to": "3ms"}])" : "";
  return R"({"name": "random", "seed": )" + std::to_string(rng() % 1000) + R"(, "run_for": ")" +
         (rng() % 3 ? "0s" : "50ms") + R"(", "machine": {"memory": ")" + pick(rng, memories) +
         R"("}, "page_cache": {"other_memory": "256MiB", "large_folios": )" + (rng() % 2 ? "true" : "false") +
         R"(}, "devices": [{"name": "d", "queue_depth": )" + std::to_string(pick(rng, depths)) +
         R"(, "wbt_latency": ")" + pick(rng, wbt) + R"(", "write_cache": )" + (rng() % 2 ? "true" : "false") +
         R"(, "write_bandwidth": ")" + pick(rng, bandwidths) + R"(", "capacity": "4GiB")" + errors +
         R"(}], "filesystem": {"type": ")" + (ext4 ? "ext4" : "xfs") +
         R"(", "device": "d"}, "workload": {"jobs": [)" + jobs + "]}}";
}

// Every number in `value`, with its path.
void check_numbers(const Json& value, const std::string& path) {
  if (value.is_object()) {
    for (const auto& [key, item] : value.items()) check_numbers(item, path + "/" + key);
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) check_numbers(value[i], path + "/" + std::to_string(i));
  } else if (value.is_number_float()) {
    CAPTURE(path);
    CHECK(std::isfinite(value.get<double>()));
    CHECK(value.get<double>() >= 0);
  } else if (value.is_number_integer() && !value.is_number_unsigned()) {
    CAPTURE(path);
    CHECK(value.get<std::int64_t>() >= 0);
  }
}

std::uint64_t bytes(const Json& summary, const char* key) { return summary.at(key).get<std::uint64_t>(); }

}  // namespace

TEST_CASE("random scenarios: each ends, is reproducible, has no negative or non-finite figure, places every byte") {
  const char* count_text = std::getenv("FOLIOSIM_RANDOM_SCENARIOS");
  const std::uint64_t count = count_text ? std::strtoull(count_text, nullptr, 10) : 50;
  std::uint64_t completed = 0;
  for (std::uint64_t seed = 1; seed <= count; ++seed) {
    const std::string text = random_scenario(seed);
    CAPTURE(seed);
    CAPTURE(text);
    const Scenario scenario = resolve_variants(parse_scenario_text(text, "random.json")).at(0).scenario;
    VariantOutput out;
    try {
      out = simulate_isolated(scenario);
    } catch (const SimulatedFailure& e) {
      // The machine could not go on (out of memory, device full): a verdict with a reason.
      CHECK(std::string(e.what()).size() > 0);
      continue;
    }
    ++completed;
    const Json& r = out.summary;
    check_numbers(r, "");
    // No overwrites: each byte written was sent to a device (and written,
    // or failed there), or is dirty, or under writeback and not yet
    // dispatched. (A failed write puts its whole ioend at risk, written
    // parts too: bytes_at_risk may exceed what failed on the device.)
    // The filesystem's log writes are device bytes that no write placed.
    CHECK(bytes(r, "app_write_bytes") + bytes(r, "zeroed_bytes") ==
          bytes(r, "device_write_bytes") - bytes(r, "device_log_write_bytes") + bytes(r, "dirty_end_bytes") +
              bytes(r, "writeback_undispatched_bytes"));
    CHECK(bytes(r, "device_write_ok_bytes") <= bytes(r, "device_write_bytes"));
    // A failed log write puts no file data at risk.
    CHECK(bytes(r, "bytes_at_risk") + bytes(r, "device_log_write_bytes") >=
          bytes(r, "device_write_bytes") - bytes(r, "device_write_ok_bytes"));
    if (seed % 5 == 0) {
      const VariantOutput again = simulate_isolated(scenario);
      CHECK(again.summary == r);
      CHECK(again.time_series_csv == out.time_series_csv);
      CHECK(again.bdi_estimates_csv == out.bdi_estimates_csv);
      CHECK(again.tail_writes == out.tail_writes);
    }
  }
  MESSAGE(completed << " of " << count << " random scenarios completed; the others failed as simulated");
  CHECK(completed * 2 >= count);  // the generator makes runnable machines, mostly
}
