// `foliosim record` on the machine's own kernel (ctest label `kernel`): a
// 16 MiB write, buffered and RWF_DONTCACHE on ext4, 2 repetitions, and the
// recorded figures checked against each other: the application wrote what
// the job says, in size/bs calls; the device got at least the file by the
// end of fsync; a buffered write phase leaves the whole file cached; a
// dontcache file is gone from the cache after fsync; nothing record made
// (loop devices, mounts, temporary folders) is left. Exits 77 (ctest's
// SKIP_RETURN_CODE) and says why when the machine cannot run it: not root,
// no loop devices, no mkfs.ext4, no cachestat(2).
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "sim/engine/host_tools.hpp"
#include "sim/input/json_fields.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace fs = std::filesystem;
using foliosim::Json;

namespace {

constexpr int kSkip = 77;
constexpr std::uint64_t kFileBytes = 16 << 20;
constexpr std::uint64_t kBlockBytes = 1 << 20;
int failures = 0;

void check(bool ok, const std::string& what) {
  std::cout << (ok ? "ok:   " : "FAIL: ") << what << "\n";
  if (!ok) ++failures;
}

int skip(const std::string& why) {
  std::cout << "skipped: " << why << "\n";
  return kSkip;
}

// The lines of `text` that name something `record` makes (its temporary folders).
std::set<std::string> ours(const std::string& text) {
  std::set<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (line.find("foliosim-record-") != std::string::npos) out.insert(line);
  return out;
}

std::set<std::string> temp_entries() {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator(fs::temp_directory_path()))
    if (entry.path().filename().string().rfind("foliosim-record-", 0) == 0) out.insert(entry.path().string());
  return out;
}

// The loop device nodes: record adds its own and removes them.
std::set<std::string> loop_nodes() {
  std::set<std::string> out;
  for (const auto& entry : fs::directory_iterator("/dev"))
    if (entry.path().filename().string().rfind("loop", 0) == 0) out.insert(entry.path().string());
  return out;
}

double at(const Json& variant, const std::string& pointer, const char* which) {
  return variant.at(Json::json_pointer(pointer)).at(which).get<double>();
}

}  // namespace

int main() {
  if (geteuid() != 0) return skip("needs root (loop devices, mkfs, mount, drop_caches)");
  if (!fs::exists("/dev/loop-control")) return skip("no /dev/loop-control: no loop devices");
  if (!foliosim::tool_exists("mkfs.ext4")) return skip("no mkfs.ext4 (apt-get install e2fsprogs)");
  if (!foliosim::tool_exists("losetup")) return skip("no losetup (apt-get install util-linux)");
  if (syscall(451, -1, nullptr, nullptr, 0) != 0 && errno == ENOSYS)  // cachestat(2): EBADF when present
    return skip("this kernel has no cachestat(2) (Linux 6.5 or later)");

  const fs::path dir = fs::temp_directory_path() / ("foliosim-kernel-test-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    std::ofstream scenario(dir / "small.json");
    scenario << R"({ "name": "record-small", "seed": 1,
  "devices": [ { "name": "loop0", "capacity": "256MiB", "wbt_latency": "3ms" } ],
  "filesystem": { "type": "ext4", "device": "loop0" },
  "workload": { "jobs": [ { "name": "writer", "rw": "write", "bs": "1MiB", "size": "16MiB",
                            "mode": "buffered", "end_fsync": true } ] },
  "variants": [ { "name": "buffered", "set": {} },
                { "name": "dontcache", "set": { "workload/jobs/0/mode": "dontcache" } } ] })";
  }
  const std::string loops_before = foliosim::run_tool({"losetup", "-a"}).output;
  const std::string mounts_before = foliosim::record::read_text_file("/proc/mounts");
  const auto temps_before = temp_entries();
  const auto nodes_before = loop_nodes();

  const std::string command = std::string(FOLIOSIM_BINARY) + " record " + (dir / "small.json").string() +
                              " --reps 2 -o " + (dir / "out").string() + " >" + (dir / "log").string() + " 2>&1";
  const int status = std::system(command.c_str());
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  const std::string log = foliosim::record::read_text_file((dir / "log").string());
  std::cout << log;
  if (code == 2 && log.find("RWF_DONTCACHE") != std::string::npos) {
    fs::remove_all(dir);
    return skip("this kernel or ext4 has no RWF_DONTCACHE (Linux 6.14 or later)");
  }
  check(code == 0, "foliosim record exits 0 (got " + std::to_string(code) + ")");
  if (code == 0) {
    const Json summary = Json::parse(foliosim::record::read_text_file((dir / "out/summary.json").string()));
    check(fs::exists(dir / "out/.foliosim-recorded"), "the directory is marked as recorded");
    check(summary.value("recorded_on", "") == "real kernel", "summary.json says recorded_on: real kernel");
    for (const auto& v : summary.at("variants")) {
      const std::string name = v.at("variant").get<std::string>();
      check(v.at("write_phase_s").at("reps").size() == 2, name + ": two repetitions");
      check(at(v, "/app_write_bytes", "min") == kFileBytes && at(v, "/app_write_bytes", "max") == kFileBytes,
            name + ": app_write_bytes == size");
      check(at(v, "/write_calls", "min") == kFileBytes / kBlockBytes &&
                at(v, "/write_calls", "max") == kFileBytes / kBlockBytes,
            name + ": write_calls == size / bs");
      check(at(v, "/device_write_bytes", "min") >= kFileBytes, name + ": device bytes >= file size after fsync");
      check(at(v, "/fsync_calls", "min") == 1, name + ": one fsync");
      if (name == "buffered")
        check(at(v, "/after_write_phase/cached_bytes", "min") == kFileBytes &&
                  at(v, "/after_write_phase/dirty_bytes", "min") == kFileBytes,
              name + ": the whole file cached and dirty after the write phase");
      if (name == "dontcache")
        check(at(v, "/after_fsync/cached_bytes", "max") == 0, name + ": nothing cached after fsync");
      // The queue's limits, which the scenario's device parameters stand for (a
      // loop device reads ahead and splits at least a page).
      check(at(v.at("device_state_start"), "/read_ahead_kb", "min") >= 4 &&
                at(v.at("device_state_start"), "/max_sectors_kb", "min") >= 4,
            name + ": the queue's read_ahead_kb and max_sectors_kb recorded");
      // blk-wbt as the scenario has it (devices/0/wbt_latency), not as the kernel makes a new loop
      // device (2 ms on the reference's).
      check(at(v.at("device_state_start"), "/wbt_lat_usec", "min") == 3000 &&
                at(v.at("device_state_start"), "/wbt_lat_usec", "max") == 3000,
            name + ": the loop device's blk-wbt latency target is the scenario's 3 ms");
      // The file was written, not read: the device read (almost) nothing of it.
      check(at(v, "/device_read_bytes", "max") < kFileBytes, name + ": device reads recorded, below the file size");
      const Json& start = v.at("device_state_start").at("wb");
      if (start.contains("WbWriteBandwidth_Bps"))  // a new device's estimate, INIT_BW (mm/backing-dev.c), near
        check(at(start, "/WbWriteBandwidth_Bps", "max") <= 1.25 * (100 << 20),
              name + ": each repetition's loop device is new (its bdi's bandwidth estimate near 100 MiB/s)");
    }
  }
  const auto loops_after = ours(foliosim::run_tool({"losetup", "-a"}).output);
  const auto mounts_after = ours(foliosim::record::read_text_file("/proc/mounts"));
  check(loops_after == ours(loops_before), "no loop device record made is left (losetup -a)");
  check(mounts_after == ours(mounts_before), "no mount record made is left (/proc/mounts)");
  check(temp_entries() == temps_before, "no temporary folder record made is left");
  check(loop_nodes() == nodes_before, "the loop devices record added are removed (/dev/loop*)");
  fs::remove_all(dir);
  std::cout << (failures ? "FAILED: " + std::to_string(failures) + " checks\n" : "passed\n");
  return failures ? 1 : 0;
}
