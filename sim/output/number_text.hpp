// Numbers as the CSVs write them: printf's "%.*f" and "%.*g" through
// std::to_chars, which the standard defines as printf's conversion in the "C"
// locale, so the text is the same; glibc's printf takes several times longer
// (multi-precision digits), and a 32-job run writes half a million fields.
#pragma once

#include <charconv>
#include <string>

namespace foliosim {

// Appends `value` as printf("%.*f", decimals, value) would.
inline void append_fixed(std::string& out, double value, int decimals) {
  char text[400];  // DBL_MAX's 309 digits and up to 80 decimals
  const auto end = std::to_chars(text, text + sizeof text, value, std::chars_format::fixed, decimals).ptr;
  out.append(text, end);
}

// Appends `value` as printf("%.*g", digits, value) would.
inline void append_general(std::string& out, double value, int digits) {
  char text[64];
  const auto end = std::to_chars(text, text + sizeof text, value, std::chars_format::general, digits).ptr;
  out.append(text, end);
}

}  // namespace foliosim
