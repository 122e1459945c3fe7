#include "models/vfs/buffered_io.hpp"

#include <algorithm>
#include <optional>

#include "models/common/actor_lock.hpp"
#include "models/common/errors.hpp"
#include "models/common/pages.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::vfs {

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
      write_costs_(fs.traits().write.of(cpu.costs())),
      overwrite_costs_(fs.traits().overwrite.of(cpu.costs())) {}

void BufferedIo::attach(File& file) {
  if (!file.cache) file.cache = &cache_.file(fs_.params().device + ":" + file.name);
}

std::uint64_t BufferedIo::drop_clean(File& file) {
  // invalidate_mapping_pages: mapped folios are skipped.
  if (!file.cache || file.cache->mapped) return 0;
  return cache_.invalidate_clean(*file.cache, 0, UINT64_MAX / kPageBytes);
}

void BufferedIo::place_in_cache(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dirty,
                                bool charge) {
  attach(file);
  if (length_bytes == 0) return;
  const double now_s = engine_clock_s();
  if (dirty) {
    if (charge) reclaim_.charge(cache_.missing_pages(*file.cache, offset_bytes, length_bytes));
    fs_.buffered_write(file, offset_bytes, length_bytes);
    cache_.write(*file.cache, offset_bytes, length_bytes, now_s);
    return;
  }
  for (const auto& hole : cache_.missing_ranges(*file.cache, offset_bytes, length_bytes)) {
    if (charge) reclaim_.charge(hole.pages);
    cache_.fill(*file.cache, hole.first_page * kPageBytes, hole.pages * kPageBytes, now_s, false, false);
  }
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
    const double start_s = engine_clock_s();
    while (cache_.under_writeback(*file.cache, first_page, end_page)) writeback_done_.wait();
    outcome.stable_wait_s += engine_clock_s() - start_s;
  }
  // Folio allocation charges memory first; it may reclaim in this task.
  const std::uint64_t missing = cache_.missing_pages(*file.cache, offset_bytes, length_bytes);
  if (missing > 0) {
    if (reclaim_.must_reclaim(missing)) batch.flush();
    outcome.reclaim_s += reclaim_.charge(missing);
  }
  const auto result =
      cache_.write(*file.cache, offset_bytes, length_bytes, engine_clock_s(), dropbehind, origin);
  const auto& c = cpu_.costs();
  batch.add({{c.folio_alloc_s * static_cast<double>(result.new_folios) +
                  c.folio_lookup_s * static_cast<double>(result.existing_folios) +
                  c.folio_dirty_s * static_cast<double>(result.new_folios + result.existing_folios),
              cpu::Work::kCode},
             {static_cast<double>(length_bytes) / c.copy_bandwidth_Bps, cpu::Work::kCopy}});
  return result;
}

void BufferedIo::wait_inflight(const File& file, std::uint64_t first_page, std::uint64_t end_page,
                               cpu::CpuBatch* batch) {
  const auto it = inflight_.find(&file);
  if (it == inflight_.end()) return;
  const auto reads = it->second;  // a copy: completions erase their entries
  for (const auto& read : reads) {
    if (read->end_page <= first_page || read->first_page >= end_page) continue;
    if (batch) batch->flush();  // the task's pending CPU runs before it sleeps
    ActorLock lock(*read->mutex);
    while (!read->done) read->finished->wait(lock);
  }
}

std::uint64_t BufferedIo::read_window(File& file, ReadWindow window, std::uint64_t ahead_from, bool dontcache,
                                      bool async, ReadOutcome& outcome) {
  // Never past the end of the file (page_cache_ra_unbounded stops at EOF).
  const std::uint64_t end_page = std::min(window.first_page + window.pages, pages_up(file.size_bytes));
  if (window.first_page >= end_page) return 0;
  const auto holes =
      cache_.missing_ranges(*file.cache, window.first_page * kPageBytes, (end_page - window.first_page) * kPageBytes);
  if (holes.empty()) return 0;
  const auto& c = cpu_.costs();
  auto read = std::make_shared<InflightRead>();
  read->first_page = window.first_page;
  read->end_page = end_page;
  read->ahead = async;
  std::uint64_t new_folios = 0, requests = 0;
  std::vector<filesystem::Segment> segments;
  for (const page_cache::PageRange& hole : holes) {
    // Memory first: the allocation may reclaim in this task.
    outcome.reclaim_s += reclaim_.charge(hole.pages);
    const std::uint64_t hole_end = hole.first_page + hole.pages;
    const std::uint64_t split = std::clamp(ahead_from, hole.first_page, hole_end);
    const double now_s = engine_clock_s();
    if (split > hole.first_page)
      new_folios += cache_
                        .fill(*file.cache, hole.first_page * kPageBytes, (split - hole.first_page) * kPageBytes, now_s,
                              dontcache, false)
                        .new_folios;
    if (hole_end > split) {
      new_folios +=
          cache_.fill(*file.cache, split * kPageBytes, (hole_end - split) * kPageBytes, now_s, dontcache, true)
              .new_folios;
      outcome.ahead_pages += hole_end - split;
    }
    for (const auto& segment : fs_.map_for_read(file, hole.first_page * kPageBytes, hole.pages * kPageBytes))
      segments.push_back(segment);
  }
  if (new_folios > 0) cpu_.run(cpu::Component::kWriters, c.folio_alloc_s * static_cast<double>(new_folios));
  for (const auto& segment : segments) requests += device_.requests_for(segment.length_bytes, 1);
  if (requests == 0) return 0;  // holes of the file: zeroes, no I/O
  read->outstanding = segments.size();
  inflight_[&file].push_back(read);
  const File* key = &file;
  {
    // Reads fill new folios: not modelled as segments, each piece of the
    // file taken as contiguous, bounded by max_request_size only.
    block_device::Plug plug(device_);
    for (const auto& segment : segments)
      device_.submit(block_device::Op::kRead, segment.device_offset_bytes, segment.length_bytes, 1,
                     [this, read, key, per_request_s = c.request_complete_s,
                      pieces = device_.requests_for(segment.length_bytes, 1)](const block_device::Completion&) {
                       // Async readahead completes where no reader waits: its work is counted, delaying no one.
                       if (read->ahead) cpu_.account(cpu::Component::kCompletion, per_request_s * double(pieces));
                       if (--read->outstanding > 0) return;
                       read->done = true;
                       read->finished->notify_all();
                       // The file leaves the map with its last read, so a reader finds none to wait for
                       // without a lookup per read.
                       auto list = inflight_.find(key);
                       list->second.erase(std::find(list->second.begin(), list->second.end(), read));
                       if (list->second.empty()) inflight_.erase(list);
                     });
  }
  cpu_.run(cpu::Component::kWriters, static_cast<double>(requests) * c.request_submit_s);
  return requests;
}

ReadOutcome BufferedIo::read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                             cpu::CpuBatch& batch) {
  File& file = *fd.file;
  attach(file);
  ReadOutcome outcome;
  const auto& c = cpu_.costs();
  batch.add(c.syscall_entry_s);
  // kiocb_set_rw_flags refuses RWF_DONTCACHE without FOP_DONTCACHE, reads too.
  if (dontcache && !fs_.params().dontcache_supported) {
    outcome.eopnotsupp = true;
    return outcome;
  }
  const auto flush = [&batch] { batch.flush(); };
  RwHold lock(file.inode_lock, fs_.traits().buffered_read_lock, cpu_.machine().wakeup_latency_s, flush, flush);
  outcome.lock_wait_s = lock.waited_s();
  if (offset_bytes >= file.size_bytes) return outcome;  // end of file
  length_bytes = std::min(length_bytes, file.size_bytes - offset_bytes);
  const std::uint64_t first = pages_down(offset_bytes), end = pages_up(offset_bytes + length_bytes);
  outcome.asked_pages = end - first;
  const auto& device = device_.params();
  const std::uint64_t ra_pages = fd.ra.ra_pages.value_or(device.read_ahead_bytes / kPageBytes);
  const std::uint64_t io_pages = std::max<std::uint64_t>(1, device.max_request_bytes / kPageBytes);
  const double device_start_s = batch.now_s();
  bool first_pass = true;
  // filemap_get_pages, until every page of the request is cached and read:
  // wait for reads under way; at the first missing page, a synchronous
  // readahead window (or the request alone) and wait for it. Each pass reads
  // at least that page, so it ends; reclaim taking back what was just read
  // costs another pass.
  for (;;) {
    wait_inflight(file, first, end, &batch);
    const auto holes = cache_.missing_ranges(*file.cache, offset_bytes, length_bytes);
    // The first lookup's misses are the call's (a page being read counts as found).
    if (first_pass)
      for (const auto& hole : holes) outcome.missed_pages += hole.pages;
    first_pass = false;
    if (holes.empty()) break;
    const std::uint64_t index = holes.front().first_page;
    const std::uint64_t req_pages = end - index;
    const std::uint64_t max_pages = ra_pages == 0 ? 0 : window_max_pages(ra_pages, io_pages, req_pages);
    // How many pages right before the miss are cached: a sequential stream's trace.
    std::uint64_t cached_before = 0;
    if (index > 0 && max_pages > 0) {
      const std::uint64_t from = index > max_pages ? index - max_pages : 0;
      const auto before = cache_.missing_ranges(*file.cache, from * kPageBytes, (index - from) * kPageBytes);
      cached_before = index - (before.empty() ? from : before.back().first_page + before.back().pages);
    }
    // FMODE_RANDOM: page_cache_sync_ra forces a read of the request alone
    // (force_page_cache_ra, at most max(io_pages, ra_pages) a pass).
    const ReadWindow window = fd.ra.random ? ReadWindow{index, std::min(req_pages, std::max(io_pages, ra_pages))}
                                           : sync_readahead(fd.ra, index, req_pages, max_pages, cached_before);
    batch.flush();
    const std::uint64_t requests = read_window(file, window, end, dontcache, false, outcome);
    wait_inflight(file, index, end, nullptr);
    cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * c.request_complete_s);
    if (requests == 0) break;  // a hole of the file: nothing to read
  }
  // page_cache_async_ra: reaching the marker starts the next window.
  const std::uint64_t max_pages = ra_pages == 0 ? 0 : window_max_pages(ra_pages, io_pages, end - first);
  while (max_pages > 0 && fd.ra.size > 0 && fd.ra.marker() >= first && fd.ra.marker() < end &&
         fd.ra.start + fd.ra.size < pages_up(file.size_bytes)) {
    batch.flush();
    read_window(file, async_readahead(fd.ra, max_pages), end, dontcache, true, outcome);
  }
  outcome.device_s = batch.now_s() - device_start_s;
  const auto result = cache_.read(*file.cache, offset_bytes, length_bytes, engine_clock_s(), dontcache);
  outcome.ahead_used_pages = result.ahead_used_pages;
  batch.add({{c.folio_alloc_s * static_cast<double>(result.new_folios) +
                  c.folio_lookup_s * static_cast<double>(result.existing_folios),
              cpu::Work::kCode},
             {static_cast<double>(length_bytes) / c.copy_bandwidth_Bps, cpu::Work::kCopy}});
  // filemap_end_dropbehind_read: what a dontcache read brought in goes once
  // copied, each folio as reclaim would free it (folio_unmap_invalidate).
  if (dontcache && !file.cache->mapped) {
    std::uint64_t folios = 0;
    outcome.dropped_pages = cache_.drop_read_dropbehind(*file.cache, first, end, &folios);
    batch.add(c.reclaim_free_per_folio_s * static_cast<double>(folios));
  }
  fd.ra.prev_pos_bytes = offset_bytes + length_bytes;
  outcome.bytes = length_bytes;
  return outcome;
}

void BufferedIo::map(OpenFile& fd) {
  attach(*fd.file);
  fd.file->cache->mapped = true;
}

bool BufferedIo::reading(const File& file, std::uint64_t page) const {
  const auto it = inflight_.find(&file);
  if (it == inflight_.end()) return false;
  for (const auto& read : it->second)
    if (page >= read->first_page && page < read->end_page) return true;
  return false;
}

std::uint64_t BufferedIo::map_cached(OpenFile& fd, std::uint64_t first_page, std::uint64_t end_page, std::uint64_t skip,
                                     ReadOutcome& outcome) {
  File& file = *fd.file;
  const auto mappable = [&](std::uint64_t page) {
    return !fd.mapped_pages[page] && page != skip && !reading(file, page) &&
           cache_.missing_pages(*file.cache, page * kPageBytes, kPageBytes) == 0;
  };
  std::uint64_t mapped = 0;
  for (std::uint64_t page = first_page; page < end_page;) {
    if (!mappable(page)) {
      ++page;
      continue;
    }
    std::uint64_t stretch_end = page + 1;
    while (stretch_end < end_page && mappable(stretch_end)) ++stretch_end;
    for (std::uint64_t p = page; p < stretch_end; ++p) fd.mapped_pages[p] = true;
    // The task then reads them through the mapping: an access reclaim sees
    // (the young bits), and read-ahead pages used.
    outcome.ahead_used_pages +=
        cache_.read(*file.cache, page * kPageBytes, (stretch_end - page) * kPageBytes, engine_clock_s(), false)
            .ahead_used_pages;
    mapped += stretch_end - page;
    page = stretch_end;
  }
  return mapped;
}

ReadOutcome BufferedIo::mmap_read(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                  cpu::CpuBatch& batch) {
  // MMAP_LOTSAMISS: faults that missed, beyond which faults read only their page.
  constexpr std::uint64_t kMmapLotsamiss = 100;
  File& file = *fd.file;
  ReadOutcome outcome;
  if (offset_bytes >= file.size_bytes) return outcome;  // past the end: the job stops
  length_bytes = std::min(length_bytes, file.size_bytes - offset_bytes);
  const std::uint64_t first = pages_down(offset_bytes), end = pages_up(offset_bytes + length_bytes);
  const std::uint64_t file_pages = pages_up(file.size_bytes);
  if (fd.mapped_pages.size() < file_pages) fd.mapped_pages.resize(file_pages, false);
  outcome.asked_pages = end - first;
  outcome.missed_pages = cache_.missing_pages(*file.cache, offset_bytes, length_bytes);
  const auto& c = cpu_.costs();
  const auto& device = device_.params();
  const std::uint64_t ra_pages = fd.ra.ra_pages.value_or(device.read_ahead_bytes / kPageBytes);
  const std::uint64_t io_pages = std::max<std::uint64_t>(1, device.max_request_bytes / kPageBytes);
  const std::uint64_t around = std::max<std::uint64_t>(1, params_.fault_around_bytes / kPageBytes);
  for (std::uint64_t page = first; page < end; ++page) {
    if (fd.mapped_pages[page]) continue;  // mapped already: no fault
    ++outcome.faults;
    const std::uint64_t marker = fd.ra.size > 0 ? fd.ra.marker() : UINT64_MAX;
    const std::uint64_t block = page - page % around;
    std::uint64_t mapped = map_cached(fd, block, std::min(block + around, file_pages), marker, outcome);
    if (!fd.mapped_pages[page]) {
      // filemap_fault.
      const double wait_start_s = batch.now_s();
      if (!reading(file, page) && cache_.missing_pages(*file.cache, page * kPageBytes, kPageBytes) > 0) {
        ++outcome.major_faults;
        ReadWindow window{page, 1};
        if (ra_pages > 0 && ++fd.ra.mmap_miss <= kMmapLotsamiss) {
          // Read-around: ra_pages centred on the fault, a quarter of them async.
          window = {page > ra_pages / 2 ? page - ra_pages / 2 : 0, ra_pages};
          fd.ra.start = window.first_page;
          fd.ra.size = ra_pages;
          fd.ra.async_size = ra_pages / 4;
        }
        batch.flush();
        // Every page of the window counts as read ahead, the faulting one too.
        const std::uint64_t requests = read_window(file, window, window.first_page, false, false, outcome);
        wait_inflight(file, page, page + 1, nullptr);
        cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * c.request_complete_s);
      } else {
        if (fd.ra.mmap_miss > 0) --fd.ra.mmap_miss;
        if (page == marker && fd.ra.start + fd.ra.size < file_pages) {
          batch.flush();
          read_window(file, async_readahead(fd.ra, window_max_pages(ra_pages, io_pages, 1)), 0, false, true, outcome);
        }
        wait_inflight(file, page, page + 1, &batch);
      }
      outcome.device_s += batch.now_s() - wait_start_s;
      mapped += map_cached(fd, page, page + 1, UINT64_MAX, outcome);  // finish_fault
    }
    batch.add(c.page_fault_s + c.fault_map_per_page_s * static_cast<double>(mapped));
  }
  // fio's mmap engine copies out of the mapping.
  batch.add(static_cast<double>(length_bytes) / c.copy_bandwidth_Bps, cpu::Work::kCopy);
  outcome.bytes = length_bytes;
  return outcome;
}

double BufferedIo::read_partial_pages(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                      cpu::CpuBatch& batch, WriteOutcome& outcome) {
  const std::uint64_t end_bytes = offset_bytes + length_bytes;
  const bool head = offset_bytes % kPageBytes != 0, tail = end_bytes % kPageBytes != 0;
  if (!head && !tail) return 0;  // whole pages: nothing to read (nearly every call)
  const std::uint64_t first = offset_bytes / kPageBytes, last = (end_bytes - 1) / kPageBytes;
  std::uint64_t pages[2];
  int count = 0;
  if (head) pages[count++] = first;
  if (tail && (count == 0 || last != first)) pages[count++] = last;
  const double start_s = batch.now_s();
  for (int i = 0; i < count; ++i) {
    const std::uint64_t page = pages[i];
    const std::uint64_t at = page * kPageBytes;
    if (at >= file.size_bytes) continue;  // past EOF: zeroed
    if (!reading(file, page) && cache_.missing_pages(*file.cache, at, kPageBytes) == 0) continue;  // cached
    if (fs_.map_for_read(file, at, kPageBytes).empty()) continue;  // a hole, delalloc or unwritten: zeroed
    batch.flush();
    ReadOutcome read;
    const std::uint64_t requests = read_window(file, {page, 1}, page + 1, false, false, read);
    wait_inflight(file, page, page + 1, nullptr);
    cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * cpu_.costs().request_complete_s);
    outcome.reclaim_s += read.reclaim_s;
  }
  return batch.now_s() - start_s;
}

std::uint64_t BufferedIo::fadvise(OpenFile& fd, Advice advice, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                                  cpu::CpuBatch& batch) {
  File& file = *fd.file;
  attach(file);
  batch.add(cpu_.costs().syscall_entry_s);
  const std::uint64_t device_ra_pages = device_.params().read_ahead_bytes / kPageBytes;
  const std::uint64_t first = pages_down(offset_bytes), end = pages_up(offset_bytes + length_bytes);
  switch (advice) {
    case Advice::kNormal:
      fd.ra.ra_pages.reset();
      fd.ra.random = false;
      return 0;
    case Advice::kSequential:
      fd.ra.ra_pages = 2 * device_ra_pages;
      fd.ra.random = false;
      return 0;
    case Advice::kRandom:
      fd.ra.random = true;
      return 0;
    case Advice::kWillneed: {
      // force_page_cache_ra: at most max(io_pages, ra_pages) of the range, from its start.
      const std::uint64_t io_pages = std::max<std::uint64_t>(1, device_.params().max_request_bytes / kPageBytes);
      const std::uint64_t pages = std::min(end - first, std::max(io_pages, fd.ra.ra_pages.value_or(device_ra_pages)));
      ReadOutcome outcome;
      batch.flush();
      read_window(file, {first, pages}, first, false, true, outcome);
      return outcome.ahead_pages;
    }
    case Advice::kDontneed:
      if (cache_.any_with(*file.cache, first, end, page_cache::kDirty)) {
        writeback_.write_pages(file, first, end - first, cpu::Component::kWriters, block_device::WbtClass::kNormal, end,
                               nullptr, &batch);
      }
      if (!file.cache->mapped) cache_.invalidate_clean(*file.cache, first, end);
      return 0;
  }
  foliosim::invalid_enum_value("advice");
}

WriteOutcome BufferedIo::write(OpenFile& fd, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool dontcache,
                               writeback::Dirtier& task, cpu::CpuBatch& batch) {
  File& file = *fd.file;
  attach(file);
  const CopyLoad::Call copying(copy_load_);
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
      case page_cache::DontcacheErrorReport::kFsync:
        break;  // the errseq only: the next fsync sees it
      case page_cache::DontcacheErrorReport::kWrite:
        fd.seen_error_seq = file.error_seq;
        outcome.error = WriteError::kEio;
        return outcome;
    }
  }
  // With submit_ahead, an inline kick's call runs its CPU batch at the kick
  // or its end, not between: its dirty range is never left for the flusher
  // to take while the writer sleeps ahead of the clock.
  std::optional<cpu::CpuBatch::Hold> hold;
  if (dontcache && params_.dontcache_kick == page_cache::DontcacheKick::kInline && device_.submits_ahead())
    hold.emplace(batch);
  const auto flush = [&batch] { batch.flush(); };
  RwHold lock(file.inode_lock, LockMode::kExclusive, cpu_.machine().wakeup_latency_s, flush, flush);
  outcome.lock_wait_s = lock.waited_s();
  // xfs_file_write_checks: a write past EOF first zeroes the gap, with
  // ordinary buffered writes unless the variant carries the dontcache state.
  if (fs_.traits().zero_eof_s && offset_bytes > file.size_bytes) batch.add(c.*fs_.traits().zero_eof_s);
  for (const auto& zero : fs_.zero_for_extension(file, offset_bytes)) {
    copy_in(file, zero.offset_bytes, zero.length_bytes, dontcache && fs_.params().zero_range_dropbehind,
            page_cache::Origin::kZeroing, batch, outcome);
    outcome.zeroed_bytes += zero.length_bytes;
  }
  outcome.partial_read_s = read_partial_pages(file, offset_bytes, length_bytes, batch, outcome);
  // An overwrite of written blocks inside i_size reserves and extends
  // nothing (xfs_buffered_write_iomap_begin on a written extent,
  // ext4_da_write_begin's mapped blocks): it costs less than an allocating write.
  const filesystem::Costs& costs =
      fs_.overwrites_written(file, offset_bytes, length_bytes) ? overwrite_costs_ : write_costs_;
  // ext4_da_write_begin -> ext4_nonda_switch, the inode lock held: short of
  // free blocks, the writer waits for dirty pages to go out, and allocates
  // its blocks at once when delalloc still holds too many.
  const std::uint64_t cpus = cpu_.machine().cpus;
  filesystem::DelallocSpace space = fs_.delalloc_space(cpus);
  if (space.push_writeback) {
    batch.flush();
    outcome.free_space_s = writeback_.push_for_free_space();
    space = fs_.delalloc_space(cpus);  // what the writeback left
  }
  fs_.buffered_write(file, offset_bytes, length_bytes, space.allocate_now);
  const auto result =
      copy_in(file, offset_bytes, length_bytes, dontcache, page_cache::Origin::kApplication, batch, outcome);
  const std::uint64_t blocks = (offset_bytes % fs_.params().block_bytes + length_bytes + fs_.params().block_bytes - 1) /
                               fs_.params().block_bytes;
  batch.add(costs.per_call_s + costs.per_block_s * static_cast<double>(blocks));

  outcome.throttle_s = throttle_.balance(task, result.newly_dirtied_pages, writeback_, [this, &batch] {
    batch.flush();
    device_.note_dirty_sleep();  // bdi->last_bdp_sleep, for blk-wbt
  });
  lock.unlock();
  if (dontcache) {
    // generic_write_sync -> filemap_fdatawrite_range_kick(WB_SYNC_NONE).
    std::uint64_t first_page = pages_down(offset_bytes);
    std::uint64_t end_page = pages_up(offset_bytes + length_bytes);
    switch (params_.dontcache_kick_range) {
      case page_cache::DontcacheKickRange::kWritten:
        break;
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
        const double start_s = batch.now_s();
        // WB_SYNC_NONE, not background: blk-wbt's wb_normal.
        writeback_.write_pages(file, first_page, end_page - first_page, cpu::Component::kWriters,
                               block_device::WbtClass::kNormal, end_page, nullptr, &batch);
        // Without submit_ahead, each call's work runs by its end (write_pages
        // ran it unless nothing was dirty in the range).
        if (!device_.submits_ahead()) batch.flush();
        outcome.kick_s = std::max(0.0, batch.now_s() - start_s);
        hold.reset();
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
