#include "models/filesystem/buffered_io.hpp"

#include <simgrid/s4u/Engine.hpp>

namespace foliosim::filesystem {

BufferedIo::BufferedIo(cpu::Cpu& cpu, Filesystem& fs, page_cache::PageCache& cache, reclaim::Reclaim& reclaim,
                       writeback::Writeback& writeback, writeback::DirtyThrottle& throttle,
                       double write_bandwidth_Bps, std::function<void()> on_change)
    : cpu_(cpu),
      fs_(fs),
      cache_(cache),
      reclaim_(reclaim),
      writeback_(writeback),
      throttle_(throttle),
      write_bandwidth_Bps_(write_bandwidth_Bps),
      on_change_(std::move(on_change)) {
  const auto& c = cpu.costs();
  const bool xfs = fs.params().type == "xfs";
  per_call_s_ = xfs ? c.xfs_write_per_call_s : c.ext4_write_per_call_s;
  per_block_s_ = xfs ? c.xfs_write_per_block_s : c.ext4_write_per_block_s;
}

void BufferedIo::attach(File& file) {
  if (!file.cache) file.cache = &cache_.file(fs_.params().device + ":" + file.name);
}

WriteTimes BufferedIo::write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                             writeback::Dirtier& task, cpu::CpuBatch& batch) {
  attach(file);
  WriteTimes times;
  // Folio allocation charges memory first; it may reclaim in this task.
  const std::uint64_t missing = cache_.missing_pages(*file.cache, offset_bytes, length_bytes);
  if (missing > 0) {
    if (reclaim_.must_reclaim(missing)) batch.flush();
    times.reclaim_s = reclaim_.charge(missing);
  }

  const auto result = cache_.write(*file.cache, offset_bytes, length_bytes, simgrid::s4u::Engine::get_clock());
  file.size_bytes = std::max(file.size_bytes, offset_bytes + length_bytes);
  on_change_();

  const auto& c = cpu_.costs();
  const std::uint64_t blocks = (offset_bytes % fs_.params().block_bytes + length_bytes + fs_.params().block_bytes - 1) /
                               fs_.params().block_bytes;
  const auto folios = static_cast<double>(result.new_folios + result.existing_folios);
  batch.add(c.syscall_entry_s + per_call_s_ + per_block_s_ * static_cast<double>(blocks) +
               c.folio_alloc_s * static_cast<double>(result.new_folios) +
               c.folio_lookup_s * static_cast<double>(result.existing_folios) + c.folio_dirty_s * folios +
               static_cast<double>(length_bytes) / c.copy_bandwidth_Bps);

  times.throttle_s =
      throttle_.balance(task, result.newly_dirtied_pages, write_bandwidth_Bps_, [&batch] { batch.flush(); });
  return times;
}

}  // namespace foliosim::filesystem
