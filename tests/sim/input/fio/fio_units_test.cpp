// fio's sizes and times, as fio's HOWTO ("Parameter types", kb_base) reads them.
#include "sim/input/fio/fio_units.hpp"

#include <doctest/doctest.h>

#include <string>

using foliosim::fio::FioValueError;
using foliosim::fio::KbBase;
using foliosim::fio::parse_fio_percentage;
using foliosim::fio::parse_fio_size_bytes;
using foliosim::fio::parse_fio_time_s;

namespace {

std::uint64_t size_1024(const std::string& text) { return parse_fio_size_bytes(text, KbBase::k1024); }
std::uint64_t size_1000(const std::string& text) { return parse_fio_size_bytes(text, KbBase::k1000); }

std::string size_error(const std::string& text) {
  try {
    size_1024(text);
  } catch (const FioValueError& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("fio sizes under the default kb_base=1024: k, m, g binary, ki, mi decimal, any case, b optional") {
  CHECK(size_1024("4096") == 4096);
  CHECK(size_1024("4096b") == 4096);
  CHECK(size_1024("4096B") == 4096);
  CHECK(size_1024("4k") == 4096);
  CHECK(size_1024("4K") == 4096);
  CHECK(size_1024("4kb") == 4096);
  CHECK(size_1024("4KB") == 4096);
  CHECK(size_1024("1m") == 1048576);
  CHECK(size_1024("1024k") == 1048576);
  CHECK(size_1024("10g") == 10737418240ULL);
  CHECK(size_1024("1t") == 1099511627776ULL);
  CHECK(size_1024("1p") == 1125899906842624ULL);
  // The HOWTO's compatibility mode: IEC prefixes are powers of 1000.
  CHECK(size_1024("1mi") == 1000000);
  CHECK(size_1024("1000ki") == 1000000);
  CHECK(size_1024("4KiB") == 4000);
  CHECK(size_1024("0x1000") == 4096);
  CHECK(size_1024(" 8k ") == 8192);
}

TEST_CASE("fio sizes under kb_base=1000: k, m decimal, ki, mi binary") {
  CHECK(size_1000("4k") == 4000);
  CHECK(size_1000("1m") == 1000000);
  CHECK(size_1000("1000k") == 1000000);
  CHECK(size_1000("4ki") == 4096);
  CHECK(size_1000("4KiB") == 4096);
  CHECK(size_1000("4kiB") == 4096);
  CHECK(size_1000("1mi") == 1048576);
  CHECK(size_1000("1ti") == 1099511627776ULL);
  CHECK(size_1000("4096") == 4096);
}

TEST_CASE("bad fio sizes are refused with what was expected") {
  CHECK(size_error("64q").find("unknown size suffix") != std::string::npos);
  CHECK(size_error("").find("empty") != std::string::npos);
  CHECK(size_error("k").find("expected a size") != std::string::npos);
  CHECK(size_error("1.5g").find("whole number") != std::string::npos);
  CHECK(size_error("4k-64k").find("range") != std::string::npos);
  CHECK(size_error("(4*1024)").find("arithmetic") != std::string::npos);
  CHECK(size_error("$mb_memory").find("keywords") != std::string::npos);
  CHECK(size_error("9p9").find("unknown size suffix") != std::string::npos);
  CHECK(size_error("9000000p").find("2^63") != std::string::npos);
  CHECK(size_error("99999999999999999999").find("too large") != std::string::npos);
}

TEST_CASE("fio percentages: 1 to 100, fractions allowed") {
  CHECK(*parse_fio_percentage("50%") == 50);
  CHECK(*parse_fio_percentage("12.5%") == 12.5);
  CHECK(*parse_fio_percentage("100%") == 100);
  CHECK_FALSE(parse_fio_percentage("50").has_value());
  CHECK_THROWS_AS(parse_fio_percentage("0%"), FioValueError);
  CHECK_THROWS_AS(parse_fio_percentage("101%"), FioValueError);
  CHECK_THROWS_AS(parse_fio_percentage("x%"), FioValueError);
}

TEST_CASE("fio times: d, h, m (minutes), s, ms, us in any case, a bare number in the option's default unit") {
  CHECK(parse_fio_time_s("30", 1) == 30);
  CHECK(parse_fio_time_s("30", 1e-6) == doctest::Approx(30e-6));  // thinktime's microseconds
  CHECK(parse_fio_time_s("10s", 1) == 10);
  CHECK(parse_fio_time_s("10sec", 1) == 10);
  CHECK(parse_fio_time_s("2m", 1) == 120);
  CHECK(parse_fio_time_s("2M", 1) == 120);
  CHECK(parse_fio_time_s("1h", 1) == 3600);
  CHECK(parse_fio_time_s("1d", 1) == 86400);
  CHECK(parse_fio_time_s("500ms", 1) == doctest::Approx(0.5));
  CHECK(parse_fio_time_s("500msec", 1) == doctest::Approx(0.5));
  CHECK(parse_fio_time_s("250us", 1) == doctest::Approx(250e-6));
  CHECK(parse_fio_time_s("250USEC", 1) == doctest::Approx(250e-6));
  CHECK_THROWS_AS(parse_fio_time_s("5x", 1), FioValueError);
  CHECK_THROWS_AS(parse_fio_time_s("1.5s", 1), FioValueError);
  CHECK_THROWS_AS(parse_fio_time_s("1-5", 1), FioValueError);
}
