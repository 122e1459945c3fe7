// Errors in the user's scenario (gem5's "fatal"): a clear message naming the
// file and the JSON path of the bad value, never a stack trace.
#pragma once

#include <stdexcept>
#include <string>

#include "models/common/errors.hpp"  // InternalError: what is not the user's fault

namespace foliosim {

class ConfigError : public std::runtime_error {
 public:
  ConfigError(const std::string& file, const std::string& json_path, const std::string& message)
      : std::runtime_error(file + ": " + (json_path.empty() ? std::string("(top level)") : json_path) + ": " + message),
        file_(file),
        json_path_(json_path),
        message_(message) {}
  const std::string& file() const { return file_; }
  const std::string& json_path() const { return json_path_; }
  const std::string& message() const { return message_; }

 private:
  std::string file_;
  std::string json_path_;
  std::string message_;
};

}  // namespace foliosim
