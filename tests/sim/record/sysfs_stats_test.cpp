// Parsing the kernel's counters from sample text: /sys/block/<dev>/stat and
// debugfs's bdi stats and wb_stats (as Linux 6.18 prints them).
#include <doctest/doctest.h>

#include <stdexcept>

#include "sim/record/memory_cgroup.hpp"
#include "sim/record/sysfs_stats.hpp"

using namespace foliosim::record;

TEST_CASE("record: /sys/block/<dev>/stat: I/Os (fields 1 and 5) and sectors (fields 3 and 7) times 512") {
  const BlockStat stat = parse_block_stat(
      "  278435    36761 10860306   870174   126803   145179 38131056   155913        0    81012  1045559   112359"
      "       48 35081744    19403     1602       68\n");
  CHECK(stat.write_requests == 126803);
  CHECK(stat.write_bytes == 38131056ULL * 512);
  CHECK(stat.read_requests == 278435);
  CHECK(stat.read_bytes == 10860306ULL * 512);
  CHECK_THROWS_AS(parse_block_stat("1 2 3 4 5 6"), std::invalid_argument);
}

TEST_CASE("record: debugfs bdi stats: kB to bytes, kBps to bytes per second, counts as they are") {
  const auto stats = parse_debugfs_stats(
      "BdiWriteback:                0 kB\n"
      "BdiReclaimable:              0 kB\n"
      "BdiDirtyThresh:         584520 kB\n"
      "DirtyThresh:           4679220 kB\n"
      "BdiWriteBandwidth:      102400 kBps\n"
      "b_dirty:                     0\n"
      "bdi_list:                    1\n"
      "state:                       1\n");
  CHECK(stats.at("BdiDirtyThresh_bytes") == 584520.0 * 1024);
  CHECK(stats.at("DirtyThresh_bytes") == 4679220.0 * 1024);
  CHECK(stats.at("BdiWriteBandwidth_Bps") == 102400.0 * 1024);
  CHECK(stats.at("b_dirty") == 0);
  CHECK(stats.at("bdi_list") == 1);
  CHECK(stats.count("BdiWriteBandwidth") == 0);
}

TEST_CASE("record: debugfs wb_stats: the root cgroup's wb, listed first, only") {
  const auto stats = parse_debugfs_stats(
      "WbCgIno:                    1\n"
      "WbWriteBandwidth:      102400 kBps\n"
      "state:                      1\n"
      "\n"
      "WbCgIno:                 4242\n"
      "WbWriteBandwidth:       51200 kBps\n");
  CHECK(stats.at("WbCgIno") == 1);
  CHECK(stats.at("WbWriteBandwidth_Bps") == 102400.0 * 1024);
}

TEST_CASE("record: the cgroup v1 hierarchy that holds the memory controller, from /proc/mounts") {
  const std::string mounts =
      "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0\n"
      "cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\n"
      "cgroup /sys/fs/cgroup/memory cgroup rw,nosuid,relatime,memory 0 0\n"
      "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n";
  CHECK(foliosim::record::v1_memory_mount_in(mounts) == "/sys/fs/cgroup/memory");
  // memory_recursiveprot is a cgroup2 option, not the v1 controller.
  CHECK(foliosim::record::v1_memory_mount_in("cgroup2 /sys/fs/cgroup cgroup2 rw,memory_recursiveprot 0 0\n").empty());
}
