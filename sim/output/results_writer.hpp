// Writes a run's results directory in one piece: everything goes to a
// temporary directory beside it, which is renamed into place at the end, so a
// failed or interrupted run never leaves half a result.
#pragma once

#include <filesystem>
#include <string>

#include "sim/input/json_fields.hpp"

namespace foliosim {

class ResultsDirectory {
 public:
  // Nothing is touched until commit().
  explicit ResultsDirectory(std::filesystem::path final_path);
  ~ResultsDirectory();  // removes the temporary directory if not committed

  // Path of `relative` inside the temporary directory (parents created).
  std::filesystem::path file(const std::string& relative);
  void write_text(const std::string& relative, const std::string& text);
  void write_json(const std::string& relative, const Json& value);

  // Replaces the final directory with the temporary one.
  void commit();

 private:
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool committed_ = false;
};

}  // namespace foliosim
