#include "sim/input/units.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <doctest/doctest.h>

namespace units = foliosim::units;

namespace {

constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;

// The UnitError message for `text`, or a marker when nothing was thrown.
template <class Parse>
std::string error_of(Parse parse, const std::string& text) {
  try {
    parse(text);
  } catch (const units::UnitError& e) {
    return e.what();
  }
  return "<no error for \"" + text + "\">";
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

#define CHECK_ERROR(parse, text, needle)                                          \
  do {                                                                            \
    const std::string message_ = error_of(parse, text);                           \
    CHECK_MESSAGE(contains(message_, needle), "message was: ", message_);         \
  } while (0)

// Small deterministic generator so the sweep tests are reproducible.
struct Lcg {
  std::uint64_t state;
  std::uint64_t next() {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return state >> 11;  // 53 good bits
  }
  double unit() { return static_cast<double>(next()) / 9007199254740992.0; }  // [0, 1)
};

}  // namespace

TEST_CASE("sizes parse to whole bytes") {
  CHECK(units::parse_size_bytes("4KiB") == 4096);
  CHECK(units::parse_size_bytes("1.5GiB") == 1610612736);
  CHECK(units::parse_size_bytes("512B") == 512);
  CHECK(units::parse_size_bytes("2MB") == 2000000);
  CHECK(units::parse_size_bytes("1kB") == 1000);
  CHECK(units::parse_size_bytes("1KB") == 1000);
  CHECK(units::parse_size_bytes("3GB") == 3000000000);
  CHECK(units::parse_size_bytes("2TB") == 2000000000000);
  CHECK(units::parse_size_bytes("1MiB") == 1048576);
  CHECK(units::parse_size_bytes("1TiB") == 1099511627776);
  CHECK(units::parse_size_bytes("0B") == 0);
  CHECK(units::parse_size_bytes("0KiB") == 0);
  CHECK(units::parse_size_bytes("4 KiB") == 4096);
  CHECK(units::parse_size_bytes(" \t4KiB \n") == 4096);
  CHECK(units::parse_size_bytes(".5KiB") == 512);
  CHECK(units::parse_size_bytes("1e3B") == 1000);
  CHECK(units::parse_size_bytes("0.25KiB") == 256);
  // A double would turn 1.001 * 1000 into 1000.9999999999999; the decimal is exact.
  CHECK(units::parse_size_bytes("1.001KB") == 1001);
  // Above 2^53, where doubles skip odd integers.
  CHECK(units::parse_size_bytes("9007199254740993B") == 9007199254740993ULL);
  // 2^63 itself is the largest accepted size.
  CHECK(units::parse_size_bytes("8388608TiB") == (std::uint64_t{1} << 63));
  CHECK(units::parse_size_bytes("9223372036854775808B") == (std::uint64_t{1} << 63));
}

TEST_CASE("rates, durations and frequencies parse like the matching literal") {
  CHECK(units::parse_rate_bytes_per_s("2GBps") == 2e9);
  CHECK(units::parse_rate_bytes_per_s("500MiBps") == 500.0 * 1048576);
  CHECK(units::parse_rate_bytes_per_s("100MBps") == 100e6);
  CHECK(units::parse_rate_bytes_per_s("1Bps") == 1.0);
  CHECK(units::parse_rate_bytes_per_s("1kBps") == 1e3);
  CHECK(units::parse_rate_bytes_per_s("1KBps") == 1e3);
  CHECK(units::parse_rate_bytes_per_s("1.5KiBps") == 1536.0);
  CHECK(units::parse_rate_bytes_per_s("3TBps") == 3e12);
  CHECK(units::parse_rate_bytes_per_s("1TiBps") == 1099511627776.0);

  CHECK(units::parse_duration_s("20us") == 20e-6);
  CHECK(units::parse_duration_s("20\xC2\xB5s") == 20e-6);  // "20µs", micro sign
  CHECK(units::parse_duration_s("1.5ms") == 1.5e-3);
  CHECK(units::parse_duration_s("0.1ms") == 0.1e-3);
  CHECK(units::parse_duration_s("30s") == 30.0);
  CHECK(units::parse_duration_s("100ns") == 100e-9);
  CHECK(units::parse_duration_s("2min") == 120.0);
  CHECK(units::parse_duration_s("1h") == 3600.0);
  CHECK(units::parse_duration_s("0s") == 0.0);
  CHECK(units::parse_duration_s("1.5 ms") == 1.5e-3);

  CHECK(units::parse_frequency_hz("2.5GHz") == 2.5e9);
  CHECK(units::parse_frequency_hz("800MHz") == 800e6);
  CHECK(units::parse_frequency_hz("1kHz") == 1e3);
  CHECK(units::parse_frequency_hz("1KHz") == 1e3);
  CHECK(units::parse_frequency_hz("3Hz") == 3.0);
}

TEST_CASE("a number without a unit is refused with the expected form") {
  CHECK(error_of(units::parse_size_bytes, "12") == R"(expected a size with a unit such as "4KiB" or "1GiB", got "12")");
  CHECK_ERROR(units::parse_size_bytes, "0", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "0", "such as \"2GBps\"");
  CHECK_ERROR(units::parse_duration_s, "0", "such as \"20us\"");
  CHECK_ERROR(units::parse_frequency_hz, "0", "such as \"2.5GHz\"");
  CHECK_ERROR(units::parse_duration_s, "1.5", "expected a duration with a unit");
}

TEST_CASE("missing or malformed numbers are refused") {
  for (const char* text : {"", "   ", "KiB", "nan", "inf", "nanKiB", "infKiB", "-inf"}) {
    CAPTURE(text);
    CHECK_THROWS_AS(units::parse_size_bytes(text), units::UnitError);
  }
  CHECK_ERROR(units::parse_size_bytes, "", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_size_bytes, "KiB", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_size_bytes, "nan", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "inf", "such as \"2GBps\"");
  CHECK_ERROR(units::parse_duration_s, "nanms", "such as \"20us\"");
  CHECK_ERROR(units::parse_size_bytes, "1.2.3KiB", "malformed number \"1.2.3\"");
  CHECK_ERROR(units::parse_size_bytes, "1.2.3KiB", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_duration_s, "1..5ms", "malformed number");
  CHECK_ERROR(units::parse_duration_s, "1e", "unknown unit \"e\"");
  CHECK_ERROR(units::parse_size_bytes, "E5KiB", "such as \"4KiB\"");
  CHECK_ERROR(units::parse_duration_s, "1-2ms", "malformed number");
  CHECK_ERROR(units::parse_frequency_hz, "0x10Hz", "unknown unit \"x10Hz\"");
}

TEST_CASE("negative numbers are refused") {
  CHECK_ERROR(units::parse_size_bytes, "-4KiB", "must not be negative");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "-1GBps", "must not be negative");
  CHECK_ERROR(units::parse_duration_s, "-0s", "must not be negative");
  CHECK_ERROR(units::parse_frequency_hz, " -2.5GHz", "must not be negative");
}

TEST_CASE("unknown units list the accepted ones") {
  CHECK(contains(error_of(units::parse_size_bytes, "4Kb"),
                 R"(unknown unit "Kb" in "4Kb"; sizes take B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)"));
  CHECK_ERROR(units::parse_size_bytes, "4kib", "sizes take B, KB");
  CHECK_ERROR(units::parse_size_bytes, "4KiB x", "unknown unit \"KiB x\"");
  CHECK_ERROR(units::parse_size_bytes, "4EiB", "sizes take");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "2GB/s", "rates take Bps, KBps");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "2GB", "rates take");
  CHECK_ERROR(units::parse_duration_s, "20 sec", "durations take ns, us, ms, s, min, h");
  CHECK_ERROR(units::parse_duration_s, "20MS", "durations take");
  CHECK_ERROR(units::parse_frequency_hz, "2.5ghz", "frequencies take Hz, kHz, MHz, GHz");
  CHECK_ERROR(units::parse_frequency_hz, "2.5GHZ", "frequencies take");
}

TEST_CASE("lowercase b (bits) is refused with a hint that B means bytes") {
  CHECK_ERROR(units::parse_size_bytes, "1b", "\"B\" means bytes");
  CHECK_ERROR(units::parse_size_bytes, "4Kb", "\"B\" means bytes");
  CHECK_ERROR(units::parse_size_bytes, "4Mib", "\"B\" means bytes");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "10Gbps", "\"B\" means bytes");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "1bps", "\"B\" means bytes");
}

TEST_CASE("sizes must be whole and at most 2^63 bytes") {
  CHECK_ERROR(units::parse_size_bytes, "1.5B", "not a whole number of bytes");
  CHECK_ERROR(units::parse_size_bytes, "0.3KiB", "not a whole number of bytes");
  CHECK_ERROR(units::parse_size_bytes, "1e-400KiB", "not a whole number of bytes");
  CHECK_ERROR(units::parse_size_bytes, "9223372036854775809B", "above the limit of 2^63 bytes");
  CHECK_ERROR(units::parse_size_bytes, "8388609TiB", "above the limit of 2^63 bytes");
  CHECK_ERROR(units::parse_size_bytes, "10000000TB", "above the limit of 2^63 bytes");
  CHECK_ERROR(units::parse_size_bytes, "1e30B", "above the limit of 2^63 bytes");
  CHECK_ERROR(units::parse_rate_bytes_per_s, "1e400GBps", "too large");
  CHECK_ERROR(units::parse_duration_s, "1e306h", "too large");
}

TEST_CASE("formatting picks the documented units") {
  CHECK(units::format_size(0) == "0B");
  CHECK(units::format_size(4095) == "4095B");
  CHECK(units::format_size(4096) == "4KiB");
  CHECK(units::format_size(1536 * 1024) == "1536KiB");
  CHECK(units::format_size(kGiB) == "1GiB");
  CHECK(units::format_size(3 * kGiB + 1) == "3221225473B");
  CHECK(units::format_size(std::uint64_t{1} << 63) == "8388608TiB");

  CHECK(units::format_rate(1e9) == "1GBps");
  CHECK(units::format_rate(1.048576e9) == "1.048576GBps");
  CHECK(units::format_rate(500e3) == "500KBps");
  CHECK(units::format_rate(0.5) == "0.5Bps");
  CHECK(units::format_rate(0) == "0Bps");
  CHECK(units::format_rate(2e12) == "2TBps");

  CHECK(units::format_duration(1e-4) == "100us");
  CHECK(units::format_duration(1e-7) == "100ns");
  CHECK(units::format_duration(1.048576e-3) == "1.048576ms");
  CHECK(units::format_duration(30) == "30s");
  CHECK(units::format_duration(120) == "120s");
  CHECK(units::format_duration(0) == "0s");
  CHECK(units::format_duration(1e-12) == "0.001ns");

  CHECK(units::format_frequency(2.5e9) == "2.5GHz");
  CHECK(units::format_frequency(800e6) == "800MHz");
  CHECK(units::format_frequency(1e3) == "1kHz");
  CHECK(units::format_frequency(3) == "3Hz");
}

TEST_CASE("formatting refuses values the parser could not read back") {
  CHECK_THROWS_AS(units::format_duration(-1.0), units::UnitError);
  CHECK_THROWS_AS(units::format_rate(std::numeric_limits<double>::quiet_NaN()), units::UnitError);
  CHECK_THROWS_AS(units::format_frequency(std::numeric_limits<double>::infinity()), units::UnitError);
}

TEST_CASE("format then parse gives back the same size") {
  const std::uint64_t awkward[] = {0,
                                   1,
                                   4095,
                                   4096,
                                   3 * kGiB + 1,
                                   (std::uint64_t{1} << 53) + 1,
                                   (std::uint64_t{1} << 63) - 1,
                                   std::uint64_t{1} << 63,
                                   1536 * 1024,
                                   1000000000000};
  for (std::uint64_t bytes : awkward) {
    CAPTURE(bytes);
    CHECK(units::parse_size_bytes(units::format_size(bytes)) == bytes);
  }
  Lcg rng{42};
  for (int i = 0; i < 10000; ++i) {
    // Random low bits cleared so every unit gets picked.
    const std::uint64_t bytes = (rng.next() << 10) >> (rng.next() % 64);
    CAPTURE(bytes);
    REQUIRE(units::parse_size_bytes(units::format_size(bytes)) == bytes);
  }
}

TEST_CASE("format then parse gives back the same double, bit for bit") {
  const double awkward[] = {0.0,
                            1.048576e9,
                            1e-7,
                            1.048576e-3,
                            0.1,
                            1.0 / 3,
                            2.0 / 3 * 1e-6,
                            1e-12,
                            60.0,
                            std::nextafter(1.0, 2.0),
                            std::nextafter(1e-3, 0.0),
                            123456789.123,
                            1e300,
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::min()};
  for (double x : awkward) {
    CAPTURE(x);
    CHECK(units::parse_rate_bytes_per_s(units::format_rate(x)) == x);
    CHECK(units::parse_duration_s(units::format_duration(x)) == x);
    CHECK(units::parse_frequency_hz(units::format_frequency(x)) == x);
  }
  Lcg rng{7};
  for (int i = 0; i < 20000; ++i) {
    const double x = std::pow(10.0, rng.unit() * 30 - 15) * (1 + rng.unit());  // 1e-15 .. 2e15
    CAPTURE(x);
    REQUIRE(units::parse_rate_bytes_per_s(units::format_rate(x)) == x);
    REQUIRE(units::parse_duration_s(units::format_duration(x)) == x);
    REQUIRE(units::parse_frequency_hz(units::format_frequency(x)) == x);
  }
}
