// What `foliosim record` creates to write on, each a guard that undoes itself
// on every way out (normal end, error, SIGINT/SIGTERM unwinding): a private
// temporary folder, a fully written backing image, a loop device attached to
// it with direct I/O (losetup --direct-io=on: no host page cache between the
// loop device and the image), and a mount. Declared in that order, they are
// torn down in the reverse one.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

namespace foliosim::record {

// A folder of our own under `parent` (mkdtemp), removed with what it holds.
class TempDir {
 public:
  explicit TempDir(const std::string& parent);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A file of `capacity_bytes` written with data end to end (O_DIRECT, then
// fsync): no holes or unwritten extents in the host filesystem, so the loop
// device's speed does not depend on what was written before (the kernel
// reference's image). Refused when the folder's filesystem has not the room.
class BackingImage {
 public:
  BackingImage(const std::string& path, std::uint64_t capacity_bytes);
  ~BackingImage();
  BackingImage(const BackingImage&) = delete;
  BackingImage& operator=(const BackingImage&) = delete;
  const std::string& path() const { return path_; }
  // mkfs zeroes its log and tables through the loop driver as
  // FALLOC_FL_ZERO_RANGE, which leaves unwritten extents in the image: write
  // them with zeros again (FS_IOC_FIEMAP, FIEMAP_EXTENT_UNWRITTEN), so every
  // run overwrites written blocks. Returns the bytes rewritten.
  std::uint64_t rewrite_unwritten_extents() const;

 private:
  std::string path_;
};

// A new loop device (a new gendisk: a new bdi and blk-wbt instance) on the
// image, added for the repetition and removed after it.
class LoopDevice {
 public:
  explicit LoopDevice(const std::string& image_path);
  ~LoopDevice();
  LoopDevice(const LoopDevice&) = delete;
  LoopDevice& operator=(const LoopDevice&) = delete;
  const std::string& device() const { return device_; }  // /dev/loopN

 private:
  void remove_device() const;
  int number_ = -1;
  std::string device_;
};

class Mount {
 public:
  Mount(const std::string& device, const std::string& directory, const std::string& fs_type);
  ~Mount();
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;
  const std::string& directory() const { return directory_; }

 private:
  std::string directory_;
};

// Where a block device's counters and state are.
struct BlockDeviceInfo {
  std::string name;       // loop0, nvme0n1p2
  std::string disk_name;  // the whole disk's (its bdi and blk-wbt): loop0, nvme0n1
  std::string maj_min;    // of the disk: "7:0"
  std::string stat_path;  // /sys/class/block/<name>/stat
  std::string bdi_dir() const { return "/sys/kernel/debug/bdi/" + maj_min; }
  std::string wbt_dir() const { return "/sys/kernel/debug/block/" + disk_name + "/rqos/wbt"; }
};

// The device `dev` (a st_rdev or st_dev); throws std::runtime_error when sysfs has none.
BlockDeviceInfo block_device_info(dev_t dev);

// mkfs.xfs -f -K / mkfs.ext4 -F -E nodiscard,lazy_itable_init=0 (the kernel
// reference's: a discard would punch holes in the image; the inode tables are
// zeroed now, not during the measurement); `block_bytes` when not 4 KiB.
void make_filesystem(const std::string& device, const std::string& fs_type, std::uint64_t block_bytes);

}  // namespace foliosim::record
