// fio's spellings of sizes and times (fio's HOWTO, "Parameter types"), which
// differ from the scenario's units (sim/input/units.hpp): suffixes are not
// case-sensitive, "m" is mega for a size and minutes for a time, a bare number
// has a default unit, and kb_base decides what k and Ki mean.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace foliosim::fio {

// A malformed value; what() says what was expected. The caller names the
// file, line and option.
struct FioValueError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// fio's kb_base: 1024 (its default, "compatibility mode") makes k, m, g, t, p
// powers of 1024 and ki, mi, gi, ti, pi powers of 1000; 1000 the other way
// round, as the standards have it.
enum class KbBase { k1024, k1000 };

// "4k", "4KB", "1m", "10g", "4096", "4096b", "0x1000", "4KiB" (4000 under the
// default kb_base, as fio reads it): a whole number of bytes, at most 2^63.
// A range ("4k-64k", "4k:64k") or an expression ("(1+1)") is refused.
std::uint64_t parse_fio_size_bytes(const std::string& text, KbBase kb_base);

// "50%" -> 50; nullopt when `text` is not a percentage. Refused unless
// 0 < p <= 100 (fio's 1 to 100, fractions allowed).
std::optional<double> parse_fio_percentage(const std::string& text);

// fio's time: a whole number with a suffix d, h, m (minutes), s or sec, ms or
// msec, us or usec (any case); a bare number is in `default_unit_s` (seconds
// for runtime and startdelay, microseconds for thinktime).
double parse_fio_time_s(const std::string& text, double default_unit_s);

// "1-5", "4k:64k": whether `text` is fio's irange (two values), as opposed to
// a single value; a leading '-' does not count.
bool is_fio_range(const std::string& text);

}  // namespace foliosim::fio
