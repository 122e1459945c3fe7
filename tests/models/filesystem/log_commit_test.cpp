// fsync's commit of the running transaction: what each filesystem writes to
// its log, and where.
#include <doctest/doctest.h>

#include <vector>

#include "models/filesystem/filesystem.hpp"
#include "tests/models/model_test_support.hpp"

using namespace foliosim;
using namespace foliosim::filesystem;
using namespace foliosim::test;

namespace {
FilesystemParams params_of(FilesystemKind type, bool log_writes = true) {
  FilesystemParams params;
  params.device = "dev0";
  params.type = type;
  params.log_writes = log_writes;
  return params;
}

std::vector<std::uint64_t> sizes(const std::vector<Segment>& writes) {
  std::vector<std::uint64_t> out;
  for (const auto& w : writes) out.push_back(w.length_bytes);
  return out;
}
}  // namespace

TEST_CASE("ext4 commits a descriptor, its metadata and a bitmap per block group allocated in, then a commit block;"
          " the first commit since mount updates the journal superblock first") {
  Filesystem fs(params_of(FilesystemKind::kExt4), 2 * GiB);
  File& f = fs.open("f");
  CHECK(fs.commit().empty());  // nothing allocated: nothing to commit
  fs.map_for_write(f, 0, 256 * MiB);  // 65536 blocks: groups 0 and 1 (32768 blocks each)
  const auto writes = fs.commit();
  CHECK(sizes(writes) == std::vector<std::uint64_t>{4 * KiB, (1 + 5 + 2) * 4 * KiB, 4 * KiB});
  // In the middle of the device, one after the other.
  CHECK(writes[0].device_offset_bytes == 1 * GiB);
  CHECK(writes[1].device_offset_bytes == 1 * GiB + 4 * KiB);
  CHECK(writes[2].device_offset_bytes == 1 * GiB + 36 * KiB);
  CHECK(fs.commit().empty());  // committed: the next fsync has nothing to write
  fs.map_for_write(f, 256 * MiB, 4 * KiB);  // one block, in group 2; the superblock is up to date
  CHECK(sizes(fs.commit()) == std::vector<std::uint64_t>{(1 + 5 + 1) * 4 * KiB, 4 * KiB});
}

TEST_CASE("XFS forces one log record of xfs_log_record_size; overwrites commit nothing") {
  Filesystem fs(params_of(FilesystemKind::kXfs), 2 * GiB);
  File& f = fs.open("f");
  fs.map_for_write(f, 0, 1 * MiB);
  CHECK(sizes(fs.commit()) == std::vector<std::uint64_t>{3 * KiB});
  fs.map_for_write(f, 0, 1 * MiB);  // written blocks again: no transaction
  CHECK(fs.commit().empty());
  Filesystem quiet(params_of(FilesystemKind::kXfs, false), 2 * GiB);
  quiet.map_for_write(quiet.open("f"), 0, 1 * MiB);
  CHECK(quiet.commit().empty());
}
