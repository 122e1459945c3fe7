// The page cache as runs of folios sharing a state, per file, on an active and
// an inactive LRU list. Memory and time grow with how fragmented the cache is,
// never with how many bytes it holds: a sequentially written file is one run
// however large. Pure logic, no SimGrid: the write path, writeback and reclaim
// models call it and charge the time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/container/small_vector.hpp>

#include "models/common/node_pool.hpp"
#include "models/common/pages.hpp"
#include "models/page_cache/lru_list.hpp"
#include "models/page_cache/page_cache_params.hpp"

namespace foliosim::page_cache {

// Folio flags (PG_*).
enum Flag : std::uint8_t {
  kDirty = 1 << 0,
  kWriteback = 1 << 1,
  kDropbehind = 1 << 2,  // PG_dropbehind: freed when writeback completes clean
  kActive = 1 << 3,
  kReferenced = 1 << 4,
  kReclaim = 1 << 5,     // PG_reclaim: reclaim wanted it; rotate when clean
  kWriteError = 1 << 6,  // its writeback failed: clean, but not on the device
  kAhead = 1 << 7,       // read ahead and not yet read by the application
};

// Who put the data there: the application, or the filesystem zeroing a gap.
enum class Origin : std::uint8_t { kApplication, kZeroing };

class FileCache;

// Consecutive whole folios of one file, all of one size and state. Every
// cached folio is uptodate (reads are not modelled).
struct Run {
  std::uint64_t first_page;
  std::uint64_t pages;
  std::uint32_t folio_pages;
  std::uint8_t flags;
  Origin origin;
  FileCache* file;
  Run* lru_prev = nullptr;  // older
  Run* lru_next = nullptr;  // younger
  // Steps from this run to its list's youngest when last walked (0: not
  // known), and the list's young_inserts() then: the distance now is at
  // most the one plus what the other added since (removals only shorten it).
  std::uint64_t lru_seen_steps = 0;
  std::uint64_t lru_seen_inserts = 0;

  std::uint64_t end_page() const { return first_page + pages; }
  bool has(Flag f) const { return flags & f; }
};

class FileCache {
 public:
  explicit FileCache(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }
  std::uint64_t cached_pages() const { return cached_pages_; }
  std::uint64_t dirty_pages() const { return dirty_pages_; }
  std::uint64_t writeback_pages() const { return writeback_pages_; }
  // When the file went from clean to dirty (inode->dirtied_when): the
  // flusher's expiry works per file, as the kernel's does.
  double dirtied_when_s() const { return dirtied_when_s_; }
  // Where the next WB_SYNC_NONE pass starts (mapping->writeback_index).
  std::uint64_t writeback_index = 0;
  // A task maps the file: its folios are not invalidated or dropped behind,
  // and reclaim keeps them (their page-table references make
  // folio_check_references keep or activate them).
  bool mapped = false;
  // The runs, for tests and inspection.
  const PooledMap<std::uint64_t, Run>& runs() const { return runs_; }

 private:
  friend class PageCache;
  std::string name_;
  PooledMap<std::uint64_t, Run> runs_;  // by first page; nodes are stable
  std::uint64_t cached_pages_ = 0;
  std::uint64_t dirty_pages_ = 0;
  std::uint64_t writeback_pages_ = 0;
  double dirtied_when_s_ = 0;
};

// A range of pages of one file.
struct PageRange {
  std::uint64_t first_page;
  std::uint64_t pages;
  std::uint64_t folios = 0;  // whole folios in it, where known
};
// Ranges a lookup returns: nearly always one or two, kept inline (no
// allocation a call).
using PageRanges = boost::container::small_vector<PageRange, 2>;

struct WriteResult {
  std::uint64_t new_folios = 0;
  std::uint64_t new_pages = 0;
  std::uint64_t existing_folios = 0;
  std::uint64_t existing_pages = 0;
  std::uint64_t newly_dirtied_pages = 0;  // pages that were clean before
  std::uint64_t ahead_used_pages = 0;     // read-ahead pages read for the first time
};

struct ShrinkResult {
  std::uint64_t scanned_folios = 0;
  std::uint64_t freed_folios = 0;
  std::uint64_t scanned_pages = 0;
  std::uint64_t freed_pages = 0;
  std::uint64_t dirty_pages = 0;      // found dirty: need writeback first
  std::uint64_t writeback_pages = 0;  // found under writeback: need to wait
  std::uint64_t activated_pages = 0;
};

struct WritebackEnd {
  std::uint64_t pages = 0;
  std::uint64_t dropped_pages = 0;          // drop-behind folios freed
  std::uint64_t kept_dropbehind_pages = 0;  // clean drop-behind folios not dropped
};

// The cache's counts at one moment, in pages.
struct CacheTotals {
  std::uint64_t cached_pages = 0;
  std::uint64_t dirty_pages = 0;
  std::uint64_t writeback_pages = 0;
  std::uint64_t dropbehind_pages = 0;
  std::uint64_t zeroed_pages = 0;       // written by XFS zeroing, not the application
  std::uint64_t write_error_pages = 0;  // writeback failed: cached, not on the device
  std::uint64_t lost_pages = 0;         // writeback failed and freed before rewritten
  std::uint64_t runs = 0;

  template <class F>
  void stats(F& f) const {
    f.pages("page_cache_end_bytes", cached_pages, "cached at the end");
    f.pages("dirty_end_bytes", dirty_pages, "dirty at the end");
    f.pages("writeback_end_bytes", writeback_pages, "under writeback at the end (dispatched to a device or not)");
    f.pages("dropbehind_end_bytes", dropbehind_pages, "marked drop-behind at the end");
    f.group("page_cache_end_bytes_by_origin", "cached at the end, by who wrote the folios", [&](auto& g) {
      g.pages("application", cached_pages - zeroed_pages, "the jobs' writes and reads");
      g.pages("filesystem_zeroing", zeroed_pages, "XFS zeroing before file-extending writes");
    });
    f.pages("bytes_at_risk", write_error_pages + lost_pages,
            "whose writeback failed: still cached but not on the device, or freed");
    f.pages("bytes_lost", lost_pages, "whose writeback failed and that were freed before being rewritten");
    f.count("page_cache_runs", runs, "runs of folios in one state: what the cache's memory grows with");
  }
};

class PageCache {
 public:
  explicit PageCache(const PageCacheParams& params);
  PageCache(const PageCache&) = delete;
  PageCache& operator=(const PageCache&) = delete;

  FileCache& file(const std::string& name);

  // Called after each operation that can raise the cached, dirty or
  // under-writeback counts (write, read, start_writeback), once the cache is
  // consistent again: what keeps a peak exact although the cache is sampled
  // between. One observer: setting another replaces it.
  void set_observer(std::function<void()> observer) { observer_ = std::move(observer); }

  // New pages a write of [offset, offset + length) would allocate: what must
  // be charged before it can proceed.
  std::uint64_t missing_pages(const FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // A buffered write of [offset, offset + length): allocates folios for the
  // holes (their size follows the write, fgf_set_order), marks every touched
  // folio dirty and accessed. `dropbehind` marks the new folios only;
  // `origin` is recorded on new folios.
  WriteResult write(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                    bool dropbehind = false, Origin origin = Origin::kApplication);

  // A buffered read of [offset, offset + length) once its missing pages have
  // been read from the device: new folios are clean; cached ones are marked
  // accessed and, as any cached lookup does, lose their drop-behind mark,
  // unless the read is a dontcache one (`dropbehind`), whose new folios get it.
  WriteResult read(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                   bool dropbehind = false);

  // Folios for the hole [offset, offset + length) that a read is about to
  // fill from the device (filemap_create_folio, page_cache_ra_order): clean,
  // not yet accessed; `ahead` marks pages the reader has not asked for.
  WriteResult fill(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                   bool dropbehind, bool ahead);

  // After a dontcache read of [first_page, end_page): frees the drop-behind
  // folios it read to their end that are clean and not under writeback
  // (filemap_end_dropbehind_read); a folio it read only the start of stays
  // for the read that finishes it (recorded: 128 KiB dontcache reads of
  // 2.5 MiB readahead windows read the file exactly once). Returns the pages
  // freed.
  // `folios`, when given, receives how many folios went.
  std::uint64_t drop_read_dropbehind(FileCache& file, std::uint64_t first_page, std::uint64_t end_page,
                                     std::uint64_t* folios = nullptr);

  // An O_DIRECT write's invalidation of the cached folios of [first_page,
  // end_page) (kiocb_invalidate_pages): frees those that are clean and not
  // under writeback (the caller writes the dirty ones back first); returns
  // the pages freed.
  std::uint64_t invalidate_clean(FileCache& file, std::uint64_t first_page, std::uint64_t end_page);

  // The page ranges of [offset, offset + length) not in the cache.
  PageRanges missing_ranges(const FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes) const;

  // Dirty folios from `from_page` on (not wrapping), in file order, up to about
  // `max_pages` (whole folios) and at most `max_folios` folios, marked under
  // writeback and clean: what a writepages pass takes. Folios already under
  // writeback are skipped (WB_SYNC_NONE) and end a range. Returns contiguous
  // ranges. Pages at and past `end_page` are not taken (a ranged writeback).
  PageRanges start_writeback(FileCache& file, std::uint64_t from_page, std::uint64_t max_pages,
                             std::uint64_t end_page = UINT64_MAX, std::uint64_t max_folios = UINT64_MAX);

  // Whether any folio of [first_page, end_page) is under writeback.
  bool under_writeback(const FileCache& file, std::uint64_t first_page, std::uint64_t end_page) const;
  // Whether any folio of [first_page, end_page) has one of `flags` (kDirty | kWriteback, say).
  bool any_with(const FileCache& file, std::uint64_t first_page, std::uint64_t end_page, std::uint8_t flags) const;

  // Whether a folio of `file` starts at `page` (true in holes too).
  bool folio_boundary(const FileCache& file, std::uint64_t page) const;

  // The run of same-size folios holding `page`, as [first_page, end_page)
  // in folios of folio_pages each from first_page; in a hole, one page.
  struct FolioRun {
    std::uint64_t first_page, end_page, folio_pages;
  };
  FolioRun folio_run_at(const FileCache& file, std::uint64_t page) const;

  // Writeback of `range` completed: clears the flag; folios reclaim asked
  // for go to the oldest end of the inactive list (folio_rotate_reclaimable);
  // drop-behind folios that are clean are freed.
  // `ok` false: the write failed (EIO); the folios stay clean but are marked
  // kWriteError: their data is at risk. `may_drop` false: drop-behind folios
  // are kept (completion in interrupt context, or the file is mapped);
  // `drop_failed` says whether a drop-behind folio whose write failed is
  // dropped all the same.
  WritebackEnd end_writeback(FileCache& file, PageRange range, bool ok = true, bool may_drop = true,
                             bool drop_failed = true);

  // Reclaim from the oldest end of the inactive list (shrink_inactive_list):
  // frees clean folios, marks dirty and under-writeback ones PG_reclaim and
  // moves them young. Stops after freeing `want_pages` or scanning
  // `scan_limit_pages`. Refills the inactive list from the active one when
  // it is the smaller (inactive_is_low).
  ShrinkResult shrink(std::uint64_t want_pages, std::uint64_t scan_limit_pages);

  std::uint64_t cached_pages() const { return totals_.cached_pages; }
  std::uint64_t dirty_pages() const { return totals_.dirty_pages; }
  std::uint64_t writeback_pages() const { return totals_.writeback_pages; }
  std::uint64_t dropbehind_pages() const { return totals_.dropbehind_pages; }
  std::uint64_t zeroed_pages() const { return totals_.zeroed_pages; }
  std::uint64_t active_pages() const { return active_.pages(); }
  std::uint64_t inactive_pages() const { return inactive_.pages(); }
  std::uint64_t run_count() const { return totals_.runs; }

  // The counts as they stand (at the end of a run).
  const CacheTotals& totals() const { return totals_; }

  // Files with dirty pages, oldest dirtied first (the b_dirty list).
  std::vector<FileCache*> dirty_files() const;

  // LRU lists, oldest first, for tests.
  std::vector<const Run*> lru(bool active) const;

 private:
  using RunIt = PooledMap<std::uint64_t, Run>::iterator;
  LruList<Run>& list_of(const Run& r) { return r.has(kActive) ? active_ : inactive_; }

  // Splits so that a run starts at `page` (which must fall on a folio
  // boundary of the run containing it, if any).
  void split_at(FileCache& file, std::uint64_t page);
  WriteResult touch(FileCache& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, double now_s,
                    bool dropbehind, Origin origin, bool dirty, bool ahead = false);
  // Rounds [first, end) out to the folio boundaries of the runs it touches.
  std::pair<std::uint64_t, std::uint64_t> folio_aligned(const FileCache& file, std::uint64_t first_page,
                                                        std::uint64_t end_page) const;
  RunIt insert_run(FileCache& file, std::uint64_t first_page, std::uint64_t pages, std::uint32_t folio_pages,
                   std::uint8_t flags, Origin origin);
  void erase_run(FileCache& file, RunIt it);
  // Frees the first `pages` of the run at `it` (whole folios, fewer than it
  // has), as split_at and erase_run would: the rest keeps the run's place
  // on its list, as the split's upper part would, without a node made and
  // one freed.
  void erase_front(FileCache& file, RunIt it, std::uint64_t pages);
  // Merges the runs from the one before first_page to the one at end_page where they agree.
  void merge_around(FileCache& file, std::uint64_t first_page, std::uint64_t end_page);
  // Frees the clean, idle folios of the folio-aligned [first, end) (only
  // drop-behind ones with `dropbehind_only`); returns the pages freed.
  std::uint64_t erase_clean(FileCache& file, std::uint64_t first, std::uint64_t end, bool dropbehind_only,
                            std::uint64_t* folios = nullptr);
  void set_flags(FileCache& file, Run& run, std::uint8_t flags, double now_s);
  void account(FileCache& file, const Run& run, int sign);
  // Merges `it` with its file neighbours when state and LRU position allow.
  void try_merge(FileCache& file, RunIt it);
  void refill_inactive(std::uint64_t scan_limit_pages);
  std::uint32_t folio_pages_for(std::uint64_t page, std::uint64_t pages_left) const;
  void grew() const {
    if (observer_) observer_();
  }

  PageCacheParams params_;
  std::uint32_t max_folio_pages_;
  std::map<std::string, std::unique_ptr<FileCache>> files_;
  LruList<Run> active_;
  LruList<Run> inactive_;
  CacheTotals totals_;
  double now_s_ = 0;
  std::function<void()> observer_;
};

}  // namespace foliosim::page_cache
