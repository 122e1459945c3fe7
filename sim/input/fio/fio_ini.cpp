#include "sim/input/fio/fio_ini.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/input/config_error.hpp"

namespace foliosim::fio {
namespace {

// Includes nested deeper than this are a cycle or a mistake.
constexpr int kMaxIncludeDepth = 16;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

[[noreturn]] void fail_line(const std::string& file, std::size_t line, const std::string& subject,
                            const std::string& message) {
  throw ConfigError(file + ":" + std::to_string(line), subject, message);
}

struct Parser {
  const EnvLookup& env;
  FioJobFile out;
  std::vector<FioOption> globals_so_far;
  FioSection* current = nullptr;  // a job; nullptr in [global] or before any section
  bool in_global = false;

  std::string expand(const std::string& value, const std::string& option, const std::string& file,
                     std::size_t line) const {
    std::string result;
    std::size_t pos = 0;
    while (true) {
      const auto start = value.find("${", pos);
      if (start == std::string::npos) return result + value.substr(pos);
      const auto end = value.find('}', start);
      const std::string subject = "option '" + option + "'";
      if (end == std::string::npos) fail_line(file, line, subject, "unterminated ${ in \"" + value + "\"");
      const std::string name = value.substr(start + 2, end - start - 2);
      const auto found = env(name);
      if (!found)
        fail_line(file, line, subject,
                  "${" + name + "}: the environment variable " + name +
                      " is not defined (fio would substitute an empty string)");
      result += value.substr(pos, start - pos) + *found;
      pos = end + 1;
    }
  }

  void add_option(FioOption option) {
    if (in_global) {
      globals_so_far.push_back(option);
      out.globals.push_back(option);
    } else if (current) {
      current->options.push_back(option);
    } else {
      fail_line(option.file, option.line, "option '" + option.name + "'",
                "outside a section: put it under [global] or a [job] section");
    }
  }

  void start_section(const std::string& name, const std::string& file, std::size_t line) {
    if (name.empty()) fail_line(file, line, "section", "a section needs a name: [global] or [job name]");
    in_global = name == "global";
    current = nullptr;
    if (in_global) return;
    out.jobs.push_back({name, file, line, "", globals_so_far});
    current = &out.jobs.back();
  }

  void parse(const std::string& text, const std::string& file, int depth) {
    std::istringstream in(text);
    std::string raw;
    for (std::size_t line = 1; std::getline(in, raw); ++line) {
      const std::string t = trim(raw);
      if (t.empty() || t[0] == '#' || t[0] == ';') continue;
      if (t[0] == '[') {
        if (depth > 0) fail_line(file, line, t, "an included file may not hold sections (fio's rule)");
        if (t.back() != ']') fail_line(file, line, t, "expected a section header such as [writer]");
        start_section(trim(t.substr(1, t.size() - 2)), file, line);
        continue;
      }
      if (t.rfind("include", 0) == 0 && t.size() > 7 && (t[7] == ' ' || t[7] == '\t')) {
        include(trim(t.substr(8)), file, line, depth);
        continue;
      }
      FioOption option;
      const auto eq = t.find('=');
      option.name = trim(t.substr(0, eq));
      if (eq != std::string::npos) {
        option.has_value = true;
        option.value = expand(trim(t.substr(eq + 1)), option.name, file, line);
      }
      if (option.name.empty() || option.name.find_first_of(" \t") != std::string::npos)
        fail_line(file, line, t, "expected option=value, a bare option, [section], include FILE or a comment");
      option.file = file;
      option.line = line;
      add_option(std::move(option));
    }
  }

  void include(const std::string& name, const std::string& file, std::size_t line, int depth) {
    namespace fs = std::filesystem;
    if (name.empty()) fail_line(file, line, "include", "expected a file name");
    if (depth + 1 > kMaxIncludeDepth)
      fail_line(file, line, "include " + name,
                "includes nested deeper than " + std::to_string(kMaxIncludeDepth) + " (an include cycle?)");
    const fs::path path = fs::path(name).is_absolute() ? fs::path(name) : fs::path(file).parent_path() / name;
    std::ifstream in(path, std::ios::binary);
    if (!in || !fs::is_regular_file(path)) fail_line(file, line, "include " + name, "cannot open " + path.string());
    std::stringstream text;
    text << in.rdbuf();
    parse(text.str(), path.string(), depth + 1);
  }
};

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

FioJobFile parse_fio_text(const std::string& text, const std::string& file, const EnvLookup& env) {
  Parser parser{env, {}, {}, nullptr, false};
  parser.parse(text, file, 0);
  if (parser.out.jobs.empty())
    throw ConfigError(file, "", "no job section: a fio job file needs at least one [job] besides [global]");
  return parser.out;
}

FioJobFile read_fio_file(const std::string& path, const EnvLookup& env) {
  std::ifstream in(path, std::ios::binary);
  // Not a device or a pipe: reading one might never end.
  if (!in || !std::filesystem::is_regular_file(path)) throw ConfigError(path, "", "cannot open the fio job file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_fio_text(text.str(), path, env);
}

void fail_option(const FioOption& option, const std::string& message) {
  const std::string subject = "option '" + option.name + "'";
  if (!option.json_path.empty()) throw ConfigError(option.file, option.json_path, subject + ": " + message);
  fail_line(option.file, option.line, subject, message);
}

void fail_section(const FioSection& section, const std::string& message) {
  if (!section.json_path.empty()) throw ConfigError(section.file, section.json_path, message);
  fail_line(section.file, section.line, "[" + section.name + "]", message);
}

}  // namespace foliosim::fio
