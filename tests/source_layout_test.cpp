// The tree's rules, checked on the sources themselves: the include directions
// between layers (README's architecture section) and the line length.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/test_support.hpp"

namespace fs = std::filesystem;

namespace {

struct Include {
  std::string from;  // "models/page_cache/page_cache.cpp"
  std::string to;    // "models/common/pages.hpp"
};

std::vector<std::string> sources(const std::string& top) {
  std::vector<std::string> out;
  const fs::path root = foliosim::test::source_path("");
  for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".hpp" || ext == ".cpp"))
      out.push_back(fs::relative(entry.path(), root).generic_string());
  }
  return out;
}

std::vector<Include> includes(const std::string& top) {
  static const std::regex quoted(R"(^\s*#\s*include\s*"([^"]+)\")");
  std::vector<Include> out;
  for (const auto& file : sources(top)) {
    std::ifstream in(foliosim::test::source_path(file));
    std::string line;
    std::smatch m;
    while (std::getline(in, line))
      if (std::regex_search(line, m, quoted)) out.push_back({file, m[1]});
  }
  return out;
}

// "models/page_cache/page_cache.cpp" -> "models/page_cache"; files at sim/'s
// root (the commands) -> "sim".
std::string folder_of(const std::string& path) {
  const auto first = path.find('/');
  const auto second = path.find('/', first + 1);
  return second == std::string::npos ? path.substr(0, first) : path.substr(0, second);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("layering: models stand on their own, models/common at the bottom, no cycle between model folders") {
  std::map<std::string, std::set<std::string>> uses;  // folder -> folders it includes
  for (const auto& inc : includes("models")) {
    CAPTURE(inc.from);
    CAPTURE(inc.to);
    CHECK(starts_with(inc.to, "models/"));  // never sim/ nor tests/
    if (starts_with(inc.from, "models/common/")) CHECK(starts_with(inc.to, "models/common/"));
    if (folder_of(inc.from) != folder_of(inc.to)) uses[folder_of(inc.from)].insert(folder_of(inc.to));
  }
  // Depth-first search for a cycle among the folders.
  std::map<std::string, int> state;  // 0 unseen, 1 on the path, 2 done
  std::vector<std::string> path;
  std::function<void(const std::string&)> visit = [&](const std::string& folder) {
    state[folder] = 1;
    path.push_back(folder);
    for (const auto& next : uses[folder]) {
      if (state[next] == 1) {
        std::string cycle;
        for (const auto& p : path) cycle += p + " -> ";
        FAIL("include cycle between model folders: " << cycle << next);
      }
      if (state[next] == 0) visit(next);
    }
    path.pop_back();
    state[folder] = 2;
  };
  for (const auto& [folder, used] : uses)
    if (state[folder] == 0) visit(folder);
  CHECK(uses.size() >= 8);  // the scan found the model folders
}

TEST_CASE("layering: sim/input under sim/engine under sim/output, the commands on top") {
  // What each stage of sim/ may include besides models/ and itself.
  const std::map<std::string, std::set<std::string>> allowed = {
      {"sim/input", {}},
      {"sim/engine", {"sim/input"}},
      {"sim/output", {"sim/input", "sim/engine"}},
      {"sim/sweep", {"sim/input", "sim/engine", "sim/output", "sim/version.hpp"}},
      {"sim/record", {"sim/input", "sim/engine", "sim/output"}},
      {"sim", {"sim/input", "sim/engine", "sim/output", "sim/sweep", "sim/record", "sim/version.hpp"}},
  };
  std::size_t checked = 0;
  for (const auto& inc : includes("sim")) {
    CAPTURE(inc.from);
    CAPTURE(inc.to);
    const std::string from = folder_of(inc.from);
    if (starts_with(inc.to, "models/") || folder_of(inc.to) == from) continue;
    const auto& ok = allowed.at(from);
    CHECK((ok.count(folder_of(inc.to)) > 0 || ok.count(inc.to) > 0));
    ++checked;
  }
  CHECK(checked > 10);
}

TEST_CASE("layering: a model's unit tests need nothing of sim/") {
  std::size_t checked = 0;
  for (const auto& inc : includes("tests/models")) {
    CAPTURE(inc.from);
    CHECK_FALSE(starts_with(inc.to, "sim/"));
    ++checked;
  }
  CHECK(checked > 10);
}

TEST_CASE("no source line is longer than 120 columns") {
  for (const std::string top : {"models", "sim", "tests", "bench"})
    for (const auto& file : sources(top)) {
      std::ifstream in(foliosim::test::source_path(file));
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        // Columns, not bytes: count UTF-8 lead bytes only.
        std::size_t columns = 0;
        for (unsigned char c : line) columns += (c & 0xC0) != 0x80;
        if (columns > 120) FAIL_CHECK(file << ":" << number << " is " << columns << " columns");
      }
    }
}
