#include "sim/record/repetition.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "sim/engine/interruption.hpp"
#include "sim/engine/host_tools.hpp"
#include "sim/record/kernel_probe.hpp"
#include "sim/record/memory_cgroup.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/runner_process.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace foliosim::record {

namespace fs = std::filesystem;

namespace {

using workload::IoMode;

constexpr double kBusyLoad = 0.8;  // the kernel reference's threshold before each round

// queue/wbt_lat_usec of `disk`: blk-wbt's latency target, 0 when blk-wbt is off.
std::string wbt_lat_usec_path(const std::string& disk) { return "/sys/block/" + disk + "/queue/wbt_lat_usec"; }
long wbt_lat_usec(double seconds) { return std::lround(seconds * 1e6); }

// A loop device of ours gets the scenario's blk-wbt target
// (devices/*/wbt_latency), whatever the kernel gives a new one (the kernel
// reference's had 2 ms): the recording is of the device the scenario
// describes. Set before mkfs, so the device starts as a new one with it would.
void set_wbt_latency(const std::string& disk, double seconds) {
  const std::string path = wbt_lat_usec_path(disk);
  std::ofstream out(path);
  out << wbt_lat_usec(seconds);
  out.close();
  if (!out) throw std::runtime_error(path + ": cannot set blk-wbt's latency target (devices/*/wbt_latency)");
}

// Another device keeps its own; a target other than the scenario's is said.
void check_wbt_latency(const std::string& disk, double seconds) {
  try {
    const long has = std::stol(read_text_file(wbt_lat_usec_path(disk)));
    if (has != wbt_lat_usec(seconds))
      std::cerr << "record: warning: " << disk << "'s blk-wbt latency target (queue/wbt_lat_usec) is " << has
                << " us, the scenario's devices/*/wbt_latency is " << wbt_lat_usec(seconds)
                << " us: the recording's blk-wbt is not the model's\n";
  } catch (const std::exception&) {
  }
}

// Where /proc/mounts says `device` is mounted, "" if nowhere.
std::string mounted_at(const std::string& device) {
  std::error_code error;
  const fs::path real = fs::canonical(device, error);
  std::istringstream mounts(read_text_file("/proc/mounts"));
  std::string source, where, rest;
  while (mounts >> source >> where && std::getline(mounts, rest)) {
    std::error_code e;
    if (source == device || (!error && fs::canonical(source, e) == real)) return where;
  }
  return "";
}

Json to_json(const std::map<std::string, double>& values) {
  Json out = Json::object();
  for (const auto& [key, value] : values) out[key] = value;
  return out;
}

// Waits until the device has written nothing for 250 ms (at most 5 s), as the
// kernel reference did: the mount's and mkfs's writeback is over.
void wait_device_idle(const std::string& stat_path) {
  using clock = std::chrono::steady_clock;
  const auto give_up = clock::now() + std::chrono::seconds(5);
  BlockStat last = read_block_stat(stat_path);
  auto quiet_since = clock::now();
  while (clock::now() < give_up && clock::now() - quiet_since < std::chrono::milliseconds(250)) {
    throw_if_interrupted();
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const BlockStat now = read_block_stat(stat_path);
    if (now.write_requests != last.write_requests) quiet_since = clock::now();
    last = now;
  }
}

// The first touch of a page the host has not backed costs about 12 us on a
// virtual machine (kernel reference, caveats), and drop_caches hands pages
// back: write and delete a throwaway file of 1.5 times the workload's
// footprint on another filesystem, as the reference did, so the workload's
// page allocations find backed pages.
void pretouch_memory(const std::string& work_dir, std::uint64_t footprint_bytes) {
  const std::string path = work_dir + "/pretouch";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return;  // only a help to the measurement
  std::vector<char> chunk(1 << 20, 0x5a);
  for (std::uint64_t done = 0; done < footprint_bytes + footprint_bytes / 2; done += chunk.size())
    if (write(fd, chunk.data(), chunk.size()) <= 0) break;
  close(fd);
  unlink(path.c_str());  // its dirty pages are dropped, not written
}

void remove_job_files(const Scenario& scenario, const std::string& directory) {
  std::error_code ignored;
  for (const auto& job : scenario.jobs)
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone)
      fs::remove(fs::path(directory) / job.file_for_clone(clone), ignored);
}

std::string blkid_type(const std::string& device) {
  std::string type = run_tool({"blkid", "-o", "value", "-s", "TYPE", device}).output;
  while (!type.empty() && (type.back() == '\n' || type.back() == ' ')) type.pop_back();
  return type;
}

}  // namespace

const block_device::DeviceParams& filesystem_device(const Scenario& scenario) {
  for (const auto& device : scenario.devices)
    if (device.name == scenario.filesystem.device) return device;
  return scenario.devices.at(0);
}

std::string fs_type_name(const Scenario& scenario) {
  return scenario.filesystem.type == filesystem::FilesystemKind::kXfs ? "xfs" : "ext4";
}

Target parse_target(const std::string& option, bool format) {
  Target target;
  if (option.empty() || option == "loop") {
    if (format) throw Refused("--format: only with --target /dev/X (a loop device record makes is always formatted)");
    return target;
  }
  struct stat st {};
  if (stat(option.c_str(), &st) != 0)
    throw Refused("--target " + option + ": no such device or folder (use loop, /dev/X or an existing folder)");
  target.path = option;
  if (S_ISBLK(st.st_mode)) {
    target.kind = TargetKind::kDevice;
    target.format = format;
    const std::string where = mounted_at(option);
    if (!where.empty())
      throw Refused("--target " + option + ": is mounted at " + where +
                    ": record mounts the device itself; to write "
                    "on the mounted filesystem, name the folder: --target " +
                    where);
    return target;
  }
  if (!S_ISDIR(st.st_mode)) throw Refused("--target " + option + ": neither a block device nor a folder");
  if (format) throw Refused("--format: only with --target /dev/X, not with a folder (" + option + ")");
  target.kind = TargetKind::kDirectory;
  return target;
}

std::uint64_t workload_footprint_bytes(const Scenario& scenario) {
  std::map<std::string, std::uint64_t> ends;  // per file, the furthest byte
  for (const auto& job : scenario.jobs) {
    if (job.reads()) continue;
    const std::uint64_t end = job.random() ? job.offset_bytes + std::max(job.size_bytes, job.bs_bytes)
                                           : job.offset_bytes + job.write_calls() * job.stride_or_bs();
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
      auto& e = ends[job.file_for_clone(clone)];
      e = std::max(e, end);
    }
  }
  std::uint64_t total = 0;
  for (const auto& [file, end] : ends) total += end;
  return total;
}

Json device_state(const BlockDeviceInfo& device) {
  Json state;
  auto read_stats = [](const std::string& path) {
    try {
      return to_json(parse_debugfs_stats(read_text_file(path)));
    } catch (const std::runtime_error&) {
      return Json::object();
    }
  };
  state["bdi"] = read_stats(device.bdi_dir() + "/stats");
  state["wb"] = read_stats(device.bdi_dir() + "/wb_stats");
  state["wbt"] = to_json(read_wbt_state(device.wbt_dir()));
  if (!fs::is_directory(device.wbt_dir()))
    state["wbt_missing"] = device.wbt_dir() + " does not exist (blk-wbt off, or a kernel without CONFIG_BLK_DEBUG_FS)";
  // The queue limits the scenario's device parameters stand for (devices/N:
  // read_ahead, max_request_size, queue_depth, max_segments, wbt_latency).
  for (const char* limit : {"wbt_lat_usec", "read_ahead_kb", "max_sectors_kb", "nr_requests", "max_segments"}) {
    try {
      state[limit] = std::stod(read_text_file("/sys/block/" + device.disk_name + "/queue/" + limit));
    } catch (const std::exception&) {
    }
  }
  return state;
}

Json record_repetition(const RepetitionSetup& setup) {
  const Scenario& scenario = *setup.scenario;
  const std::string fs_type = fs_type_name(scenario);
  drop_caches();
  // Declared in the order they are made: unwinding unmounts, then detaches.
  std::optional<LoopDevice> loop;
  std::optional<TempDir> mount_point;
  std::optional<Mount> mount;
  std::string directory, device;
  switch (setup.target.kind) {
    case TargetKind::kLoop:
      loop.emplace(setup.image->path());
      device = loop->device();
      set_wbt_latency(fs::path(device).filename().string(), filesystem_device(scenario).wbt_latency_s);
      make_filesystem(device, fs_type, scenario.filesystem.block_bytes);
      setup.image->rewrite_unwritten_extents();
      break;
    case TargetKind::kDevice:
      device = setup.target.path;
      if (setup.target.format) {
        make_filesystem(device, fs_type, scenario.filesystem.block_bytes);
      } else if (blkid_type(device) != fs_type) {
        throw Refused("--target " + device + ": holds " +
                      (blkid_type(device).empty() ? std::string("no filesystem") : blkid_type(device)) +
                      ", the scenario's filesystem is " + fs_type + ": add --format to make one (erasing the device)");
      }
      break;
    case TargetKind::kDirectory:
      directory = setup.target.path;
      break;
  }
  if (!device.empty()) {
    mount_point.emplace(setup.work_dir);
    mount.emplace(device, mount_point->path(), fs_type);
    directory = mount_point->path();
  }
  remove_job_files(scenario, directory);
  struct stat where {};
  if (stat(directory.c_str(), &where) != 0) throw std::runtime_error(directory + ": cannot stat");
  const BlockDeviceInfo info = block_device_info(where.st_dev);
  if (setup.target.kind != TargetKind::kLoop)
    check_wbt_latency(info.disk_name, filesystem_device(scenario).wbt_latency_s);
  sync();
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the mount's work settles, as in the kernel reference

  struct statvfs room {};
  const std::uint64_t needed = workload_footprint_bytes(scenario);
  if (statvfs(directory.c_str(), &room) == 0 && static_cast<std::uint64_t>(room.f_bavail) * room.f_frsize < needed)
    throw Refused(directory + ": the target is too small: the workload writes " + std::to_string(needed >> 20) +
                  " MiB, the filesystem has " + std::to_string((room.f_bavail * room.f_frsize) >> 20) +
                  " MiB free (devices/*/capacity sets the loop device's size)");
  if (setup.probe) {
    bool dontcache = false;
    for (const auto& job : scenario.jobs) dontcache = dontcache || job.mode == IoMode::kDontcache;
    probe_kernel_features(directory, dontcache);
  }
  drop_caches();
  pretouch_memory(setup.work_dir, needed);
  wait_device_idle(info.stat_path);

  std::optional<MemoryCgroup> cgroup;
  if (scenario.page_cache.memory_limit_bytes > 0) cgroup.emplace(scenario.page_cache.memory_limit_bytes);
  Json spec;
  spec["scenario"] = resolved_json(scenario);
  spec["directory"] = directory;
  spec["device_stat"] = info.stat_path;
  Json result;
  result["device"] = info.name;
  // Other work on the machine's CPUs shows in the latencies; the kernel reference waited for a load below 0.8.
  double load[1] = {0};
  if (getloadavg(load, 1) == 1) {
    result["load_average_1min"] = load[0];
    if (load[0] > kBusyLoad)
      std::cerr << "record: warning: the 1-minute load average is " << load[0] << ": other work competes for the "
                << "CPUs and shows in the latencies\n";
  }
  result["device_state_start"] = device_state(info);
  result.update(run_runner(setup.runner, spec, setup.work_dir, cgroup ? cgroup->procs_file() : ""));
  result["device_state_end"] = device_state(info);
  if (setup.target.kind != TargetKind::kLoop) remove_job_files(scenario, directory);
  return result;
}

}  // namespace foliosim::record
