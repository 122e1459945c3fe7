// The one parser and printer for every quantity with a unit in the JSON
// scenarios ("4KiB", "2GBps", "20us", "2.5GHz"), so every field accepts the
// same spellings and the resolved scenario foliosim writes back reads in again
// to the very same values.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace foliosim::units {

// A malformed value. what() says what was expected; the caller adds the file
// name and JSON path, which this layer does not know.
struct UnitError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Rules shared by all parsers: the number needs a unit (even "0"); spaces are
// allowed around and between number and unit ("4 KiB"); negative numbers, "nan",
// "inf" and malformed numbers are refused; units are case-sensitive except that
// "kB"/"KB" and "kHz"/"KHz" are both accepted. The decimal number is scaled by
// its unit exactly, so "20us" gives the same double as the literal 20e-6.

// "4KiB", "1.5GiB", "512B", "2MB": SI units are powers of 1000, IEC units powers
// of 1024. The result must be a whole number of bytes no larger than 2^63.
std::uint64_t parse_size_bytes(const std::string& text);
// "2GBps", "500MiBps", "100MBps", "1Bps" -> bytes per second. Whether zero is
// acceptable is the caller's check.
double parse_rate_bytes_per_s(const std::string& text);
// "20us" (or "20µs"), "1.5ms", "30s", "100ns", "2min", "1h", "0s" -> seconds.
double parse_duration_s(const std::string& text);
// "2.5GHz", "800MHz", "1kHz", "3Hz" -> hertz.
double parse_frequency_hz(const std::string& text);

// Canonical text for the resolved scenario. Each parses back to exactly the
// value given (bit-exact for doubles) and uses the shortest digits that do so.
// The double formatters throw UnitError for negative, NaN or infinite values,
// which the parsers could not read back.

// Largest IEC unit that divides exactly, keeping the mantissa an integer:
// 4096 -> "4KiB", 1536 KiB -> "1536KiB", 4095 -> "4095B", 0 -> "0B".
std::string format_size(std::uint64_t bytes);
// Largest of TBps, GBps, MBps, KBps, Bps keeping the mantissa >= 1:
// 1e9 -> "1GBps", 1.048576e9 -> "1.048576GBps", 0.5 -> "0.5Bps".
std::string format_rate(double bytes_per_s);
// Largest of s, ms, us, ns keeping the mantissa >= 1 where possible:
// 1e-4 -> "100us", 1.048576e-3 -> "1.048576ms", 30 -> "30s", 0 -> "0s".
std::string format_duration(double seconds);
// Largest of GHz, MHz, kHz, Hz keeping the mantissa >= 1: 2.5e9 -> "2.5GHz".
std::string format_frequency(double hz);

}  // namespace foliosim::units
