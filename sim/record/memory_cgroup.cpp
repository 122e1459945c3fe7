#include "sim/record/memory_cgroup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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

std::string v1_memory_mount_in(const std::string& mounts_text) {
  std::istringstream mounts(mounts_text);
  std::string device, where, type, options, rest;
  while (mounts >> device >> where >> type >> options && std::getline(mounts, rest)) {
    std::replace(options.begin(), options.end(), ',', ' ');
    if (type == "cgroup" && has_word(options, "memory")) return where;
  }
  return "";
}

std::string cgroup_v1_memory_root() { return v1_memory_mount_in(read_text_file("/proc/mounts")); }

MemoryHierarchy require_memory_cgroup() {
  const std::string root = cgroup2_root();
  std::string controllers;
  if (!root.empty()) {
    controllers = read_text_file(root + "/cgroup.controllers");
    controllers = controllers.substr(0, controllers.find('\n'));
    if (has_word(controllers, "memory")) return {root, 2};
  }
  const std::string v1 = cgroup_v1_memory_root();
  if (!v1.empty()) return {v1, 1};
  throw Refused(
      "the scenario sets page_cache/memory_limit, which record enforces with a memory cgroup, and "
      "neither a cgroup2 hierarchy with the memory controller" +
      (root.empty() ? std::string(" (none is mounted)")
                    : " (" + root + " offers: " + (controllers.empty() ? "none" : controllers) + ")") +
      " nor a cgroup v1 memory hierarchy is mounted");
}

bool has_cgroup_writeback(const MemoryHierarchy& hierarchy) {
  if (hierarchy.version != 2) return false;
  const std::string controllers = read_text_file(hierarchy.root + "/cgroup.controllers");
  return has_word(controllers.substr(0, controllers.find('\n')), "io");
}

MemoryCgroup::MemoryCgroup(std::uint64_t limit_bytes) {
  const MemoryHierarchy hierarchy = require_memory_cgroup();
  if (hierarchy.version == 2 && !has_word(read_text_file(hierarchy.root + "/cgroup.subtree_control"), "memory"))
    write_file(hierarchy.root + "/cgroup.subtree_control", "+memory");
  path_ = hierarchy.root + "/foliosim-record-" + std::to_string(getpid());
  if (mkdir(path_.c_str(), 0755) != 0)
    throw std::runtime_error(path_ + ": cannot create the cgroup: " + std::strerror(errno));
  try {
    write_file(path_ + (hierarchy.version == 2 ? "/memory.max" : "/memory.limit_in_bytes"),
               std::to_string(limit_bytes));
  } catch (...) {
    rmdir(path_.c_str());
    throw;
  }
  try {  // only with swap accounting; without swap there is nothing to limit
    if (hierarchy.version == 2) write_file(path_ + "/memory.swap.max", "0");
  } catch (const std::runtime_error&) {
  }
}

MemoryCgroup::~MemoryCgroup() { rmdir(path_.c_str()); }

}  // namespace foliosim::record
