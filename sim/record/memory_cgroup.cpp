#include "sim/record/memory_cgroup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace foliosim::record {

namespace {

bool has_word(const std::string& text, const std::string& word) {
  std::istringstream in(text);
  std::string w;
  while (in >> w)
    if (w == word) return true;
  return false;
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot write \"" + text + "\"");
}

}  // namespace

std::string cgroup2_root() {
  std::istringstream mounts(read_text_file("/proc/mounts"));
  std::string device, where, type, rest;
  while (mounts >> device >> where >> type && std::getline(mounts, rest))
    if (type == "cgroup2") return where;
  return "";
}

std::string require_memory_cgroup() {
  const std::string root = cgroup2_root();
  if (root.empty())
    throw Refused("the scenario sets page_cache/memory_limit, which record enforces with a cgroup v2 memory.max, "
                  "and no cgroup2 filesystem is mounted");
  std::string controllers = read_text_file(root + "/cgroup.controllers");
  controllers = controllers.substr(0, controllers.find('\n'));
  if (!has_word(controllers, "memory"))
    throw Refused("the scenario sets page_cache/memory_limit, which record enforces with a cgroup v2 memory.max, "
                  "and the cgroup2 hierarchy at " + root + " has no memory controller (it offers: " +
                  (controllers.empty() ? std::string("none") : controllers) +
                  "; the memory controller is on a cgroup v1 hierarchy)");
  return root;
}

MemoryCgroup::MemoryCgroup(std::uint64_t limit_bytes) {
  const std::string root = require_memory_cgroup();
  if (!has_word(read_text_file(root + "/cgroup.subtree_control"), "memory"))
    write_file(root + "/cgroup.subtree_control", "+memory");
  path_ = root + "/foliosim-record-" + std::to_string(getpid());
  if (mkdir(path_.c_str(), 0755) != 0)
    throw std::runtime_error(path_ + ": cannot create the cgroup: " + std::strerror(errno));
  try {
    write_file(path_ + "/memory.max", std::to_string(limit_bytes));
  } catch (...) {
    rmdir(path_.c_str());
    throw;
  }
  try {  // only with swap accounting; without swap there is nothing to limit
    write_file(path_ + "/memory.swap.max", "0");
  } catch (const std::runtime_error&) {
  }
}

MemoryCgroup::~MemoryCgroup() { rmdir(path_.c_str()); }

}  // namespace foliosim::record
