// Writes a results directory in one piece: everything goes to a temporary
// directory beside it, which is renamed into place at the end, so a failed or
// interrupted run never leaves half a result. It replaces only what foliosim
// wrote: a user's own file or directory is never touched.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "sim/input/json_fields.hpp"

namespace foliosim {

// The output location cannot be used (refused, unwritable, full): exit 2,
// like bad input; the message names the path.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file that marks a directory as foliosim's results (run or compare).
inline constexpr const char* kResultsMarker = ".foliosim-results";

// Whether `dir` is a results directory foliosim wrote: it holds the marker,
// or (written before the marker existed) summary.json and resolved_scenario.json.
bool is_results_directory(const std::filesystem::path& dir);

class ResultsDirectory {
 public:
  // Checks the location before anything runs, and touches nothing: throws
  // OutputError when `final_path` is an existing file or symlink, a directory
  // foliosim did not write, an existing results directory unless
  // `replace_results`, the current directory or one of its ancestors, or
  // under a directory it cannot write to.
  ResultsDirectory(std::filesystem::path final_path, bool replace_results);
  ~ResultsDirectory();  // removes the temporary directory (and the parents it made) if not committed

  // Path of `relative` inside the temporary directory (parents created).
  std::filesystem::path file(const std::string& relative);
  void write_text(const std::string& relative, const std::string& text);
  void write_json(const std::string& relative, const Json& value);

  // Replaces the final directory with the temporary one (after checking the
  // location again, and that no SIGINT or SIGTERM came meanwhile).
  void commit();

 private:
  void check_location() const;

  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  std::filesystem::path first_made_;  // the outermost parent that did not exist, "" if none
  bool replace_results_;
  bool committed_ = false;
};

}  // namespace foliosim
