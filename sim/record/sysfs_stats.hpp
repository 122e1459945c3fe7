// The kernel's text counters `foliosim record` reads: a block device's
// /sys/block/<dev>/stat (Documentation/block/stat.rst) and debugfs's bdi
// files (/sys/kernel/debug/bdi/<maj:min>/stats and wb_stats, mm/backing-dev.c)
// and blk-wbt's state (/sys/kernel/debug/block/<dev>/rqos/wbt/*). Parsing is
// pure (the tests feed sample text); reading names the file that failed.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace foliosim::record {

struct BlockStat {
  std::uint64_t write_requests = 0;  // field 5: write I/Os completed
  std::uint64_t write_bytes = 0;     // field 7: sectors written, times 512
  std::uint64_t read_requests = 0;   // field 1: read I/Os completed
  std::uint64_t read_bytes = 0;      // field 3: sectors read, times 512
};

// Throws std::invalid_argument when `text` has fewer than 7 numeric fields.
BlockStat parse_block_stat(const std::string& text);

// "BdiWriteBandwidth:  102400 kBps" lines: kB become `<Key>_bytes` (times
// 1024), kBps `<Key>_Bps`, bare numbers keep their name. Only the first block
// of wb_stats (the root cgroup's wb, listed first) is read: a key seen again
// ends the parse.
std::map<std::string, double> parse_debugfs_stats(const std::string& text);

// The file's contents; throws std::runtime_error naming it.
std::string read_text_file(const std::string& path);

BlockStat read_block_stat(const std::string& stat_path);

// Every file of blk-wbt's debugfs folder that holds one number (wb_normal,
// wb_background, curr_win_nsec, min_lat_nsec, enabled, ...); empty when the
// folder is missing (blk-wbt off, or debugfs not mounted).
std::map<std::string, double> read_wbt_state(const std::string& wbt_dir);

}  // namespace foliosim::record
