// The CSVs' numbers: the same text as printf's "%.*f" and "%.*g".
#include "sim/output/number_text.hpp"

#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

namespace {

std::string fixed(double v, int decimals) {
  std::string s;
  foliosim::append_fixed(s, v, decimals);
  return s;
}

std::string general(double v, int digits) {
  std::string s;
  foliosim::append_general(s, v, digits);
  return s;
}

std::string printf_text(const char* format, int precision, double v) {
  char text[512];
  std::snprintf(text, sizeof text, format, precision, v);
  return text;
}

}  // namespace

TEST_CASE("numbers are written as printf writes them: rounding, exponents, signs, the largest double") {
  // Ties of exactly representable values go to even, as glibc's printf does.
  CHECK(fixed(2.5, 0) == "2");
  CHECK(fixed(3.5, 0) == "4");
  CHECK(fixed(0.125, 2) == "0.12");
  CHECK(fixed(-0.0, 3) == "-0.000");
  CHECK(fixed(12.3456, 3) == "12.346");
  CHECK(general(1e-5, 9) == "1e-05");  // two exponent digits at least
  CHECK(general(123456789.5, 9) == "123456790");
  CHECK(general(1234567890, 9) == "1.23456789e+09");
  CHECK(general(0.5, 9) == "0.5");  // no trailing zeros
  CHECK(fixed(std::numeric_limits<double>::max(), 0).size() == 309);
  CHECK(general(std::numeric_limits<double>::infinity(), 9) == "inf");
  CHECK(fixed(-std::numeric_limits<double>::infinity(), 3) == "-inf");
  CHECK(fixed(std::numeric_limits<double>::quiet_NaN(), 3) == "nan");
}

TEST_CASE("numbers over 40 decades and the precisions the CSVs use match printf digit for digit") {
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> decade(-20, 20);
  for (int i = 0; i < 20000; ++i) {
    const double v = (i % 2 ? -1 : 1) * std::pow(10, decade(random));
    for (int precision : {0, 3, 6, 9}) {
      REQUIRE(fixed(v, precision) == printf_text("%.*f", precision, v));
      REQUIRE(general(v, precision + 1) == printf_text("%.*g", precision + 1, v));
    }
  }
}
