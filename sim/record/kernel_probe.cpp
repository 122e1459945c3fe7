#include "sim/record/kernel_probe.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "sim/input/config_error.hpp"
#include "sim/engine/host_tools.hpp"
#include "sim/record/memory_cgroup.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"
#include "sim/record/workload_runner.hpp"

namespace foliosim::record {

namespace {

constexpr long kSysCachestat = 451;  // x86_64, Linux 6.5

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// The scenario's path and value for a refusal.
[[noreturn]] void refuse(const std::string& file, const std::string& variant, const std::string& path,
                         const std::string& why) {
  throw Refused(file + ": " + path + " (variant " + variant + "): " + why);
}

}  // namespace

void require_root(unsigned effective_uid) {
  if (effective_uid != 0)
    throw Refused("foliosim record needs root: it creates loop devices, formats and mounts filesystems, drops the "
                  "page cache and reads debugfs; run it as root (or with sudo)");
}

void require_tools(const std::string& fs_type, bool make_loop_device, bool make_filesystem) {
  if (make_loop_device && !tool_exists("losetup"))
    throw Refused("losetup is missing (Debian: apt-get install util-linux; scripts/setup.sh installs it)");
  if (make_filesystem && !tool_exists("mkfs." + fs_type))
    throw Refused("mkfs." + fs_type + " is missing (Debian: apt-get install " +
                  (fs_type == "xfs" ? "xfsprogs" : "e2fsprogs") + "; scripts/setup.sh installs it)");
}

void check_reproducible(const Scenario& s, const std::string& file, const std::string& variant) {
  const Scenario today;  // the defaults are today's kernel (models/page_cache/page_cache_params.hpp)
  const std::string kernel = "this kernel cannot be made to behave otherwise than ";
  if (s.page_cache.dontcache_kick != today.page_cache.dontcache_kick)
    refuse(file, variant, "page_cache/dontcache_kick",
           "flusher submission of dontcache kicks is Jeff Layton's posted series, not a merged kernel's: " + kernel +
               "inline");
  if (s.page_cache.dontcache_kick_range != today.page_cache.dontcache_kick_range)
    refuse(file, variant, "page_cache/dontcache_kick_range", kernel + "\"written\" (commit 8510edf191d2)");
  if (s.page_cache.dropbehind_on_error != today.page_cache.dropbehind_on_error)
    refuse(file, variant, "page_cache/dropbehind_on_error", kernel + "\"drop\"");
  if (s.page_cache.dontcache_error_report != today.page_cache.dontcache_error_report)
    refuse(file, variant, "page_cache/dontcache_error_report", kernel + "\"fsync\"");
  if (!s.page_cache.large_folios)
    refuse(file, variant, "page_cache/large_folios", "large folios cannot be turned off on a running kernel");
  if (s.filesystem.zeroing != today.filesystem.zeroing)
    refuse(file, variant, "filesystem/zeroing", "the running kernel (6.10 or later) zeroes the EOF block only");
  if (s.filesystem.completion_context != today.filesystem.completion_context)
    refuse(file, variant, "filesystem/completion_context", kernel + "\"auto\" (where the filesystem completes)");
  if (s.filesystem.zero_range_dropbehind)
    refuse(file, variant, "filesystem/zero_range_dropbehind", "a suggested change no kernel has");
  if (!s.filesystem.dontcache_supported)
    refuse(file, variant, "filesystem/dontcache_supported",
           "xfs and ext4 support RWF_DONTCACHE on the kernels that have it");
  for (std::size_t d = 0; d < s.devices.size(); ++d)
    if (!s.devices[d].write_errors.empty())
      refuse(file, variant, join_path(join_path("devices", d), "write_errors"),
             "write errors cannot be injected into a loop device");
  for (std::size_t j = 0; j < s.jobs.size(); ++j)
    if (!s.jobs[j].device.empty() && s.jobs[j].device != s.filesystem.device)
      refuse(file, variant, join_path(join_path("workload/jobs", j), "device"),
             "jobs on a second device: record writes on one target");
  // foliosim-runner starts every clone at once and lays out no file (so
  // invalidate, which then finds nothing cached, needs no refusal).
  if (!s.files.empty())
    refuse(file, variant, "workload/files", "files that exist before the run: the runner starts with none");
  for (std::size_t j = 0; j < s.jobs.size(); ++j) {
    const auto& job = s.jobs[j];
    const char* field = job.stonewall           ? "stonewall"
                        : !job.wait_for.empty() ? "wait_for"
                        : !job.before.empty()   ? "before"
                        : job.pre_read          ? "pre_read"
                                                : nullptr;
    if (field)
      refuse(file, variant, join_path(join_path("workload/jobs", j), field),
             "phases, steps and cache preparation: the runner starts every job at once");
  }
  // The writeback sysctls are the machine's: refuse rather than change them.
  const std::pair<const char*, std::pair<double, const char*>> sysctls[] = {
      {"writeback/dirty_ratio", {s.writeback.dirty_ratio_percent, "dirty_ratio"}},
      {"writeback/dirty_background_ratio", {s.writeback.dirty_background_ratio_percent, "dirty_background_ratio"}},
      {"writeback/dirty_writeback_interval",
       {s.writeback.dirty_writeback_interval_s * 100, "dirty_writeback_centisecs"}},
      {"writeback/dirty_expire", {s.writeback.dirty_expire_s * 100, "dirty_expire_centisecs"}}};
  for (const auto& [path, wanted] : sysctls) {
    const long actual = vm_sysctl(wanted.second);
    if (actual >= 0 && std::llround(wanted.first) != actual)
      refuse(file, variant, path,
             std::string("the machine has vm.") + wanted.second + " = " + std::to_string(actual) + ", the scenario " +
                 std::to_string(std::llround(wanted.first)) + ": set the sysctl (sysctl -w vm." + wanted.second +
                 "=...) or the scenario's value");
  }
  if ((vm_sysctl("dirty_bytes") > 0 || vm_sysctl("dirty_background_bytes") > 0))
    refuse(file, variant, "writeback/dirty_ratio",
           "the machine sets vm.dirty_bytes or vm.dirty_background_bytes, which the scenario cannot express");
  if (s.page_cache.memory_limit_bytes > 0) {
    const bool machine_has = has_cgroup_writeback(require_memory_cgroup());
    if (machine_has != s.page_cache.cgroup_writeback)
      refuse(file, variant, "page_cache/cgroup_writeback",
             machine_has ? "this machine's memory cgroup is on cgroup v2 with the io controller, so it has its own "
                           "writeback domain: set it true"
                         : "this machine's memory controller is on cgroup v1 (or cgroup v2 without the io "
                           "controller): no cgroup writeback, set it false");
  }
}

void probe_kernel_features(const std::string& directory, bool dontcache) {
  const std::string path = directory + "/.foliosim-probe";
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot create: " + std::strerror(errno));
  auto done = [&] {
    close(fd);
    unlink(path.c_str());
  };
  struct {
    std::uint64_t off, len;
  } range{0, 0};
  std::uint64_t result[5] = {};
  if (syscall(kSysCachestat, fd, &range, result, 0) != 0 && errno == ENOSYS) {
    done();
    throw Refused("this kernel has no cachestat(2) (ENOSYS; Linux 6.5 or later): record samples the cache with it");
  }
  if (dontcache) {
    char buffer[4096] = {};
    iovec iov{buffer, sizeof buffer};
    if (pwritev2(fd, &iov, 1, 0, kRwfDontcache) < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
      const int error = errno;
      done();
      throw Refused(std::string("pwritev2(RWF_DONTCACHE) failed with ") + (error == EINVAL ? "EINVAL" : "EOPNOTSUPP") +
                    " on " + directory + ": the scenario's dontcache jobs need Linux 6.14 or later and a filesystem "
                    "that supports it");
    }
  }
  done();
}

void drop_caches() {
  sync();
  std::ofstream out("/proc/sys/vm/drop_caches");
  out << "3\n";
  out.close();
  if (!out) throw std::runtime_error("/proc/sys/vm/drop_caches: cannot write (not root?)");
}

long vm_sysctl(const std::string& name) {
  std::ifstream in("/proc/sys/vm/" + name);
  long value = -1;
  if (!(in >> value)) return -1;
  return value;
}

DebugfsMount::DebugfsMount() {
  const char* root = "/sys/kernel/debug";
  if (std::filesystem::exists(std::string(root) + "/bdi")) {
    available_ = true;
    return;
  }
  if (mount("debugfs", root, "debugfs", 0, nullptr) == 0) {
    mounted_here_ = true;
    available_ = std::filesystem::exists(std::string(root) + "/bdi");
  }
}

DebugfsMount::~DebugfsMount() {
  if (mounted_here_) umount2("/sys/kernel/debug", MNT_DETACH);
}

Json machine_info() {
  Json info;
  utsname name{};
  uname(&name);
  info["kernel_release"] = name.release;
  info["kernel_version"] = name.version;
  info["machine"] = name.machine;
  if (tool_exists("mkfs.xfs")) info["mkfs_xfs_version"] = first_line(run_tool({"mkfs.xfs", "-V"}).output);
  if (tool_exists("mke2fs")) info["mke2fs_version"] = first_line(run_tool({"mke2fs", "-V"}).output);
  for (const char* sysctl : {"dirty_ratio", "dirty_background_ratio", "dirty_bytes", "dirty_background_bytes",
                             "dirty_expire_centisecs", "dirty_writeback_centisecs", "swappiness", "min_free_kbytes"})
    info["vm"][sysctl] = vm_sysctl(sysctl);
  try {
    const auto meminfo = parse_debugfs_stats(read_text_file("/proc/meminfo"));
    info["mem_total_bytes"] = meminfo.at("MemTotal_bytes");
  } catch (const std::exception&) {
  }
  info["cpus"] = sysconf(_SC_NPROCESSORS_ONLN);
  return info;
}

}  // namespace foliosim::record
