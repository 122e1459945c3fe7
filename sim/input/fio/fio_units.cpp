#include "sim/input/fio/fio_units.hpp"

#include <algorithm>
#include <cctype>
#include <limits>

namespace foliosim::fio {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

// Splits "4k" into its whole number (decimal or 0x hex) and its suffix.
// Fractions are refused: fio's int and time types are whole numbers.
void split_number(const std::string& text, std::uint64_t& number, std::string& suffix, const char* what) {
  const std::string t = trim(text);
  std::size_t i = 0;
  int base = 10;
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    base = 16;
    i = 2;
  }
  const std::size_t digits_start = i;
  number = 0;
  for (; i < t.size() && std::isxdigit(static_cast<unsigned char>(t[i])); ++i) {
    if (base == 10 && !std::isdigit(static_cast<unsigned char>(t[i]))) break;
    const unsigned digit = std::isdigit(static_cast<unsigned char>(t[i])) ? t[i] - '0' : std::tolower(t[i]) - 'a' + 10;
    if (number > (std::numeric_limits<std::uint64_t>::max() - digit) / base)
      throw FioValueError(std::string(what) + " " + quoted(text) + " is too large");
    number = number * base + digit;
  }
  if (i == digits_start) {
    std::string why = t.empty() ? "an empty value" : quoted(text);
    if (!t.empty() && t[0] == '(') why += " (fio's arithmetic expressions are not supported)";
    if (!t.empty() && t[0] == '$') why += " (fio's keywords $pagesize, $mb_memory, $ncpus are not supported)";
    throw FioValueError(std::string("expected ") + what + ", got " + why);
  }
  if (i < t.size() && t[i] == '.')
    throw FioValueError(std::string("expected a whole number in ") + what + " " + quoted(text) +
                        " (fio's sizes and times are integers: use a smaller unit)");
  suffix = lower(trim(t.substr(i)));
}

}  // namespace

std::uint64_t parse_fio_size_bytes(const std::string& text, KbBase kb_base) {
  if (is_fio_range(text)) throw FioValueError("expected one size, got the range " + quoted(text));
  std::uint64_t number = 0;
  std::string suffix;
  split_number(text, number, suffix, "a size such as 4k, 1m or 4096");
  // "b" (byte) may end any suffix: "kb" is "k", "kib" is "ki".
  if (!suffix.empty() && suffix.back() == 'b') suffix.pop_back();
  const bool iec = suffix.size() == 2 && suffix[1] == 'i';
  const std::string prefix = iec ? suffix.substr(0, 1) : suffix;
  static const std::string kPrefixes = "kmgtp";
  std::uint64_t scale = 1;
  if (!prefix.empty()) {
    const auto power = prefix.size() == 1 ? kPrefixes.find(prefix[0]) : std::string::npos;
    if (power == std::string::npos)
      throw FioValueError("unknown size suffix in " + quoted(text) +
                          ": expected k, m, g, t, p, ki, mi, gi, ti or pi, optionally ending in b");
    // In compatibility mode (1024) the SI spelling is binary and the IEC one decimal.
    const bool binary = (kb_base == KbBase::k1024) != iec;
    for (std::size_t n = 0; n <= power; ++n) scale *= binary ? 1024 : 1000;
  }
  if (number > (std::uint64_t{1} << 63) / scale) throw FioValueError("size " + quoted(text) + " is larger than 2^63");
  return number * scale;
}

std::optional<double> parse_fio_percentage(const std::string& text) {
  const std::string t = trim(text);
  if (t.empty() || t.back() != '%') return std::nullopt;
  const std::string number = trim(t.substr(0, t.size() - 1));
  std::size_t used = 0;
  double p = 0;
  try {
    p = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size() || !(p > 0 && p <= 100))
    throw FioValueError("expected a percentage between 1 and 100, got " + quoted(text));
  return p;
}

double parse_fio_time_s(const std::string& text, double default_unit_s) {
  if (is_fio_range(text)) throw FioValueError("expected one time, got the range " + quoted(text));
  std::uint64_t number = 0;
  std::string suffix;
  split_number(text, number, suffix, "a time such as 30, 10s, 500ms or 2m");
  struct Suffix {
    const char* name;
    double unit_s;
  };
  static const Suffix kSuffixes[] = {{"d", 86400}, {"h", 3600},    {"m", 60},    {"s", 1},      {"sec", 1},
                                     {"ms", 1e-3}, {"msec", 1e-3}, {"us", 1e-6}, {"usec", 1e-6}};
  double unit_s = default_unit_s;
  if (!suffix.empty()) {
    const auto* found =
        std::find_if(std::begin(kSuffixes), std::end(kSuffixes), [&](const Suffix& s) { return suffix == s.name; });
    if (found == std::end(kSuffixes))
      throw FioValueError("unknown time suffix in " + quoted(text) + ": expected d, h, m, s, ms or us");
    unit_s = found->unit_s;
  }
  return static_cast<double>(number) * unit_s;
}

bool is_fio_range(const std::string& text) {
  const std::string t = trim(text);
  return t.find(':', 1) != std::string::npos || t.find('-', 1) != std::string::npos;
}

}  // namespace foliosim::fio
