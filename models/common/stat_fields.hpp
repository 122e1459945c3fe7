// How a model declares what it measured, once, beside the counters: each
// stats struct (or model) has
//
//   template <class F> void stats(F& f) const;
//
// which calls, for every figure, one of
//
//   f.count(key, std::uint64_t, meaning)      a number of things
//   f.bytes(key, std::uint64_t, meaning)      bytes
//   f.pages(key, std::uint64_t, meaning)      pages, reported as bytes (the key says _bytes)
//   f.seconds(key, double, meaning)           seconds
//   f.micros(key, double seconds, meaning)    seconds, reported in microseconds
//   f.rate(key, double pages_per_s, meaning)  pages per second, reported as bytes per second
//   f.fraction(key, double, meaning)          a share, 0 to 1
//   f.latency(key, const LatencyHistogram&, meaning)   percentiles in microseconds
//   f.text(key, const std::string&, meaning)  a name
//   f.group(key, meaning, [&](auto& g) { ... })         a nested object of figures
//   f.list(key, meaning, items, [](auto& g, const Item& item) { ... })   one object per item
//
// `key` is the name results use, its unit in it (`_bytes`, `_s`, `_us`,
// `_Bps`); `meaning` says what was counted, for the results reference. The
// same declaration writes summary.json, the CSVs and the reference
// (sim/output/stat_writers.hpp), as gem5's ADD_STAT declares a statistic with
// its unit and description: a figure cannot be renamed or converted in one
// place and not another.
#pragma once

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace foliosim {

// Passes on to `F` only the figures named in `keys` (top level), in the
// order the stats declare them: a part of a declaration, declared once.
template <class F>
class OnlyKeys {
 public:
  OnlyKeys(F& f, std::initializer_list<const char*> keys) : f_(f), keys_(keys.begin(), keys.end()) {}
  template <class... A>
  void count(const std::string& k, A&&... a) { if (kept(k)) f_.count(k, std::forward<A>(a)...); }
  template <class... A>
  void bytes(const std::string& k, A&&... a) { if (kept(k)) f_.bytes(k, std::forward<A>(a)...); }
  template <class... A>
  void pages(const std::string& k, A&&... a) { if (kept(k)) f_.pages(k, std::forward<A>(a)...); }
  template <class... A>
  void seconds(const std::string& k, A&&... a) { if (kept(k)) f_.seconds(k, std::forward<A>(a)...); }
  template <class... A>
  void micros(const std::string& k, A&&... a) { if (kept(k)) f_.micros(k, std::forward<A>(a)...); }
  template <class... A>
  void rate(const std::string& k, A&&... a) { if (kept(k)) f_.rate(k, std::forward<A>(a)...); }
  template <class... A>
  void fraction(const std::string& k, A&&... a) { if (kept(k)) f_.fraction(k, std::forward<A>(a)...); }
  template <class... A>
  void latency(const std::string& k, A&&... a) { if (kept(k)) f_.latency(k, std::forward<A>(a)...); }
  template <class... A>
  void text(const std::string& k, A&&... a) { if (kept(k)) f_.text(k, std::forward<A>(a)...); }
  template <class... A>
  void group(const std::string& k, A&&... a) { if (kept(k)) f_.group(k, std::forward<A>(a)...); }
  template <class... A>
  void list(const std::string& k, A&&... a) { if (kept(k)) f_.list(k, std::forward<A>(a)...); }

 private:
  bool kept(const std::string& key) const { return std::find(keys_.begin(), keys_.end(), key) != keys_.end(); }
  F& f_;
  std::vector<std::string> keys_;
};

}  // namespace foliosim
