#include "models/writeback/writeback.hpp"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>

#include <simgrid/s4u/Actor.hpp>

#include "models/block_device/io_waiter.hpp"
#include "models/common/actor_lock.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::writeback {

namespace sg4 = simgrid::s4u;

namespace {
// MIN_WRITEBACK_PAGES: 4 MiB, the unit of a WB_SYNC_NONE chunk.
constexpr std::uint64_t kMinWritebackPages = 1024;
// BIO_MAX_VECS: the folios one bio (so one iomap ioend) carries.
constexpr std::uint64_t kBioMaxFolios = 256;
}  // namespace

Writeback::Writeback(const WritebackParams& params, const page_cache::PageCacheParams& cache_params, cpu::Cpu& cpu,
                     page_cache::PageCache& cache, filesystem::Filesystem& fs, block_device::BlockDevice& device,
                     WritebackWaitQueue& waiters, std::function<DirtyLimits()> limits,
                     std::uint64_t completion_seed)
    : params_(params),
      writepages_costs_(fs.traits().writepages.of(cpu.costs())),
      end_io_costs_(fs.traits().end_io.of(cpu.costs())),
      ioend_max_pages_(fs.traits().ioend_max_pages(fs.params().block_bytes)),
      cpu_(cpu),
      cache_(cache),
      fs_(fs),
      device_(device),
      waiters_(waiters),
      limits_(std::move(limits)),
      bandwidth_(device.params().initial_write_bandwidth_Bps / static_cast<double>(kPageBytes),
                 device.params().initial_dirty_ratelimit_Bps / static_cast<double>(kPageBytes)),
      end_io_(cpu.machine().completion_wakeup_latency_s, cpu.machine().completion_wakeup_sigma,
              completion_seed, [this](const Ioend& ioend, double ended_s) { end_ioend(ioend, ended_s); }),
      mutex_(sg4::Mutex::create()),
      wakeup_(sg4::ConditionVariable::create()),
      work_mutex_(sg4::Mutex::create()),
      work_done_(sg4::ConditionVariable::create()) {
  if (block_device::LazyCompletions* lazy = device.lazy_completions()) end_io_.follow(*lazy);
  switch (cache_params.dropbehind_on_error) {
    case page_cache::DropbehindOnError::kDrop:
      drop_failed_ = true;
      break;
    case page_cache::DropbehindOnError::kKeep:
      drop_failed_ = false;
      break;
  }
}

void Writeback::start(sg4::Host* host) {
  start_actor(
      "flusher:" + device_.params().name, host, [this] { flusher(); }, ActorKind::kDaemon);
}

std::uint64_t Writeback::write_pages(filesystem::File& file, std::uint64_t from_page, std::uint64_t max_pages,
                                     cpu::Component component, block_device::WbtClass cls, std::uint64_t end_page,
                                     std::uint64_t* next_page, cpu::CpuBatch* batch) {
  // Folios are taken an ioend at a time: iomap marks each folio under
  // writeback as it adds it to the ioend's bio, and submits the bio when the
  // next folio does not fit (BIO_MAX_VECS folios, an extent's end) or
  // writepages ends; ext4 maps and submits an extent of at most
  // MAX_WRITEPAGES_EXTENT_LEN blocks at a time. Only then is the bio cut
  // into requests, before each of which the submitter may sleep in blk-wbt
  // or for a device tag: a whole ioend is under writeback while blk-wbt
  // admits its requests a few at a time.
  const auto& c = cpu_.costs();
  bandwidth_.start(engine_clock_s(), in_flight_pages_ > 0);
  std::uint64_t total = 0;
  std::uint64_t pos = from_page;
  // The device-wide plug stands for the submitter's own: with pending task
  // work (`batch`) it starts once that work has run, so other tasks'
  // requests are not held while this one computes. A submission at the
  // task's own time (submit_ahead) lasts until the plug is released.
  std::optional<block_device::SubmitAt> ahead;
  std::optional<block_device::Plug> plug;
  if (!batch) plug.emplace(device_);
  double ahead_s = 0;
  while (total < max_pages) {
    const auto ranges = cache_.start_writeback(*file.cache, pos, std::min(ioend_max_pages_, max_pages - total),
                                               end_page, kBioMaxFolios);
    if (ranges.empty()) break;
    std::uint64_t pages = 0;
    double work_s = total == 0 ? writepages_costs_.per_call_s : 0;
    boost::container::small_vector<BioPlan, 1> plans;
    for (const auto& range : ranges) {
      pages += range.pages;
      plan_bios(file, range, plans.emplace_back());
      work_s += static_cast<double>(range.folios) * (c.writeback_per_folio_s + writepages_costs_.per_folio_s) +
                static_cast<double>(plans.back().bios.size()) * c.request_submit_s;
    }
    unsubmitted_pages_ += pages;
    if (fs_.has_metadata_reads()) {
      // The allocation read its group's headers before the bios were built
      // (io_schedule flushes the submitter's plug while it waits).
      if (plug) device_.unplug();
      read_allocation_metadata(batch);
      if (plug) device_.plug();
    }
    // One stretch of CPU for mapping, building and submitting the bios (one
    // SimGrid activity): nothing else sees the submitter until it submits.
    work_s += writepages_costs_.per_block_s * static_cast<double>(pages * kPageBytes / fs_.params().block_bytes);
    if (batch) {
      batch->add(work_s);
      // One request and writepages ends with it: it may go at the task's
      // time, its CPU still pending (BlockDevice::may_submit_at).
      const bool last = total + pages >= max_pages || ranges.back().first_page + ranges.back().pages >= end_page;
      ahead_s = batch->now_s();
      // Alone and with no sleep before it, the request needs no plug to merge in.
      if (!plug && last && plans.size() == 1 && plans[0].bios.size() == 1 && device_.may_submit_at(ahead_s, cls)) {
        end_io_.run_due(ahead_s);
        ahead.emplace(device_, ahead_s);
      } else {
        batch->flush();
        if (!plug) plug.emplace(device_);
      }
    } else {
      cpu_.run(component, work_s);
    }
    in_flight_pages_ += pages;
    for (std::size_t r = 0; r < ranges.size(); ++r) submit_bios(file, plans[r], cls);
    total += pages;
    pos = ranges.back().first_page + ranges.back().pages;
  }
  // do_writepages: the bandwidth estimate moves on once an interval has passed.
  bandwidth_.update_if_due(ahead ? ahead_s : engine_clock_s());
  stats_.submitted_pages += total;
  if (next_page) *next_page = pos;
  return total;
}

void Writeback::plan_bios(filesystem::File& file, const page_cache::PageRange& range, BioPlan& plan) {
  // Bios of one request each, as bio_split_rw_at leaves them: cut at extent
  // ends, at max_request_size and at max_segments, a folio being one segment
  // (adjacent folios are not assumed physically contiguous).
  const block_device::RequestLimits limits = device_.limits();
  // Decided before mapping: writing new or unwritten blocks needs conversion.
  plan.task_context = fs_.completes_in_task(file, range.first_page * kPageBytes, range.pages * kPageBytes);
  auto& bios = plan.bios;
  std::uint64_t page = range.first_page;
  for (const auto& segment : fs_.map_for_write(file, range.first_page * kPageBytes, range.pages * kPageBytes)) {
    const std::uint64_t end = page + segment.length_bytes / kPageBytes;  // blocks are pages
    bool open = false;
    for (std::uint64_t p = page; p < end;) {
      const auto run = cache_.folio_run_at(*file.cache, p);
      const std::uint64_t folio_bytes = run.folio_pages * kPageBytes;
      const std::uint64_t at = (p - run.first_page) * kPageBytes;
      Bio* bio = open ? &bios.back() : nullptr;
      std::uint64_t fit_pages =
          bio ? block_device::bytes_that_fit(limits, at, folio_bytes, bio->pages * kPageBytes, bio->segments) /
                    kPageBytes
              : 0;
      if (fit_pages == 0) {  // none open, or it is full: the next starts here
        bios.push_back({p, 0, segment.device_offset_bytes + (p - page) * kPageBytes, 0});
        bio = &bios.back();
        open = true;
        fit_pages = block_device::bytes_that_fit(limits, at, folio_bytes, 0, 0) / kPageBytes;
      }
      const std::uint64_t pages = std::min({fit_pages, end - p, run.end_page - p});
      bio->pages += pages;
      bio->segments += block_device::segments_touched(at, pages * kPageBytes, folio_bytes);
      p += pages;
    }
    page = end;
  }
}

void Writeback::submit_bios(filesystem::File& file, const BioPlan& plan, block_device::WbtClass cls) {
  // An ioend's writeback ends when its last request completes: bios
  // contiguous on the device form one ioend (a range taken at once, cut at
  // extent ends). An extent may end inside a large folio, whose writeback
  // ends with the last ioend that carries part of it, so a group goes on to
  // the next folio boundary.
  const auto& bios = plan.bios;
  const bool task_context = plan.task_context;
  filesystem::File* owner = &file;
  std::size_t group_start = 0;
  for (std::size_t i = 0; i < bios.size(); ++i) {
    const std::uint64_t end = bios[i].first_page + bios[i].pages;
    if (i + 1 < bios.size()) {
      const bool ioend_continues =
          bios[i + 1].device_offset_bytes == bios[i].device_offset_bytes + bios[i].pages * kPageBytes;
      if (ioend_continues || !cache_.folio_boundary(*file.cache, end)) continue;
    }
    struct Pending {
      std::size_t bios;
      bool ok;
    };
    // Shared by the group's bios; none for a group of one (a dontcache call's kick).
    std::shared_ptr<Pending> pending;
    if (i > group_start) pending = std::make_shared<Pending>(Pending{i + 1 - group_start, true});
    const page_cache::PageRange group{bios[group_start].first_page, end - bios[group_start].first_page, 0};
    // The completion work's CPU for the ioend (reference seconds), which its last bio raises.
    double end_io_s = 0;
    if (task_context)
      end_io_s = end_io_costs_.per_call_s +
                 end_io_costs_.per_block_s * static_cast<double>(group.pages * kPageBytes / fs_.params().block_bytes);
    const double end_io_cpu_s = cpu_.scaled_s(end_io_s);
    for (std::size_t b = group_start; b <= i; ++b) {
      // Before each request the submitter may sleep for a device tag
      // (blk_mq_get_tag, which flushes its plug first) and in blk-wbt
      // (wbt_wait); write_pages holds a plug.
      if (device_.congested()) {
        device_.unplug();
        device_.wait_for_room();
        device_.plug();
      }
      device_.wbt_wait(cls, true);
      unsubmitted_pages_ -= bios[b].pages;
      const auto& bio = bios[b];
      // The captures fit the callback's inline space (no allocation a request).
      device_.submit(
          block_device::Op::kWrite, bio.device_offset_bytes, bio.pages * kPageBytes, bio.segments,
          [this, owner, first_page = group.first_page, pages = group.pages, pending, task_context,
           end_io_s](const block_device::Completion& done) {
            cpu_.account(cpu::Component::kCompletion, cpu_.costs().request_complete_s);
            bool ok = done.ok;
            if (pending) {
              pending->ok = pending->ok && done.ok;
              if (--pending->bios > 0) return;
              ok = pending->ok;
            }
            const Ioend ioend{owner, {first_page, pages, 0}, ok, task_context};
            if (task_context) {
              cpu_.account(cpu::Component::kCompletion, end_io_s);
              end_io_.queue(ioend, done.completed_s, stable_hash(owner->name) ^ first_page, cpu_.scaled_s(end_io_s));
            } else {
              end_ioend(ioend, done.completed_s);
            }
          },
          device_.wbt_enabled(), false,  // its waiters watch the device (WritebackWaitQueue)
          b == i ? end_io_cpu_s : 0);
    }
    group_start = i + 1;
  }
}

void Writeback::end_ioend(const Ioend& ioend, double ended_s) {
  // end_page_writeback. An error is recorded on the mapping
  // (mapping_set_error: the errseq moves on).
  filesystem::File& file = *ioend.file;
  if (!ioend.ok) {
    ++file.error_seq;
    stats_.failed_pages += ioend.pages.pages;
  }
  auto ended = cache_.end_writeback(*file.cache, ioend.pages, ioend.ok, ioend.task_context && !file.cache->mapped,
                                    drop_failed_);
  in_flight_pages_ -= ioend.pages.pages;
  bandwidth_.add_written(ended.pages, ended_s);
  stats_.dropbehind_dropped_pages += ended.dropped_pages;
  stats_.kept_dropbehind_pages += ended.kept_dropbehind_pages;
  waiters_.wake_all();
}

std::uint64_t Writeback::write_file_chunk(filesystem::File& file, std::uint64_t max_pages, cpu::Component component,
                                          block_device::WbtClass cls) {
  // range_cyclic: from writeback_index to the end, then from the start.
  auto& index = file.cache->writeback_index;
  std::uint64_t next = 0;
  std::uint64_t pages = write_pages(file, index, max_pages, component, cls, UINT64_MAX, &next);
  if (pages == 0 && index > 0) pages = write_pages(file, 0, max_pages, component, cls, UINT64_MAX, &next);
  // The next pass resumes after the last page taken.
  if (pages > 0) index = next;
  return pages;
}

bool Writeback::fsync(filesystem::File& file, std::uint64_t& seen_error_seq) {
  cpu_.run(cpu::Component::kWriters, cpu_.costs().syscall_entry_s);
  auto report = [&file, &seen_error_seq] {
    // file_check_and_advance_wb_err: each error once per descriptor.
    const bool error = file.error_seq != seen_error_seq;
    seen_error_seq = file.error_seq;
    return error;
  };
  if (!file.cache) return report();
  write_and_wait(file, 0, UINT64_MAX);
  commit_log();
  return report();
}

void Writeback::write_and_wait(filesystem::File& file, std::uint64_t first_page, std::uint64_t end_page) {
  if (!file.cache) return;
  using page_cache::kDirty;
  using page_cache::kWriteback;
  while (cache_.any_with(*file.cache, first_page, end_page, kDirty | kWriteback)) {
    std::uint64_t submitted = 0;
    if (cache_.any_with(*file.cache, first_page, end_page, kDirty)) {
      // WB_SYNC_ALL: no chunk limit.
      submitted =
          write_pages(file, first_page, UINT64_MAX, cpu::Component::kWriters, block_device::WbtClass::kSync, end_page);
    }
    // Nothing more to submit (the rest is under writeback, or dirty again
    // while under writeback): wait for completions.
    if (submitted == 0) waiters_.wait();
  }
}

template <class Submit>
void Writeback::submit_and_wait(Submit submit) {
  block_device::IoWaiter waiter;
  cpu_.run(cpu::Component::kWriters, cpu_.costs().request_submit_s);
  submit(waiter.expect());
  waiter.wait();
  cpu_.run(cpu::Component::kCompletion, cpu_.costs().request_complete_s);
}

void Writeback::read_metadata(const std::vector<filesystem::Segment>& reads) {
  for (const auto& read : reads)
    submit_and_wait([&](block_device::CompletionFn done) {
      device_.submit(block_device::Op::kRead, read.device_offset_bytes, read.length_bytes, 1, std::move(done));
    });
}

void Writeback::read_allocation_metadata(cpu::CpuBatch* batch) {
  if (!fs_.has_metadata_reads()) return;
  const auto metadata = fs_.take_metadata_reads();  // holds the groups before the task may sleep
  if (batch) batch->flush();
  read_metadata(metadata.reads);
  fs_.release_groups(metadata.groups);
}

void Writeback::commit_log() {
  // xfs_file_fsync / ext4_sync_file: with the data on the device, the
  // transaction that allocated or converted its blocks is committed to the
  // log; each log write is submitted and waited for in turn, the last
  // (the commit record) with a cache flush before and after.
  const auto writes = fs_.commit();
  if (!writes.empty()) cpu_.run(cpu::Component::kWriters, cpu_.costs().*fs_.traits().commit_s);
  for (std::size_t i = 0; i < writes.size(); ++i)
    submit_and_wait([&](block_device::CompletionFn done) {
      device_.submit_log(writes[i].device_offset_bytes, writes[i].length_bytes, i + 1 == writes.size(),
                         std::move(done));
    });
}

std::uint64_t Writeback::dirty_and_writeback_pages() const {
  std::uint64_t pages = 0;
  for (const auto& [name, file] : fs_.files())
    if (file->cache) pages += file->cache->dirty_pages() + file->cache->writeback_pages();
  return pages;
}

void Writeback::kick_dontcache(std::uint64_t pages) {
  dontcache_pages_ += pages;
  if (flusher_idle_) wakeup_->notify_one();
}

double Writeback::push_for_free_space() {
  // bdi_split_work_to_wbs(skip_if_busy): a running flusher (writeback_in_progress) is left alone.
  if (!flusher_idle_ || free_space_pages_ > 0) return 0;
  const double start_s = engine_clock_s();
  free_space_pages_ = cache_.dirty_pages();
  if (free_space_pages_ == 0) return 0;
  wakeup_->notify_one();
  ActorLock lock(*work_mutex_);
  while (free_space_pages_ > 0) work_done_->wait(lock);
  return engine_clock_s() - start_s;
}

void Writeback::end_free_space_work() {
  free_space_pages_ = 0;
  ActorLock lock(*work_mutex_);
  work_done_->notify_all();
}

std::uint64_t Writeback::chunk_pages(std::uint64_t work_pages) const {
  // writeback_chunk_size: half a second at the estimated bandwidth, at most
  // an eighth of the dirty limit and the work's pages, plus 4 MiB rounded
  // down to 4 MiB units.
  const auto bandwidth_pages = static_cast<std::uint64_t>(bandwidth_.avg_pages_per_s() / 2);
  const std::uint64_t pages = std::min({bandwidth_pages, limits_().thresh_pages / 8, work_pages});
  return (pages + kMinWritebackPages) / kMinWritebackPages * kMinWritebackPages;
}

void Writeback::wake_for_reclaim() {
  // WB_REASON_VMSCAN work: as many pages as are dirty now.
  vmscan_pages_ = std::max(vmscan_pages_, cache_.dirty_pages());
  if (flusher_idle_) wakeup_->notify_one();
}

void Writeback::wake_background() {
  background_requested_ = true;
  if (flusher_idle_) wakeup_->notify_one();
}

filesystem::File* Writeback::next_inode(double dirtied_before_s) {
  // writeback_sb_inodes takes b_io's inodes in turn; queue_io refills an
  // empty b_io with b_more_io's (inodes whose chunk ran out with pages still
  // dirty: requeue_io), then the dirty inodes dirtied before the work's
  // cutoff, oldest first (move_expired_inodes).
  const auto clean = [](const filesystem::File* f) { return f->cache->dirty_pages() == 0; };
  while (!b_io_.empty() && clean(b_io_.front())) b_io_.pop_front();
  if (b_io_.empty()) {
    b_io_.swap(b_more_io_);
    b_io_.erase(std::remove_if(b_io_.begin(), b_io_.end(), clean), b_io_.end());
    std::vector<filesystem::File*> expired;
    for (const auto& [name, file] : fs_.files())
      if (file->cache && !clean(file.get()) && file->cache->dirtied_when_s() <= dirtied_before_s &&
          std::find(b_io_.begin(), b_io_.end(), file.get()) == b_io_.end())
        expired.push_back(file.get());
    std::stable_sort(expired.begin(), expired.end(), [](const filesystem::File* a, const filesystem::File* b) {
      return a->cache->dirtied_when_s() < b->cache->dirtied_when_s();
    });
    b_io_.insert(b_io_.end(), expired.begin(), expired.end());
  }
  return b_io_.empty() ? nullptr : b_io_.front();
}

bool Writeback::flusher_chunk(bool kupdate) {
  const double now = engine_clock_s();
  const auto& files = fs_.files();
  if (std::none_of(files.begin(), files.end(),
                   [](const auto& f) { return f.second->cache && f.second->cache->dirty_pages() > 0; })) {
    vmscan_pages_ = 0;
    background_requested_ = false;
    dontcache_pages_ = 0;
    if (free_space_pages_ > 0) end_free_space_work();
    return false;
  }
  // Work for a number of pages (a queued work item first, as wb_do_writeback
  // takes its work list before the start-all bits: ext4's free-space push;
  // then wb_check_start_dontcache for dontcache kicks and wb_check_start_all
  // for reclaim): every dirty inode, chunks bounded by what is left of it,
  // neither background nor kupdate writeback (wb_normal).
  std::uint64_t* counted = free_space_pages_ > 0 ? &free_space_pages_
                           : dontcache_pages_ > 0 ? &dontcache_pages_
                           : vmscan_pages_ > 0    ? &vmscan_pages_
                                                  : nullptr;
  std::uint64_t max_pages = chunk_pages();
  block_device::WbtClass cls = block_device::WbtClass::kBackground;
  filesystem::File* target = nullptr;
  if (counted) {
    cls = block_device::WbtClass::kNormal;
    target = next_inode(now);
    max_pages = chunk_pages(*counted);
  } else if (background_requested_ || cache_.dirty_pages() > limits_().bg_thresh_pages) {
    // wb_over_bg_thresh counts dirty pages, not those under writeback.
    if (cache_.dirty_pages() > limits_().bg_thresh_pages) {
      target = next_inode(now);
    } else {
      background_requested_ = false;
    }
  }
  // wb_check_old_data_flush: inodes dirtied more than dirty_expire ago.
  if (!target && kupdate) target = next_inode(now - params_.dirty_expire_s);
  if (!target) return false;
  const std::uint64_t pages = write_file_chunk(*target, max_pages, cpu::Component::kFlusher, cls);
  stats_.flusher_pages += pages;
  if (counted) *counted -= std::min(*counted, pages);
  // requeue_inode: its chunk used up with pages still dirty, the inode waits
  // for the next turn (b_more_io); else it leaves b_io.
  b_io_.pop_front();
  if (pages >= max_pages && target->cache->dirty_pages() > 0) b_more_io_.push_back(target);
  // wb_writeback ends a work when its pages are written or nothing was.
  if (counted == &free_space_pages_ && (free_space_pages_ == 0 || pages == 0)) end_free_space_work();
  if (pages == 0) {
    // Everything dirty is under writeback already: wait for completions.
    waiters_.wait();
  }
  return true;
}

void Writeback::flusher() {
  // Killed with the other daemons when the last job ends, and the completion
  // work with it, as the devices stop (BlockDevice::run).
  struct StopOnKill {
    CompletionWork<Ioend>& work;
    ~StopOnKill() { work.stop(); }
  } stop_on_kill{end_io_};
  ActorLock lock(*mutex_);
  // Periodic wake-ups every dirty_writeback_interval from boot.
  double next_kupdate_s = params_.dirty_writeback_interval_s;
  while (true) {
    const double now = engine_clock_s();
    bool kupdate = false;
    if (now >= next_kupdate_s - 1e-12) {
      kupdate = true;
      while (next_kupdate_s <= now + 1e-12) next_kupdate_s += params_.dirty_writeback_interval_s;
    }
    while (flusher_chunk(kupdate)) {
    }
    flusher_idle_ = true;
    wakeup_->wait_until(lock, next_kupdate_s);
    flusher_idle_ = false;
  }
}

}  // namespace foliosim::writeback
