// fio's job-file syntax (fio's HOWTO, "Job file format"): [sections], a
// [global] section whose options every later job inherits, `include FILE`,
// ${VAR} from the environment, `#` and `;` comments, `option=value` and bare
// `option` flags. Every option keeps where it was written, for the errors.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace foliosim::fio {

struct FioOption {
  std::string name;
  std::string value;  // after ${VAR} expansion; "" for a bare flag
  bool has_value = false;
  std::string file;       // the file it was written in (an include's own)
  std::size_t line = 0;   // 1-based; 0 when it comes from JSON
  std::string json_path;  // "workload/fio_options/jobs/0/bs" when it comes from JSON
};

struct FioSection {
  std::string name;
  std::string file;
  std::size_t line = 0;
  std::string json_path;
  // The [global] options written before it, then its own: the last of a name wins.
  std::vector<FioOption> options;
};

struct FioJobFile {
  std::vector<FioSection> jobs;
  // Every option of every [global] section (checked even when no job follows).
  std::vector<FioOption> globals;
};

// The value of an environment variable, or nullopt when it is not defined.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
// getenv.
std::optional<std::string> process_env(const std::string& name);

// Reads the job file at `path` and its includes (relative to the including
// file). Throws ConfigError naming the file and line: a line that is neither
// a section, an option nor a comment, an option outside a section, an include
// that cannot be read, includes nested deeper than 16 (a cycle), a section in
// an included file, an undefined ${VAR} (fio would substitute an empty
// string, which is a wrong value rather than an error), no job section.
FioJobFile read_fio_file(const std::string& path, const EnvLookup& env = process_env);
// The same from text in memory; `file` names it and anchors its includes.
FioJobFile parse_fio_text(const std::string& text, const std::string& file, const EnvLookup& env = process_env);

// "jobs/a.fio:12" or, from JSON, the file and the JSON path: how an error
// names where an option was written.
[[noreturn]] void fail_option(const FioOption& option, const std::string& message);
[[noreturn]] void fail_section(const FioSection& section, const std::string& message);

}  // namespace foliosim::fio
