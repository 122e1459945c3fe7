#include "sim/record/loop_target.hpp"

#include <fcntl.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <vector>

#include "sim/engine/host_tools.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"

namespace foliosim::record {

namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kChunkBytes = 1 << 20;
// Loop device numbers record adds from: above those a distribution creates
// at boot (max_loop, 8 by default) and those tools usually take.
constexpr int kFirstLoopNumber = 64;
constexpr int kLoopNumbers = 1024;

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

struct FdGuard {
  int fd;
  ~FdGuard() {
    if (fd >= 0) close(fd);
  }
};

// Zeros over [offset, offset + length), O_DIRECT in 1 MiB writes.
void write_zeros(int fd, std::uint64_t offset, std::uint64_t length, const std::string& path) {
  void* memory = nullptr;
  if (posix_memalign(&memory, 4096, kChunkBytes) != 0) throw std::runtime_error("out of memory");
  std::unique_ptr<void, decltype(&std::free)> buffer(memory, &std::free);
  std::memset(memory, 0, kChunkBytes);
  for (std::uint64_t done = 0; done < length;) {
    const std::uint64_t chunk = std::min(kChunkBytes, length - done);
    const ssize_t n = pwrite(fd, memory, chunk, static_cast<off_t>(offset + done));
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      throw std::runtime_error(path + ": cannot write the image: " + std::strerror(errno));
    }
    done += static_cast<std::uint64_t>(n);
  }
}

}  // namespace

TempDir::TempDir(const std::string& parent) {
  std::string pattern = parent + "/foliosim-record-XXXXXX";
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error(parent + ": cannot make a temporary folder: " + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

BackingImage::BackingImage(const std::string& path, std::uint64_t capacity_bytes) : path_(path) {
  struct statvfs room {};
  const std::string folder = fs::path(path).parent_path().string();
  if (statvfs(folder.c_str(), &room) == 0 &&
      static_cast<std::uint64_t>(room.f_bavail) * room.f_frsize < capacity_bytes + (256u << 20))
    throw Refused(folder + ": no room for the loop device's " + std::to_string(capacity_bytes >> 20) +
                  " MiB image (the scenario's device capacity) and 256 MiB to spare");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_DIRECT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": cannot create the image: " + std::strerror(errno));
  FdGuard guard{fd};
  write_zeros(fd, 0, capacity_bytes, path);
  if (fsync(fd) != 0) throw std::runtime_error(path + ": fsync failed: " + std::strerror(errno));
}

BackingImage::~BackingImage() { unlink(path_.c_str()); }

std::uint64_t BackingImage::rewrite_unwritten_extents() const {
  const int fd = open(path_.c_str(), O_RDWR | O_DIRECT | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(path_ + ": cannot open the image: " + std::strerror(errno));
  FdGuard guard{fd};
  constexpr std::size_t kExtents = 256;
  std::vector<char> memory(sizeof(fiemap) + kExtents * sizeof(fiemap_extent));
  auto* map = reinterpret_cast<fiemap*>(memory.data());
  std::uint64_t start = 0, rewritten = 0;
  for (bool last = false; !last;) {
    std::memset(memory.data(), 0, memory.size());
    map->fm_start = start;
    map->fm_length = ~0ULL;
    map->fm_flags = FIEMAP_FLAG_SYNC;
    map->fm_extent_count = kExtents;
    if (ioctl(fd, FS_IOC_FIEMAP, map) != 0) return rewritten;  // the host filesystem cannot say: nothing to do
    if (map->fm_mapped_extents == 0) break;
    for (std::uint32_t i = 0; i < map->fm_mapped_extents; ++i) {
      const fiemap_extent& e = map->fm_extents[i];
      if (e.fe_flags & FIEMAP_EXTENT_UNWRITTEN) {
        write_zeros(fd, e.fe_logical, e.fe_length, path_);
        rewritten += e.fe_length;
      }
      last = last || (e.fe_flags & FIEMAP_EXTENT_LAST);
      start = e.fe_logical + e.fe_length;
    }
  }
  if (rewritten > 0 && fsync(fd) != 0) throw std::runtime_error(path_ + ": fsync failed");
  return rewritten;
}

LoopDevice::LoopDevice(const std::string& image_path) {
  // A loop device added for us (LOOP_CTL_ADD, drivers/block/loop.c), not a
  // free existing one (losetup --find): an existing one keeps its bdi and
  // blk-wbt state from earlier runs, and is not ours to remove.
  const int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) throw Refused(std::string("/dev/loop-control: cannot open it: ") + std::strerror(errno));
  FdGuard guard{control};
  for (int n = kFirstLoopNumber; n < kFirstLoopNumber + kLoopNumbers && number_ < 0; ++n) {
    if (ioctl(control, LOOP_CTL_ADD, n) >= 0)
      number_ = n;
    else if (errno != EEXIST)
      throw std::runtime_error("/dev/loop-control: cannot add loop" + std::to_string(n) + ": " +
                               std::strerror(errno));
  }
  if (number_ < 0) throw std::runtime_error("/dev/loop-control: no free loop device number to add");
  device_ = "/dev/loop" + std::to_string(number_);
  try {
    run_tool_or_throw({"losetup", "--direct-io=on", device_, image_path});
  } catch (...) {
    remove_device();
    throw;
  }
}

LoopDevice::~LoopDevice() {
  run_tool({"losetup", "-d", device_});
  remove_device();
}

void LoopDevice::remove_device() const {
  const int control = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (control < 0) return;
  FdGuard guard{control};
  // The detach completes asynchronously: EBUSY for a moment after it.
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (ioctl(control, LOOP_CTL_REMOVE, number_) >= 0 || errno != EBUSY) return;
    usleep(20000);
  }
}

Mount::Mount(const std::string& device, const std::string& directory, const std::string& fs_type)
    : directory_(directory) {
  if (mount(device.c_str(), directory.c_str(), fs_type.c_str(), 0, nullptr) != 0)
    throw std::runtime_error("cannot mount " + device + " (" + fs_type + ") on " + directory + ": " +
                             std::strerror(errno));
}

Mount::~Mount() {
  // The runner is gone by now; a busy mount (someone else's shell in it) is detached.
  if (umount2(directory_.c_str(), 0) != 0) umount2(directory_.c_str(), MNT_DETACH);
}

BlockDeviceInfo block_device_info(dev_t dev) {
  const std::string id = std::to_string(major(dev)) + ":" + std::to_string(minor(dev));
  std::error_code error;
  const fs::path sys = fs::canonical("/sys/dev/block/" + id, error);
  if (error) throw std::runtime_error("device " + id + ": not a block device sysfs knows (/sys/dev/block/" + id + ")");
  BlockDeviceInfo info;
  info.name = sys.filename().string();
  info.stat_path = (sys / "stat").string();
  fs::path disk = sys;
  if (fs::exists(sys / "partition")) disk = sys.parent_path();  // a partition's bdi and queue are its disk's
  info.disk_name = disk.filename().string();
  info.maj_min = trimmed(read_text_file((disk / "dev").string()));
  return info;
}

void make_filesystem(const std::string& device, const std::string& fs_type, std::uint64_t block_bytes) {
  const std::string block = std::to_string(block_bytes);
  if (fs_type == "xfs") {
    std::vector<std::string> argv{"mkfs.xfs", "-f", "-K", "-q"};
    if (block_bytes != 4096) argv.insert(argv.end(), {"-b", "size=" + block});
    argv.push_back(device);
    run_tool_or_throw(argv);
  } else {
    std::vector<std::string> argv{"mkfs.ext4", "-F", "-q", "-E", "nodiscard,lazy_itable_init=0"};
    if (block_bytes != 4096) argv.insert(argv.end(), {"-b", block});
    argv.push_back(device);
    run_tool_or_throw(argv);
  }
}

}  // namespace foliosim::record
