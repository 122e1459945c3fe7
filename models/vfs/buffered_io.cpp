#include "models/vfs/buffered_io.hpp"

#include <algorithm>

#include <simgrid/s4u/Engine.hpp>

#include "models/common/pages.hpp"

namespace foliosim::vfs {


namespace sg4 = simgrid::s4u;

BufferedIo::BufferedIo(cpu::Cpu& cpu, Filesystem& fs, page_cache::PageCache& cache,
                       const page_cache::PageCacheParams& params, reclaim::Reclaim& reclaim,
                       writeback::Writeback& writeback, writeback::DirtyThrottle& throttle,
                       block_device::BlockDevice& device, writeback::WritebackWaitQueue& writeback_done)
    : cpu_(cpu),
      fs_(fs),
      cache_(cache),
      params_(params),
      reclaim_(reclaim),
      writeback_(writeback),
      throttle_(throttle),
      device_(device),
      writeback_done_(writeback_done),
      write_costs_(fs.traits().write.of(cpu.costs())) {}

void BufferedIo::attach(File& file) {
  if (!file.cache) file.cache = &cache_.file(fs_.params().device + ":" + file.name);
}

page_cache::WriteResult BufferedIo::copy_in(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                            bool dropbehind, page_cache::Origin origin, cpu::CpuBatch& batch,
                                            WriteOutcome& outcome) {
  const std::uint64_t first_page = pages_down(offset_bytes);
  const std::uint64_t end_page = pages_up(offset_bytes + length_bytes);
  // folio_wait_stable: with stable pages, a folio under writeback cannot be
  // changed until its I/O completes.
  if (device_.params().stable_writes && cache_.under_writeback(*file.cache, first_page, end_page)) {
    batch.flush();
    const double start_s = sg4::Engine::get_clock();
    while (cache_.under_writeback(*file.cache, first_page, end_page)) writeback_done_.wait();
    outcome.stable_wait_s += sg4::Engine::get_clock() - start_s;
  }
  // Folio allocation charges memory first; it may reclaim in this task.
  const std::uint64_t missing = cache_.missing_pages(*file.cache, offset_bytes, length_bytes);
  if (missing > 0) {
    if (reclaim_.must_reclaim(missing)) batch.flush();
    outcome.reclaim_s += reclaim_.charge(missing);
  }
  const auto result =
      cache_.write(*file.cache, offset_bytes, length_bytes, sg4::Engine::get_clock(), dropbehind, origin);
  const auto& c = cpu_.costs();
  batch.add({{c.folio_alloc_s * static_cast<double>(result.new_folios) +
                 c.folio_lookup_s * static_cast<double>(result.existing_folios) +
                 c.folio_dirty_s * static_cast<double>(result.new_folios + result.existing_folios),
             cpu::Work::kCode},
            {static_cast<double>(length_bytes) / c.copy_bandwidth_Bps, cpu::Work::kCopy}});
  return result;
}

ReadOutcome BufferedIo::read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                             cpu::CpuBatch& batch, block_device::IoWaiter& waiter) {
  File& file = *fd.file;
  attach(file);
  ReadOutcome outcome;
  const auto& c = cpu_.costs();
  batch.add(c.syscall_entry_s);
  if (offset_bytes >= file.size_bytes) return outcome;  // end of file
  length_bytes = std::min(length_bytes, file.size_bytes - offset_bytes);
  const auto holes = cache_.missing_ranges(*file.cache, offset_bytes, length_bytes);
  if (!holes.empty()) {
    std::uint64_t missing = 0;
    for (const auto& h : holes) missing += h.pages;
    batch.flush();
    outcome.reclaim_s = reclaim_.charge(missing);
    const double start_s = sg4::Engine::get_clock();
    std::uint64_t requests = 0;
    {
      block_device::Plug plug(device_);
      for (const auto& h : holes)
        for (const auto& segment : fs_.map_for_read(file, h.first_page * kPageBytes, h.pages * kPageBytes)) {
          // Reads fill new folios: not modelled as segments, the read is
          // taken as one contiguous piece, bounded by max_request_size only.
          requests += device_.requests_for(segment.length_bytes, 1);
          device_.submit(block_device::Op::kRead, segment.device_offset_bytes, segment.length_bytes, 1,
                         waiter.expect());
        }
    }
    if (requests > 0) {
      cpu_.run(cpu::Component::kWriters, static_cast<double>(requests) * c.request_submit_s);
      waiter.wait();
      cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * c.request_complete_s);
    }
    outcome.device_s = sg4::Engine::get_clock() - start_s;
  }
  const auto result = cache_.read(*file.cache, offset_bytes, length_bytes, sg4::Engine::get_clock());
  batch.add({{c.folio_alloc_s * static_cast<double>(result.new_folios) +
                 c.folio_lookup_s * static_cast<double>(result.existing_folios),
             cpu::Work::kCode},
            {static_cast<double>(length_bytes) / c.copy_bandwidth_Bps, cpu::Work::kCopy}});
  outcome.bytes = length_bytes;
  return outcome;
}

WriteOutcome BufferedIo::write(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                               writeback::Dirtier& task, cpu::CpuBatch& batch) {
  File& file = *fd.file;
  attach(file);
  WriteOutcome outcome;
  const auto& c = cpu_.costs();
  batch.add(c.syscall_entry_s);
  if (dontcache && !fs_.params().dontcache_supported) {
    // generic_write_checks: no FOP_DONTCACHE, no RWF_DONTCACHE.
    outcome.error = WriteError::kEopnotsupp;
    return outcome;
  }
  if (dontcache && file.error_seq != fd.seen_error_seq) {
    switch (params_.dontcache_error_report) {
      case page_cache::DontcacheErrorReport::kFsync: break;  // the errseq only: the next fsync sees it
      case page_cache::DontcacheErrorReport::kWrite:
        fd.seen_error_seq = file.error_seq;
        outcome.error = WriteError::kEio;
        return outcome;
    }
  }
  // xfs_file_write_checks: a write past EOF first zeroes the gap, with
  // ordinary buffered writes unless the variant carries the dontcache state.
  for (const auto& zero : fs_.zero_for_extension(file, offset_bytes)) {
    copy_in(file, zero.offset_bytes, zero.length_bytes, dontcache && fs_.params().zero_range_dropbehind,
            page_cache::Origin::kZeroing, batch, outcome);
    outcome.zeroed_bytes += zero.length_bytes;
  }
  fs_.buffered_write(file, offset_bytes, length_bytes);
  const auto result =
      copy_in(file, offset_bytes, length_bytes, dontcache, page_cache::Origin::kApplication, batch, outcome);
  const std::uint64_t blocks = (offset_bytes % fs_.params().block_bytes + length_bytes + fs_.params().block_bytes - 1) /
                               fs_.params().block_bytes;
  batch.add(write_costs_.per_call_s + write_costs_.per_block_s * static_cast<double>(blocks));

  outcome.throttle_s = throttle_.balance(task, result.newly_dirtied_pages, writeback_,
                                         [this, &batch] {
                                           batch.flush();
                                           device_.note_dirty_sleep();  // bdi->last_bdp_sleep, for blk-wbt
                                         });
  if (dontcache) {
    // generic_write_sync -> filemap_fdatawrite_range_kick(WB_SYNC_NONE).
    std::uint64_t first_page = pages_down(offset_bytes);
    std::uint64_t end_page = pages_up(offset_bytes + length_bytes);
    switch (params_.dontcache_kick_range) {
      case page_cache::DontcacheKickRange::kWritten: break;
      case page_cache::DontcacheKickRange::kAfterWrite:
        // 6.14 as merged passed the position after the write as the start.
        first_page = pages_down(offset_bytes + length_bytes);
        end_page = first_page + pages_up(length_bytes);
        break;
    }
    switch (params_.dontcache_kick) {
      case page_cache::DontcacheKick::kInline: {
        // The kick's CPU joins the copy's pending work as one stretch; the
        // kick's time is what follows the copy's.
        const double start_s = sg4::Engine::get_clock() + batch.pending_s();
        // WB_SYNC_NONE, not background: blk-wbt's wb_normal.
        writeback_.write_pages(file, first_page, end_page - first_page, cpu::Component::kWriters,
                               block_device::WbtClass::kNormal, end_page, nullptr, &batch);
        batch.flush();  // nothing was dirty in the range: the copy's work alone
        outcome.kick_s = std::max(0.0, sg4::Engine::get_clock() - start_s);
        break;
      }
      case page_cache::DontcacheKick::kFlusher:
        writeback_.kick_dontcache(end_page - first_page);
        break;
    }
  }
  return outcome;
}

}  // namespace foliosim::vfs
