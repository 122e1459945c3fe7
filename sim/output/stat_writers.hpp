// The writers a stats declaration (models/common/stat_fields.hpp) is visited
// with: the same declaration gives summary.json's entries (JsonStatWriter),
// a CSV's header and rows (CsvStatWriter) and the results reference
// (ReferenceWriter), so names, units and conversions are made in one place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/common/errors.hpp"
#include "models/common/latency_histogram.hpp"
#include "models/common/pages.hpp"
#include "sim/input/json_fields.hpp"

namespace foliosim {

// Percentiles, max and mean of a latency histogram, in microseconds.
Json latency_us_json(const LatencyHistogram& histogram);

class JsonStatWriter {
 public:
  void count(const std::string& key, std::uint64_t value, const char*) { out_[key] = value; }
  void bytes(const std::string& key, std::uint64_t value, const char*) { out_[key] = value; }
  void pages(const std::string& key, std::uint64_t pages, const char*) { out_[key] = pages * kPageBytes; }
  void seconds(const std::string& key, double value, const char*) { out_[key] = value; }
  void micros(const std::string& key, double seconds, const char*) { out_[key] = seconds * 1e6; }
  void rate(const std::string& key, double pages_per_s, const char*) { out_[key] = pages_per_s * kPageBytes; }
  void fraction(const std::string& key, double value, const char*) { out_[key] = value; }
  void latency(const std::string& key, const LatencyHistogram& h, const char*) { out_[key] = latency_us_json(h); }
  void text(const std::string& key, const std::string& value, const char*) { out_[key] = value; }
  template <class Body>
  void group(const std::string& key, const char*, Body body) {
    JsonStatWriter inner;
    body(inner);
    out_[key] = std::move(inner.out_);
  }
  template <class Items, class Body>
  void list(const std::string& key, const char*, const Items& items, Body body) {
    Json array = Json::array();
    for (const auto& item : items) {
      JsonStatWriter inner;
      body(inner, item);
      array.push_back(std::move(inner.out_));
    }
    out_[key] = std::move(array);
  }
  Json& json() { return out_; }

 private:
  Json out_ = Json::object();
};

// One CSV line: the keys (header) or the values (a row), comma-separated.
// Times print with nanosecond digits, byte and request counts as integers,
// rates with three decimals.
class CsvStatWriter {
 public:
  enum class Mode { kHeader, kRow };
  explicit CsvStatWriter(Mode mode) : mode_(mode) {}

  void count(const std::string& key, std::uint64_t value, const char*) { add(key, std::to_string(value)); }
  void bytes(const std::string& key, std::uint64_t value, const char*) { add(key, std::to_string(value)); }
  void pages(const std::string& key, std::uint64_t pages, const char*) { add(key, std::to_string(pages * kPageBytes)); }
  void seconds(const std::string& key, double value, const char*) { add(key, fixed(value, 9)); }
  void micros(const std::string& key, double seconds, const char*) { add(key, fixed(seconds * 1e6, 3)); }
  void rate(const std::string& key, double pages_per_s, const char*) {
    add(key, fixed(pages_per_s * static_cast<double>(kPageBytes), 3));
  }
  void fraction(const std::string& key, double value, const char*) { add(key, fixed(value, 6)); }
  void text(const std::string& key, const std::string& value, const char*) { add(key, value); }
  void latency(const std::string& key, const LatencyHistogram&, const char*) { nested(key); }
  template <class Body>
  void group(const std::string& key, const char*, Body) {
    nested(key);
  }
  template <class Items, class Body>
  void list(const std::string& key, const char*, const Items&, Body) {
    nested(key);
  }
  // The line, without its newline.
  const std::string& line() const { return line_; }

 private:
  void add(const std::string& key, const std::string& value) {
    if (!line_.empty()) line_ += ',';
    line_ += mode_ == Mode::kHeader ? key : value;
  }
  [[noreturn]] static void nested(const std::string& key) {
    throw InternalError("a CSV row cannot hold the nested figure " + key);
  }
  static std::string fixed(double value, int decimals);

  Mode mode_;
  std::string line_;
};

// The header of a CSV whose rows are `Row`s, then one line per row.
template <class Row, class Visit>
std::string csv_text(const std::vector<Row>& rows, Visit visit) {
  CsvStatWriter header(CsvStatWriter::Mode::kHeader);
  visit(header, Row{});
  std::string csv = header.line() + "\n";
  for (const auto& row : rows) {
    CsvStatWriter line(CsvStatWriter::Mode::kRow);
    visit(line, row);
    csv += line.line();
    csv += '\n';
  }
  return csv;
}

// The results reference: one markdown table row per figure, its path
// ("devices/N/busy_s"), unit and meaning.
class ReferenceWriter {
 public:
  explicit ReferenceWriter(std::string prefix = "") : prefix_(std::move(prefix)) {}

  void count(const std::string& key, std::uint64_t, const char* meaning) { add(key, "count", meaning); }
  void bytes(const std::string& key, std::uint64_t, const char* meaning) { add(key, "bytes", meaning); }
  void pages(const std::string& key, std::uint64_t, const char* meaning) { add(key, "bytes", meaning); }
  void seconds(const std::string& key, double, const char* meaning) { add(key, "s", meaning); }
  void micros(const std::string& key, double, const char* meaning) { add(key, "us", meaning); }
  void rate(const std::string& key, double, const char* meaning) { add(key, "bytes/s", meaning); }
  void fraction(const std::string& key, double, const char* meaning) { add(key, "fraction (0 to 1)", meaning); }
  void text(const std::string& key, const std::string&, const char* meaning) { add(key, "text", meaning); }
  void latency(const std::string& key, const LatencyHistogram&, const char* meaning) {
    add(key, "us: p50, p90, p99, p999, max, mean", meaning);
  }
  template <class Body>
  void group(const std::string& key, const char* meaning, Body body) {
    add(key, "", meaning);
    ReferenceWriter inner(prefix_ + key + "/");
    body(inner);
    rows_ += inner.rows_;
  }
  // Describes the first item (items differ only in values).
  template <class Items, class Body>
  void list(const std::string& key, const char* meaning, const Items& items, Body body) {
    add(key, "list", meaning);
    if (items.empty()) return;
    ReferenceWriter inner(prefix_ + key + "/N/");
    body(inner, items.front());
    rows_ += inner.rows_;
  }
  const std::string& rows() const { return rows_; }

 private:
  void add(const std::string& key, const char* unit, const char* meaning) {
    rows_ += "| `" + prefix_ + key + "` | " + unit + " | " + meaning + " |\n";
  }
  std::string prefix_;
  std::string rows_;
};

}  // namespace foliosim
