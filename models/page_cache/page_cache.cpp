#include "models/page_cache/page_cache.hpp"

#include <algorithm>
#include <tuple>

#include "models/common/errors.hpp"

namespace foliosim::page_cache {

namespace {

std::uint64_t round_up(std::uint64_t value, std::uint64_t unit) { return (value + unit - 1) / unit * unit; }

}  // namespace

PageCache::PageCache(const PageCacheParams& params)
    : params_(params),
      max_folio_pages_(params.large_folios
                           ? static_cast<std::uint32_t>(std::max<std::uint64_t>(1, params.max_folio_bytes / kPageBytes))
                           : 1) {}

FileCache& PageCache::file(const std::string& name) {
  auto& slot = files_[name];
  if (!slot) slot = std::make_unique<FileCache>(name);
  return *slot;
}

std::uint32_t PageCache::folio_pages_for(std::uint64_t page, std::uint64_t pages_left) const {
  // fgf_set_order: the order follows the remaining write length, capped by
  // the mapping's maximum, lowered until the index is aligned to it
  // (__filemap_get_folio).
  std::uint32_t folio = 1;
  while (folio * 2ULL <= std::min<std::uint64_t>(pages_left, max_folio_pages_)) folio *= 2;
  while (page % folio) folio /= 2;
  return folio;
}

void PageCache::account(FileCache& file, const Run& run, int sign) {
  const std::int64_t p = sign * static_cast<std::int64_t>(run.pages);
  auto add = [p](std::uint64_t& counter) {
    counter = static_cast<std::uint64_t>(static_cast<std::int64_t>(counter) + p);
  };
  add(file.cached_pages_);
  add(totals_.cached_pages);
  if (run.has(kDirty)) {
    add(file.dirty_pages_);
    add(totals_.dirty_pages);
  }
  if (run.has(kWriteback)) {
    add(file.writeback_pages_);
    add(totals_.writeback_pages);
  }
  if (run.has(kDropbehind)) add(totals_.dropbehind_pages);
  if (run.origin == Origin::kZeroing) add(totals_.zeroed_pages);
  if (run.has(kWriteError)) add(totals_.write_error_pages);
}

PageCache::RunIt PageCache::insert_run(FileCache& file, std::uint64_t first_page, std::uint64_t pages,
                                       std::uint32_t folio_pages, std::uint8_t flags, Origin origin) {
  auto [it, inserted] = file.runs_.emplace(first_page, Run{first_page, pages, folio_pages, flags, origin, &file});
  if (!inserted) throw InternalError("page cache: overlapping runs in " + file.name());
  Run& run = it->second;
  if (run.has(kDirty) && file.dirty_pages_ == 0) file.dirtied_when_s_ = now_s_;
  account(file, run, +1);
  list_of(run).push_young(&run);
  ++totals_.runs;
  return it;
}

void PageCache::erase_run(FileCache& file, RunIt it) {
  Run& run = it->second;
  // Freed before its data reached the device: lost, and said so.
  if (run.has(kWriteError)) totals_.lost_pages += run.pages;
  list_of(run).remove(&run);
  account(file, run, -1);
  file.runs_.erase(it);
  --totals_.runs;
}

void PageCache::erase_front(FileCache& file, RunIt it, std::uint64_t pages) {
  Run& run = it->second;
  Run freed = run;
  freed.pages = pages;
  if (freed.has(kWriteError)) totals_.lost_pages += pages;
  account(file, freed, -1);
  LruList<Run>& list = list_of(run);
  list.resize(-static_cast<std::int64_t>(pages));
  list.count_young_insert();  // the split's upper part was one
  run.lru_seen_steps = run.lru_seen_inserts = 0;  // as a new run's
  run.first_page += pages;
  run.pages -= pages;
  rekey(file.runs_, it, run.first_page);
}

void PageCache::set_flags(FileCache& file, Run& run, std::uint8_t flags, double now_s) {
  if (flags == run.flags) return;
  const bool moves = (flags & kActive) != (run.flags & kActive);
  if (moves) list_of(run).remove(&run);
  if ((flags & kDirty) && !run.has(kDirty) && file.dirty_pages_ == 0) file.dirtied_when_s_ = now_s;
  account(file, run, -1);
  run.flags = flags;
  account(file, run, +1);
  if (moves) list_of(run).push_young(&run);
}

void PageCache::split_at(FileCache& file, std::uint64_t page) {
  auto it = file.runs_.upper_bound(page);
  if (it == file.runs_.begin()) return;
  --it;
  Run& run = it->second;
  if (page <= run.first_page || page >= run.end_page()) return;
  if ((page - run.first_page) % run.folio_pages) throw InternalError("page cache: split inside a folio");
  const std::uint64_t upper = run.end_page() - page;
  run.pages -= upper;
  list_of(run).resize(-static_cast<std::int64_t>(upper));
  auto next =
      file.runs_.emplace_hint(std::next(it), page, Run{page, upper, run.folio_pages, run.flags, run.origin, &file});
  // The upper part was added after the lower part: just younger than it.
  list_of(run).insert_after(&run, &next->second);
  ++totals_.runs;
}

std::pair<std::uint64_t, std::uint64_t> PageCache::folio_aligned(const FileCache& file, std::uint64_t first_page,
                                                                 std::uint64_t end_page) const {
  auto containing = [&file](std::uint64_t page) -> const Run* {
    auto it = file.runs_.upper_bound(page);
    if (it == file.runs_.begin()) return nullptr;
    const Run& run = std::prev(it)->second;
    return page < run.end_page() ? &run : nullptr;
  };
  if (const Run* r = containing(first_page))
    first_page = r->first_page + (first_page - r->first_page) / r->folio_pages * r->folio_pages;
  if (end_page > 0) {
    if (const Run* r = containing(end_page - 1))
      end_page = r->first_page + round_up(end_page - r->first_page, r->folio_pages);
  }
  return {first_page, end_page};
}

void PageCache::try_merge(FileCache& file, RunIt it) {
  const std::uint64_t window = params_.lru_merge_window_runs;
  // Whether `b` is younger than `a` by at most `window` + 1 steps, or (with
  // `either`) older by as many. Known without a walk for any two runs of a
  // list of at most window + 2 (a few writers' runs, as Axboe's dontcache
  // writers keep), and for `b` the youngest (a new write's run) while `a`'s
  // distance to the youngest when last walked, plus every run inserted
  // since, is in reach. Else both ways at once, so a near run is found in as
  // many steps as it is away.
  auto near = [this, window](Run* a, const Run* b, bool either) {
    const LruList<Run>& list = list_of(*a);
    if (either && list.nodes() <= window + 2) return true;
    const std::uint64_t inserts = list.young_inserts();
    if (either && !b->lru_next && a->lru_seen_steps > 0 &&
        a->lru_seen_steps + (inserts - a->lru_seen_inserts) <= window + 1)
      return true;
    // Not towards a side that cannot hold `b`: the youngest run (a new
    // write's) cannot be older than `a`, the oldest cannot be younger.
    const Run* younger = either && !b->lru_prev ? nullptr : a;
    const Run* older = either && b->lru_next ? a : nullptr;
    for (std::uint64_t step = 0; (younger || older) && step <= window; ++step) {
      if (younger && (younger = younger->lru_next) == b) {
        if (!b->lru_next) {
          a->lru_seen_steps = step + 1;
          a->lru_seen_inserts = inserts;
        }
        return true;
      }
      if (older && (older = older->lru_prev) == b) return true;
    }
    return false;
  };
  // Exact order (window 0): only when the file-lower run is just older.
  auto mergeable = [&near, window](Run& a, const Run& b) {
    return a.end_page() == b.first_page && a.flags == b.flags && a.origin == b.origin &&
           a.folio_pages == b.folio_pages && near(&a, &b, window > 0);
  };
  auto absorb = [&](RunIt into, RunIt from) {
    const std::uint64_t pages = from->second.pages;
    LruList<Run>& list = list_of(from->second);
    list.remove(&from->second);
    file.runs_.erase(from);
    into->second.pages += pages;
    list.resize(static_cast<std::int64_t>(pages));
    --totals_.runs;
  };
  if (it != file.runs_.begin()) {
    auto prev = std::prev(it);
    if (mergeable(prev->second, it->second)) {
      absorb(prev, it);
      it = prev;
    }
  }
  auto next = std::next(it);
  if (next != file.runs_.end() && mergeable(it->second, next->second)) absorb(it, next);
}

std::uint64_t PageCache::missing_pages(const FileCache& file, std::uint64_t offset_bytes,
                                       std::uint64_t length_bytes) const {
  if (length_bytes == 0) return 0;
  std::uint64_t pos = pages_down(offset_bytes);
  const std::uint64_t end = pages_up(offset_bytes + length_bytes);
  std::uint64_t missing = 0;
  auto it = file.runs_.upper_bound(pos);
  if (it != file.runs_.begin() && std::prev(it)->second.end_page() > pos) --it;
  for (; pos < end; ++it) {
    const std::uint64_t next_start = it == file.runs_.end() ? end : std::min(end, it->second.first_page);
    if (next_start > pos) missing += next_start - pos;
    if (it == file.runs_.end()) break;
    pos = std::max(pos, it->second.end_page());
  }
  return missing;
}

WriteResult PageCache::write(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                             bool dropbehind, Origin origin) {
  const WriteResult result = touch(file, offset_bytes, length_bytes, now_s, dropbehind, origin, true);
  grew();
  return result;
}

WriteResult PageCache::read(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                            bool dropbehind) {
  const WriteResult result = touch(file, offset_bytes, length_bytes, now_s, dropbehind, Origin::kApplication, false);
  grew();
  return result;
}

WriteResult PageCache::fill(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                            bool dropbehind, bool ahead) {
  WriteResult result;
  for (const PageRange& hole : missing_ranges(file, offset_bytes, length_bytes)) {
    const WriteResult part = touch(file, hole.first_page * kPageBytes, hole.pages * kPageBytes, now_s, dropbehind,
                                   Origin::kApplication, false, ahead);
    result.new_folios += part.new_folios;
    result.new_pages += part.new_pages;
  }
  grew();
  return result;
}

std::uint64_t PageCache::drop_read_dropbehind(FileCache& file, std::uint64_t first_page, std::uint64_t end_page,
                                              std::uint64_t* folios) {
  const std::uint64_t first = folio_aligned(file, first_page, end_page).first;
  // A folio the read ends inside is left to the read that finishes it: the
  // kernel reads a file once with dontcache reads smaller than its folios.
  const FolioRun last = folio_run_at(file, end_page - 1);
  const std::uint64_t end = last.first_page + (end_page - last.first_page) / last.folio_pages * last.folio_pages;
  return erase_clean(file, first, end, true, folios);
}

std::uint64_t PageCache::invalidate_clean(FileCache& file, std::uint64_t first_page, std::uint64_t end_page) {
  const auto [first, end] = folio_aligned(file, first_page, end_page);
  return erase_clean(file, first, end, false);
}

std::uint64_t PageCache::erase_clean(FileCache& file, std::uint64_t first, std::uint64_t end, bool dropbehind_only,
                                     std::uint64_t* folios) {
  if (end <= first) return 0;
  split_at(file, first);
  split_at(file, end);
  std::uint64_t erased = 0;
  auto it = file.runs_.lower_bound(first);
  while (it != file.runs_.end() && it->first < end) {
    auto next = std::next(it);
    const Run& run = it->second;
    if ((run.has(kDropbehind) || !dropbehind_only) && !run.has(kDirty) && !run.has(kWriteback)) {
      erased += run.pages;
      if (folios) *folios += run.pages / run.folio_pages;
      erase_run(file, it);
    }
    it = next;
  }
  return erased;
}

PageRanges PageCache::missing_ranges(const FileCache& file, std::uint64_t offset_bytes,
                                     std::uint64_t length_bytes) const {
  PageRanges holes;
  if (length_bytes == 0) return holes;
  std::uint64_t pos = pages_down(offset_bytes);
  const std::uint64_t end = pages_up(offset_bytes + length_bytes);
  auto it = file.runs_.upper_bound(pos);
  if (it != file.runs_.begin() && std::prev(it)->second.end_page() > pos) --it;
  for (; pos < end; ++it) {
    const std::uint64_t next_start = it == file.runs_.end() ? end : std::min(end, it->second.first_page);
    if (next_start > pos) holes.push_back({pos, next_start - pos, 0});
    if (it == file.runs_.end()) break;
    pos = std::max(pos, it->second.end_page());
  }
  return holes;
}

WriteResult PageCache::touch(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                             bool dropbehind, Origin origin, bool dirty, bool ahead) {
  now_s_ = now_s;
  WriteResult result;
  if (length_bytes == 0) return result;
  std::uint64_t first = pages_down(offset_bytes), end = pages_up(offset_bytes + length_bytes);
  // Past the last run (a file written or read sequentially): no folio to
  // align to or split, and a hole to the end.
  const bool past_last = file.runs_.empty() || file.runs_.rbegin()->second.end_page() <= first;
  if (!past_last) {
    std::tie(first, end) = folio_aligned(file, first, end);
    split_at(file, first);
    split_at(file, end);
  }
  std::uint64_t pos = first;
  while (pos < end) {
    auto it = file.runs_.lower_bound(pos);
    if (it != file.runs_.end() && it->first == pos) {
      Run& run = it->second;
      std::uint8_t flags = dirty ? run.flags | kDirty : run.flags;
      // folio_mark_accessed: a second access activates an inactive folio.
      if (!run.has(kActive) && run.has(kReferenced)) {
        flags = static_cast<std::uint8_t>((flags & ~kReferenced) | kActive);
      } else if (!run.has(kActive)) {
        flags |= kReferenced;
      }
      // A cached (normal) write competes for the folio: it loses drop-behind.
      if (!dropbehind) flags &= static_cast<std::uint8_t>(~kDropbehind);
      // Written again: the new data will be written back; nothing at risk.
      if (dirty) flags &= static_cast<std::uint8_t>(~kWriteError);
      // Read ahead, now used.
      if (run.has(kAhead)) {
        result.ahead_used_pages += run.pages;
        flags &= static_cast<std::uint8_t>(~kAhead);
      }
      result.existing_pages += run.pages;
      result.existing_folios += run.pages / run.folio_pages;
      if (dirty && !run.has(kDirty)) result.newly_dirtied_pages += run.pages;
      pos = run.end_page();
      set_flags(file, run, flags, now_s);
      continue;
    }
    // A hole up to the next run: new folios, each as large as allowed.
    const std::uint64_t hole_end = it == file.runs_.end() ? end : std::min(end, it->first);
    // fgf_set_order takes the bytes left from pos, so a partial last page does not raise the order.
    auto left = [&](std::uint64_t p) {
      const std::uint64_t bytes = offset_bytes + length_bytes - std::max(p * kPageBytes, offset_bytes);
      return std::min(hole_end - p, std::max<std::uint64_t>(1, bytes / kPageBytes));
    };
    while (pos < hole_end) {
      const std::uint32_t folio = folio_pages_for(pos, left(pos));
      std::uint64_t pages = folio;
      // Consecutive folios of the same size share one run.
      while (pos + pages + folio <= hole_end && folio_pages_for(pos + pages, left(pos + pages)) == folio)
        pages += folio;
      insert_run(
          file, pos, pages, folio,
          static_cast<std::uint8_t>((dirty ? kDirty : 0) | (dropbehind ? kDropbehind : 0) | (ahead ? kAhead : 0)),
          origin);
      result.new_folios += pages / folio;
      result.new_pages += pages;
      if (dirty) result.newly_dirtied_pages += pages;
      pos += pages;
    }
  }
  // Merge last, so the walk above never sees a run grow under it.
  auto it = file.runs_.lower_bound(first);
  while (it != file.runs_.end() && it->first < end) {
    std::uint64_t start = it->first;
    try_merge(file, it);
    it = file.runs_.upper_bound(start);
  }
  return result;
}

bool PageCache::under_writeback(const FileCache& file, std::uint64_t first_page, std::uint64_t end_page) const {
  return any_with(file, first_page, end_page, kWriteback);
}

bool PageCache::any_with(const FileCache& file, std::uint64_t first_page, std::uint64_t end_page,
                         std::uint8_t flags) const {
  auto it = file.runs_.upper_bound(first_page);
  if (it != file.runs_.begin()) --it;
  for (; it != file.runs_.end() && it->first < end_page; ++it)
    if (it->second.end_page() > first_page && (it->second.flags & flags)) return true;
  return false;
}

PageRanges PageCache::start_writeback(FileCache& file, std::uint64_t from_page, std::uint64_t max_pages,
                                      std::uint64_t end_page, std::uint64_t max_folios) {
  PageRanges ranges;
  std::uint64_t taken = 0, taken_folios = 0;
  split_at(file, folio_aligned(file, from_page, from_page + 1).first);  // folios wholly before from_page are not taken
  auto it = file.runs_.upper_bound(from_page);
  if (it != file.runs_.begin() && std::prev(it)->second.end_page() > from_page) --it;
  std::uint64_t merge_from = it == file.runs_.end() ? 0 : it->first;
  for (; it != file.runs_.end() && taken < max_pages && taken_folios < max_folios && it->first < end_page; ++it) {
    Run& run = it->second;
    if (!run.has(kDirty) || run.has(kWriteback)) continue;
    std::uint64_t take = run.pages;
    if (taken + take > max_pages) take = round_up(max_pages - taken, run.folio_pages);
    if (max_folios - taken_folios < take / run.folio_pages) take = (max_folios - taken_folios) * run.folio_pages;
    if (take < run.pages) split_at(file, run.first_page + take);
    if (!ranges.empty() && ranges.back().first_page + ranges.back().pages == run.first_page) {
      ranges.back().pages += run.pages;
      ranges.back().folios += run.pages / run.folio_pages;
    } else {
      ranges.push_back({run.first_page, run.pages, run.pages / run.folio_pages});
    }
    taken += run.pages;
    taken_folios += run.pages / run.folio_pages;
    set_flags(file, run, static_cast<std::uint8_t>((run.flags & ~kDirty) | kWriteback), now_s_);
  }
  // Merge what was taken; `it` may itself be merged away, so stop by page.
  const std::uint64_t merge_to = ranges.empty() ? merge_from : ranges.back().first_page + ranges.back().pages;
  for (auto m = file.runs_.lower_bound(merge_from); m != file.runs_.end() && m->first <= merge_to;) {
    std::uint64_t start = m->first;
    try_merge(file, m);
    m = file.runs_.upper_bound(start);
  }
  if (!ranges.empty()) grew();
  return ranges;
}

WritebackEnd PageCache::end_writeback(FileCache& file, PageRange range, bool ok, bool may_drop, bool drop_failed) {
  WritebackEnd result;
  const std::uint64_t end = range.first_page + range.pages;
  // The front of a clean drop-behind run under writeback, dropped (each
  // dontcache ioend of a file written in order): freed in place.
  auto front = file.runs_.find(range.first_page);
  if (ok && may_drop && front != file.runs_.end()) {
    const Run& run = front->second;
    if (run.has(kWriteback) && run.has(kDropbehind) && !run.has(kDirty) && run.pages > range.pages &&
        range.pages % run.folio_pages == 0) {
      result.pages = result.dropped_pages = range.pages;
      erase_front(file, front, range.pages);
      merge_around(file, range.first_page, end);
      return result;
    }
  }
  split_at(file, range.first_page);
  split_at(file, end);
  auto it = file.runs_.lower_bound(range.first_page);
  while (it != file.runs_.end() && it->first < end) {
    Run& run = it->second;
    auto next = std::next(it);
    if (run.has(kWriteback)) {
      result.pages += run.pages;
      std::uint8_t flags = static_cast<std::uint8_t>(run.flags & ~kWriteback);
      // Clean and failed: mapping_set_error; the folio is not redirtied.
      if (!ok && !(flags & kDirty)) flags |= kWriteError;
      const bool drop = may_drop && (ok || drop_failed);
      if (!(flags & kDirty) && (flags & kDropbehind) && !drop) {
        result.kept_dropbehind_pages += run.pages;
        set_flags(file, run, static_cast<std::uint8_t>(flags & ~kReclaim), now_s_);
      } else if (!(flags & kDirty) && (flags & kDropbehind)) {
        set_flags(file, run, flags, now_s_);
        // Clean again: the drop-behind folio is invalidated.
        result.dropped_pages += run.pages;
        erase_run(file, it);
      } else if (!(flags & kDirty) && (flags & kReclaim) && !(flags & kActive)) {
        // folio_rotate_reclaimable: reclaim frees it next.
        set_flags(file, run, static_cast<std::uint8_t>(flags & ~kReclaim), now_s_);
        inactive_.remove(&run);
        inactive_.push_old(&run);
      } else {
        // folio_end_writeback clears PG_reclaim whatever happens next.
        set_flags(file, run, static_cast<std::uint8_t>(flags & ~kReclaim), now_s_);
      }
    }
    it = next;
  }
  merge_around(file, range.first_page, end);
  return result;
}

void PageCache::merge_around(FileCache& file, std::uint64_t first_page, std::uint64_t end_page) {
  // The range with its neighbours where they now agree.
  auto m = file.runs_.upper_bound(first_page);
  if (m != file.runs_.begin()) --m;
  while (m != file.runs_.end() && m->first <= end_page) {
    std::uint64_t start = m->first;
    try_merge(file, m);
    m = file.runs_.upper_bound(start);
  }
}

void PageCache::refill_inactive(std::uint64_t scan_limit_pages) {
  // inactive_is_low: keep the inactive list at least as large as the active.
  std::uint64_t moved = 0;
  while (inactive_.pages() < active_.pages() && moved < scan_limit_pages) {
    Run* run = active_.oldest();
    const std::uint64_t want = (active_.pages() - inactive_.pages() + 1) / 2;
    if (run->pages > want) split_at(*run->file, run->first_page + round_up(want, run->folio_pages));
    moved += run->pages;
    set_flags(*run->file, *run, static_cast<std::uint8_t>(run->flags & ~(kActive | kReferenced)), now_s_);
  }
}

ShrinkResult PageCache::shrink(std::uint64_t want_pages, std::uint64_t scan_limit_pages) {
  ShrinkResult result;
  refill_inactive(scan_limit_pages);
  std::uint64_t set_aside = 0;
  while (result.freed_pages < want_pages && result.scanned_pages < scan_limit_pages) {
    if (set_aside > 0 && set_aside >= inactive_.pages()) break;  // one pass: never rescan folios set aside by this call
    Run* run = inactive_.oldest();
    if (!run) {
      refill_inactive(scan_limit_pages);
      run = inactive_.oldest();
      if (!run) break;
    }
    FileCache& file = *run->file;
    const bool busy = run->has(kDirty) || run->has(kWriteback);
    const std::uint64_t budget =
        std::min(scan_limit_pages - result.scanned_pages, busy ? scan_limit_pages : want_pages - result.freed_pages);
    if (run->pages > budget) split_at(file, run->first_page + round_up(budget, run->folio_pages));
    result.scanned_pages += run->pages;
    result.scanned_folios += run->pages / run->folio_pages;
    if (file.mapped) {
      // folio_check_references: referenced through a mapping, kept.
      set_aside += run->pages;
      inactive_.remove(run);
      inactive_.push_young(run);
    } else if (run->has(kDirty) || run->has(kWriteback)) {
      (run->has(kWriteback) ? result.writeback_pages : result.dirty_pages) += run->pages;
      set_aside += run->pages;
      // PG_reclaim, and out of the way until writeback makes it clean.
      const std::uint64_t first_page = run->first_page;
      set_flags(file, *run, run->flags | kReclaim, now_s_);
      inactive_.remove(run);
      inactive_.push_young(run);
      try_merge(file, file.runs_.find(first_page));
    } else {
      result.freed_pages += run->pages;
      result.freed_folios += run->pages / run->folio_pages;
      erase_run(file, file.runs_.find(run->first_page));
    }
  }
  return result;
}

bool PageCache::folio_boundary(const FileCache& file, std::uint64_t page) const {
  auto it = file.runs_.upper_bound(page);
  if (it == file.runs_.begin()) return true;
  const Run& run = std::prev(it)->second;
  return page >= run.end_page() || (page - run.first_page) % run.folio_pages == 0;
}

PageCache::FolioRun PageCache::folio_run_at(const FileCache& file, std::uint64_t page) const {
  auto it = file.runs_.upper_bound(page);
  if (it != file.runs_.begin() && std::prev(it)->second.end_page() > page) {
    const Run& run = std::prev(it)->second;
    return {run.first_page, run.end_page(), run.folio_pages};
  }
  return {page, page + 1, 1};
}

std::vector<FileCache*> PageCache::dirty_files() const {
  std::vector<FileCache*> files;
  for (const auto& [name, file] : files_)
    if (file->dirty_pages_ > 0) files.push_back(file.get());
  std::stable_sort(files.begin(), files.end(),
                   [](const FileCache* a, const FileCache* b) { return a->dirtied_when_s_ < b->dirtied_when_s_; });
  return files;
}

std::vector<const Run*> PageCache::lru(bool active) const {
  std::vector<const Run*> out;
  for (const Run* r = (active ? active_ : inactive_).oldest(); r; r = r->lru_next) out.push_back(r);
  return out;
}

}  // namespace foliosim::page_cache
