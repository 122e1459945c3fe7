#include "sim/input/units.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace foliosim::units {
namespace {

// A unit scales the number by multiplier * 10^exp10. Keeping the two apart lets
// the scaling be done on decimal digits, exactly: "20us" becomes the decimal
// 20e-6 before any rounding, so it equals the C++ literal 20e-6, and
// "9007199254740993B" keeps its last bit (a double could not).
struct Unit {
  const char* name;
  std::uint64_t multiplier;
  int exp10;
};

constexpr std::uint64_t kKi = 1024;
constexpr std::uint64_t kMi = kKi * 1024;
constexpr std::uint64_t kGi = kMi * 1024;
constexpr std::uint64_t kTi = kGi * 1024;

constexpr Unit kSizeUnits[] = {
    {"B", 1, 0},    {"KB", 1, 3},     {"kB", 1, 3},     {"MB", 1, 6},     {"GB", 1, 9},
    {"TB", 1, 12},  {"KiB", kKi, 0},  {"MiB", kMi, 0},  {"GiB", kGi, 0},  {"TiB", kTi, 0},
};
constexpr Unit kRateUnits[] = {
    {"Bps", 1, 0},   {"KBps", 1, 3},     {"kBps", 1, 3},     {"MBps", 1, 6},     {"GBps", 1, 9},
    {"TBps", 1, 12}, {"KiBps", kKi, 0},  {"MiBps", kMi, 0},  {"GiBps", kGi, 0},  {"TiBps", kTi, 0},
};
constexpr Unit kDurationUnits[] = {
    {"ns", 1, -9},
    {"us", 1, -6},
    {"\xC2\xB5s", 1, -6},  // MICRO SIGN, as typed on most keyboards
    {"\xCE\xBCs", 1, -6},  // GREEK SMALL LETTER MU, which looks the same
    {"ms", 1, -3},
    {"s", 1, 0},
    {"min", 60, 0},
    {"h", 3600, 0},
};
constexpr Unit kFrequencyUnits[] = {
    {"Hz", 1, 0}, {"kHz", 1, 3}, {"KHz", 1, 3}, {"MHz", 1, 6}, {"GHz", 1, 9},
};

struct Kind {
  const char* noun;
  const char* plural;
  const char* examples;
  const char* unit_list;
  const Unit* units;
  std::size_t unit_count;
  bool bytes;  // offer the "B means bytes" hint for a lowercase "b"
};

template <std::size_t N>
constexpr Kind make_kind(const char* noun, const char* plural, const char* examples, const char* unit_list,
                         const Unit (&units)[N], bool bytes) {
  return Kind{noun, plural, examples, unit_list, units, N, bytes};
}

const Kind kSize = make_kind("size", "sizes", "\"4KiB\" or \"1GiB\"", "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB",
                             kSizeUnits, true);
const Kind kRate = make_kind("rate", "rates", "\"2GBps\" or \"500MiBps\"",
                             "Bps, KBps, MBps, GBps, TBps, KiBps, MiBps, GiBps, TiBps", kRateUnits, true);
const Kind kDuration =
    make_kind("duration", "durations", "\"20us\" or \"1.5ms\"", "ns, us, ms, s, min, h", kDurationUnits, false);
const Kind kFrequency =
    make_kind("frequency", "frequencies", "\"2.5GHz\" or \"800MHz\"", "Hz, kHz, MHz, GHz", kFrequencyUnits, false);

std::string quoted(const std::string& s) { return "\"" + s + "\""; }

[[noreturn]] void fail_expected(const Kind& kind, const std::string& text) {
  throw UnitError(std::string("expected a ") + kind.noun + " with a unit such as " + kind.examples + ", got " +
                  quoted(text));
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_space(s[b])) ++b;
  while (e > b && is_space(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// Characters a decimal number may contain ("1e3KiB" is a thousand KiB); "nan"
// and "inf" never form a number token.
bool is_number_char(char c) {
  return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

const Unit* find_unit(const Kind& kind, const std::string& name) {
  for (std::size_t i = 0; i < kind.unit_count; ++i) {
    if (name == kind.units[i].name) return &kind.units[i];
  }
  return nullptr;
}

// An exact non-negative decimal: digits * 10^exp10, digits without leading or
// trailing zeros ("" is zero).
struct Decimal {
  std::string digits;
  long exp10 = 0;
};

void normalize(Decimal& d) {
  std::size_t lead = 0;
  while (lead < d.digits.size() && d.digits[lead] == '0') ++lead;
  d.digits.erase(0, lead);
  while (!d.digits.empty() && d.digits.back() == '0') {
    d.digits.pop_back();
    ++d.exp10;
  }
  if (d.digits.empty()) d.exp10 = 0;
}

// Reads a token strtod has already accepted whole, so the grammar is known:
// [+] digits [. digits] [(e|E) [+|-] digits].
Decimal read_decimal(const std::string& token) {
  Decimal d;
  std::size_t i = 0;
  if (i < token.size() && token[i] == '+') ++i;
  long fraction_digits = 0;
  bool in_fraction = false;
  for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
    if (token[i] == '.') {
      in_fraction = true;
    } else {
      d.digits += token[i];
      if (in_fraction) ++fraction_digits;
    }
  }
  long exponent = 0;
  if (i < token.size()) {
    ++i;
    bool negative = false;
    if (token[i] == '+' || token[i] == '-') negative = token[i++] == '-';
    // Saturate: anything this far out is zero or too large either way, and
    // strtod below gives 0 or infinity for it.
    for (; i < token.size(); ++i) exponent = std::min(exponent * 10 + (token[i] - '0'), 100000000L);
    if (negative) exponent = -exponent;
  }
  d.exp10 = exponent - fraction_digits;
  normalize(d);
  return d;
}

// Multiplies the digit string by a unit multiplier (at most 2^40, so one digit
// times it plus the carry fits in 64 bits).
void multiply(Decimal& d, std::uint64_t multiplier) {
  if (multiplier == 1 || d.digits.empty()) return;
  std::string out(d.digits.size(), '0');
  std::uint64_t carry = 0;
  for (std::size_t i = d.digits.size(); i-- > 0;) {
    std::uint64_t v = static_cast<std::uint64_t>(d.digits[i] - '0') * multiplier + carry;
    out[i] = static_cast<char>('0' + v % 10);
    carry = v / 10;
  }
  std::string head;
  for (; carry > 0; carry /= 10) head.insert(head.begin(), static_cast<char>('0' + carry % 10));
  d.digits = head + out;
  normalize(d);
}

// Splits "number unit", checks both, and returns number * unit exactly.
Decimal parse_quantity(const std::string& text, const Kind& kind) {
  const std::string s = trim(text);
  std::size_t n = 0;
  while (n < s.size() && is_number_char(s[n])) ++n;
  std::string number = s.substr(0, n);
  if (number.empty()) fail_expected(kind, text);
  if (number[0] == '-') throw UnitError(std::string("a ") + kind.noun + " must not be negative, got " + quoted(text));
  // strtod (in the "C" numeric locale a program has unless it calls setlocale)
  // decides what a number is; the whole token must be consumed, so
  // "1.2.3" is refused rather than read as 1.2. The one exception: what strtod
  // leaves may start a unit with "E" ("4EiB"), which then gets the unknown-unit
  // message instead of a confusing "malformed number".
  char* end = nullptr;
  std::strtod(number.c_str(), &end);
  const std::size_t used = static_cast<std::size_t>(end - number.c_str());
  if (used != number.size()) {
    if (number[used] != 'e' && number[used] != 'E') {
      throw UnitError("malformed number " + quoted(number) + " in " + quoted(text) + "; expected a " +
                      kind.noun + " with a unit such as " + kind.examples);
    }
    number.resize(used);
    n = used;
    if (number.empty()) fail_expected(kind, text);
  }
  const std::string unit = trim(s.substr(n));
  if (unit.empty()) fail_expected(kind, text);
  const Unit* u = find_unit(kind, unit);
  if (!u) {
    std::string message = "unknown unit " + quoted(unit) + " in " + quoted(text) + "; " + kind.plural + " take " +
                          kind.unit_list;
    if (kind.bytes && unit.find('b') != std::string::npos) {
      std::string as_bytes = unit;
      for (char& c : as_bytes) {
        if (c == 'b') c = 'B';
      }
      if (find_unit(kind, as_bytes)) message += " (\"B\" means bytes; \"b\" would be bits)";
    }
    throw UnitError(message);
  }
  Decimal d = read_decimal(number);
  multiply(d, u->multiplier);
  if (!d.digits.empty()) d.exp10 += u->exp10;
  return d;
}

// Correctly rounded, since strtod rounds the exact decimal once.
double to_double(const Decimal& d, const Kind& kind, const std::string& text) {
  if (d.digits.empty()) return 0.0;
  const std::string s = d.digits + "e" + std::to_string(d.exp10);
  const double v = std::strtod(s.c_str(), nullptr);
  if (std::isinf(v)) throw UnitError(quoted(text) + " is too large for a " + kind.noun);
  return v;
}

double parse_double(const std::string& text, const Kind& kind) {
  return to_double(parse_quantity(text, kind), kind, text);
}

// ---- formatting ----

// Shortest decimal that strtod reads back as exactly x (x finite, > 0).
Decimal shortest_decimal(double x) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, x);
    if (std::strtod(buf, nullptr) == x || precision == 17) break;
  }
  // buf is "d.ddde[+-]xx".
  const std::string s = buf;
  const std::size_t e = s.find('e');
  Decimal d;
  long fraction_digits = 0;
  for (std::size_t i = 0; i < e; ++i) {
    if (s[i] == '.') continue;
    d.digits += s[i];
    if (i > 1) ++fraction_digits;
  }
  d.exp10 = std::strtol(s.c_str() + e + 1, nullptr, 10) - fraction_digits;
  normalize(d);
  return d;
}

// digits * 10^exp10 as plain decimal text, or in e-notation when that would
// need a long run of zeros.
std::string render(const Decimal& d) {
  if (d.digits.empty()) return "0";
  const long len = static_cast<long>(d.digits.size());
  const long point = len + d.exp10;  // digits before the decimal point
  if (point > 21 || point < -5) {
    std::string s = d.digits.substr(0, 1);
    if (len > 1) s += "." + d.digits.substr(1);
    return s + "e" + std::to_string(point - 1);
  }
  if (point <= 0) return "0." + std::string(static_cast<std::size_t>(-point), '0') + d.digits;
  if (point >= len) return d.digits + std::string(static_cast<std::size_t>(point - len), '0');
  return d.digits.substr(0, static_cast<std::size_t>(point)) + "." + d.digits.substr(static_cast<std::size_t>(point));
}

struct Choice {
  const char* name;
  int exp10;
};

// Writes x in the largest unit (listed largest first) whose mantissa is >= 1,
// else the last. Shifting the decimal point of x's shortest digits is exact, and
// the parser scales in decimal too, so the text always reads back as x.
template <std::size_t N>
std::string format_double(double x, const Kind& kind, const Choice (&choices)[N]) {
  if (!(x >= 0) || std::isinf(x)) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", x);
    throw UnitError(std::string("cannot write a ") + kind.noun + " of " + buf +
                    ": only finite, non-negative values can be read back");
  }
  if (x == 0) {
    for (const Choice& c : choices) {
      if (c.exp10 == 0) return std::string("0") + c.name;  // "0s", not "0TBps"
    }
  }
  const Decimal d = shortest_decimal(x);
  const long leading = d.exp10 + static_cast<long>(d.digits.size()) - 1;  // x is in [10^leading, 10^(leading+1))
  const Choice* choice = &choices[N - 1];
  for (const Choice& c : choices) {
    if (c.exp10 <= leading) {
      choice = &c;
      break;
    }
  }
  Decimal mantissa = d;
  mantissa.exp10 -= choice->exp10;
  const std::string text = render(mantissa) + choice->name;
  // Cheap guard on the reasoning above.
  if (parse_double(text, kind) != x) throw std::logic_error("units: " + text + " does not read back exactly");
  return text;
}

}  // namespace

std::uint64_t parse_size_bytes(const std::string& text) {
  const Decimal d = parse_quantity(text, kSize);
  if (d.digits.empty()) return 0;
  // Trailing zeros are stripped, so a negative exponent means a fraction.
  if (d.exp10 < 0) throw UnitError(quoted(text) + " is not a whole number of bytes");
  // 2^63 has 19 digits; anything with more is above it.
  if (static_cast<long>(d.digits.size()) + d.exp10 > 19) {
    throw UnitError(quoted(text) + " is above the limit of 2^63 bytes");
  }
  std::uint64_t v = 0;
  for (char c : d.digits) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  for (long i = 0; i < d.exp10; ++i) v *= 10;
  if (v > (std::uint64_t{1} << 63)) throw UnitError(quoted(text) + " is above the limit of 2^63 bytes");
  return v;
}

double parse_rate_bytes_per_s(const std::string& text) { return parse_double(text, kRate); }
double parse_duration_s(const std::string& text) { return parse_double(text, kDuration); }
double parse_frequency_hz(const std::string& text) { return parse_double(text, kFrequency); }

std::string format_size(std::uint64_t bytes) {
  static const Choice kChoices[] = {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}};
  if (bytes != 0) {
    for (const Choice& c : kChoices) {  // exp10 holds the power of two here
      const std::uint64_t unit = std::uint64_t{1} << c.exp10;
      if (bytes % unit == 0) return std::to_string(bytes / unit) + c.name;
    }
  }
  return std::to_string(bytes) + "B";
}

std::string format_rate(double bytes_per_s) {
  static const Choice kChoices[] = {{"TBps", 12}, {"GBps", 9}, {"MBps", 6}, {"KBps", 3}, {"Bps", 0}};
  return format_double(bytes_per_s, kRate, kChoices);
}

std::string format_duration(double seconds) {
  static const Choice kChoices[] = {{"s", 0}, {"ms", -3}, {"us", -6}, {"ns", -9}};
  return format_double(seconds, kDuration, kChoices);
}

std::string format_frequency(double hz) {
  static const Choice kChoices[] = {{"GHz", 9}, {"MHz", 6}, {"kHz", 3}, {"Hz", 0}};
  return format_double(hz, kFrequency, kChoices);
}

}  // namespace foliosim::units
