#include "sim/record/sysfs_stats.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace foliosim::record {

BlockStat parse_block_stat(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::uint64_t> fields;
  std::uint64_t value = 0;
  while (in >> value) fields.push_back(value);
  if (fields.size() < 7)
    throw std::invalid_argument("a block device stat line needs at least 7 numbers, this one has " +
                                std::to_string(fields.size()));
  constexpr std::uint64_t kSectorBytes = 512;  // the stat file counts 512-byte sectors whatever the device's
  return BlockStat{fields[4], fields[6] * kSectorBytes, fields[0], fields[2] * kSectorBytes};
}

std::map<std::string, double> parse_debugfs_stats(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    const std::string key = line.substr(0, colon);
    std::istringstream rest(line.substr(colon + 1));
    double value = 0;
    std::string unit;
    if (key.empty() || key.find(' ') != std::string::npos || !(rest >> value)) continue;
    rest >> unit;
    const double kKiB = 1024;
    std::string name = key;
    if (unit == "kB") {
      name += "_bytes";
      value *= kKiB;
    } else if (unit == "kBps") {
      name += "_Bps";
      value *= kKiB;
    }
    if (out.count(name)) break;  // the next cgroup wb's block of wb_stats
    out[name] = value;
  }
  return out;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot read it");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

BlockStat read_block_stat(const std::string& stat_path) {
  try {
    return parse_block_stat(read_text_file(stat_path));
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(stat_path + ": " + e.what());
  }
}

std::map<std::string, double> read_wbt_state(const std::string& wbt_dir) {
  std::map<std::string, double> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(wbt_dir, error)) {
    std::ifstream in(entry.path());
    std::string word, extra;
    if (!(in >> word) || in >> extra) continue;  // several values (inflight): not one figure
    try {
      std::size_t used = 0;
      const double value = std::stod(word, &used);
      if (used == word.size()) out[entry.path().filename().string()] = value;
    } catch (const std::exception&) {
    }
  }
  return out;
}

}  // namespace foliosim::record
