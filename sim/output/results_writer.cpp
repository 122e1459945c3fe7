#include "sim/output/results_writer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "sim/engine/interruption.hpp"

namespace foliosim {

namespace fs = std::filesystem;

namespace {

OutputError fs_failure(const fs::path& path, const std::string& doing, const std::error_code& code) {
  return OutputError(path.string() + ": cannot " + doing + ": " + code.message());
}

}  // namespace

bool is_results_directory(const fs::path& dir) {
  std::error_code ignored;
  return fs::is_regular_file(dir / kResultsMarker, ignored) ||
         (fs::is_regular_file(dir / "summary.json", ignored) &&
          fs::is_regular_file(dir / "resolved_scenario.json", ignored));
}

ResultsDirectory::ResultsDirectory(fs::path final_path, bool replace_results)
    : final_path_(std::move(final_path)), replace_results_(replace_results) {
  if (final_path_.filename().empty()) final_path_ = final_path_.parent_path();
  temp_path_ = final_path_;
  temp_path_ += ".tmp-" + std::to_string(getpid());
  check_location();
  // The nearest parent that exists must take the directories under it.
  fs::path writable = final_path_.parent_path();
  std::error_code error;
  for (; !writable.empty() && !fs::exists(writable, error); writable = writable.parent_path()) first_made_ = writable;
  if (writable.empty()) writable = ".";
  if (!fs::is_directory(writable, error)) throw OutputError(writable.string() + ": is not a directory");
  if (access(writable.c_str(), W_OK | X_OK) != 0)
    throw OutputError(writable.string() + ": cannot write there: " + std::strerror(errno));
}

void ResultsDirectory::check_location() const {
  const std::string where = final_path_.string();
  std::error_code error;
  const fs::file_status status = fs::symlink_status(final_path_, error);
  if (where.empty() || final_path_.filename() == "." || final_path_.filename() == "..")
    throw OutputError("\"" + where + "\": names a directory by \".\" or \"..\": refusing to replace it");
  if (!fs::exists(status)) return;
  if (fs::is_symlink(status)) throw OutputError(where + ": is a symbolic link: refusing to replace it");
  if (!fs::is_directory(status)) throw OutputError(where + ": is an existing file: refusing to replace it");
  const fs::path target = fs::weakly_canonical(final_path_, error);
  for (fs::path p = fs::current_path(error); !error && !target.empty(); p = p.parent_path()) {
    if (p == target)
      throw OutputError(where + ": is the current directory or one of its parents: refusing to replace it");
    if (p == p.root_path()) break;
  }
  if (!is_results_directory(final_path_))
    throw OutputError(where + ": exists and is not a foliosim results directory: refusing to replace it");
  if (!replace_results_)
    throw OutputError(where + ": holds earlier results: add --force to replace them, or name another directory");
}

ResultsDirectory::~ResultsDirectory() {
  if (committed_) return;
  std::error_code ignored;
  fs::remove_all(temp_path_, ignored);
  if (first_made_.empty()) return;
  // Only the parents this run made, and only while empty.
  for (fs::path p = final_path_.parent_path(); !p.empty(); p = p.parent_path()) {
    if (!fs::remove(p, ignored)) break;
    if (p == first_made_) break;
  }
}

fs::path ResultsDirectory::file(const std::string& relative) {
  fs::path path = temp_path_ / relative;
  std::error_code error;
  fs::create_directories(path.parent_path(), error);
  if (error) throw fs_failure(final_path_ / fs::path(relative).parent_path(), "create the folder", error);
  return path;
}

void ResultsDirectory::write_text(const std::string& relative, const std::string& text) {
  throw_if_interrupted();
  fs::path path = file(relative);
  errno = 0;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    throw OutputError((final_path_ / relative).string() + ": cannot write: " +
                      (errno != 0 ? std::strerror(errno) : "write failed"));
}

void ResultsDirectory::write_json(const std::string& relative, const Json& value) {
  write_text(relative, value.dump(2) + "\n");
}

void ResultsDirectory::commit() {
  write_text(kResultsMarker, "Written by foliosim. `foliosim run` and `compare` may replace this directory.\n");
  throw_if_interrupted();
  check_location();  // it may have appeared while the variants ran
  // Move the previous results aside first, so a failure leaves one complete copy.
  fs::path previous = final_path_;
  previous += ".old-" + std::to_string(getpid());
  const bool had_previous = fs::exists(final_path_);
  std::error_code error;
  if (had_previous) fs::rename(final_path_, previous, error);
  if (error) throw fs_failure(final_path_, "move the earlier results aside", error);
  fs::rename(temp_path_, final_path_, error);
  if (error) {
    std::error_code ignored;
    if (had_previous) fs::rename(previous, final_path_, ignored);
    throw fs_failure(final_path_, "rename " + temp_path_.string() + " to it", error);
  }
  committed_ = true;
  if (had_previous) fs::remove_all(previous, error);
}

}  // namespace foliosim
