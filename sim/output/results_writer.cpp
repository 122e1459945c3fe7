#include "sim/output/results_writer.hpp"

#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace foliosim {

namespace fs = std::filesystem;

ResultsDirectory::ResultsDirectory(fs::path final_path) : final_path_(std::move(final_path)) {
  if (final_path_.filename().empty()) final_path_ = final_path_.parent_path();
  temp_path_ = final_path_;
  temp_path_ += ".tmp-" + std::to_string(getpid());
}

ResultsDirectory::~ResultsDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(temp_path_, ignored);
}

fs::path ResultsDirectory::file(const std::string& relative) {
  fs::path path = temp_path_ / relative;
  fs::create_directories(path.parent_path());
  return path;
}

void ResultsDirectory::write_text(const std::string& relative, const std::string& text) {
  fs::path path = file(relative);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void ResultsDirectory::write_json(const std::string& relative, const Json& value) {
  write_text(relative, value.dump(2) + "\n");
}

void ResultsDirectory::commit() {
  fs::create_directories(temp_path_);
  if (final_path_.has_parent_path()) fs::create_directories(final_path_.parent_path());
  // Move the previous results aside first, so a failure leaves one complete copy.
  fs::path previous = final_path_;
  previous += ".old-" + std::to_string(getpid());
  const bool had_previous = fs::exists(final_path_);
  if (had_previous) fs::rename(final_path_, previous);
  try {
    fs::rename(temp_path_, final_path_);
  } catch (...) {
    if (had_previous) fs::rename(previous, final_path_);
    throw;
  }
  committed_ = true;
  if (had_previous) fs::remove_all(previous);
}

}  // namespace foliosim
