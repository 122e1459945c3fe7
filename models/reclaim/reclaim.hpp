// Page reclaim: the memory a page cache allocation needs, kswapd (woken below
// the low watermark, reclaiming to the high one) and direct reclaim in the
// allocating task (below the min watermark, or over a memory cgroup's limit).
#pragma once

#include <cstdint>
#include <functional>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/cpu/cpu.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/reclaim/reclaim_params.hpp"
#include "models/reclaim/watermarks.hpp"
#include "models/writeback/writeback_wait_queue.hpp"

namespace foliosim::reclaim {

struct ReclaimStats {
  std::uint64_t kswapd_reclaimed_pages = 0;
  std::uint64_t direct_reclaimed_pages = 0;
  std::uint64_t scanned_pages = 0;
  // Seconds reclaimers spent waiting for another's serialised work.
  double serial_wait_s = 0;
  std::uint64_t kswapd_wakeups = 0;
  double direct_reclaim_time_s = 0;

  template <class F>
  void stats(F& f) const {
    f.pages("reclaimed_bytes", kswapd_reclaimed_pages + direct_reclaimed_pages, "freed by kswapd and direct reclaim");
    f.pages("reclaim_scanned_bytes", scanned_pages, "scanned by reclaim");
    f.count("kswapd_wakeups", kswapd_wakeups, "times kswapd was woken");
    f.seconds("direct_reclaim_time_s", direct_reclaim_time_s, "tasks' time in direct reclaim, summed");
    f.seconds("reclaim_lock_wait_s", serial_wait_s, "reclaimers' time waiting for another's serialised work");
  }
};

// What a filesystem keeps with each cached page, as reclaim sees it.
struct FilesystemPageData {
  // Charged to the memory cgroup on top of the page (buffer heads).
  std::uint64_t cgroup_bytes_per_page = 0;
  // CPU (at reference speed) to release it when the page is reclaimed.
  double release_per_page_s = 0;
};

class Reclaim {
 public:
  // `fs_data`: what the filesystem keeps with each cached page.
  Reclaim(const ReclaimParams& params, std::uint64_t memory_bytes, const page_cache::PageCacheParams& cache_params,
          const FilesystemPageData& fs_data,
          cpu::Cpu& cpu, page_cache::PageCache& cache, writeback::WritebackWaitQueue& writeback_done,
          std::function<void()> wake_flushers);

  // Starts kswapd.
  void start(simgrid::s4u::Host* host);

  // Makes room for `pages` new page cache pages on the calling task, before
  // they are added: reclaims within the memory cgroup limit if one is set,
  // wakes kswapd below the low watermark, reclaims directly below min.
  // Returns the seconds the task spent in direct reclaim.
  double charge(std::uint64_t pages);

  // Whether charge(pages) would reclaim in the calling task (it may block).
  bool must_reclaim(std::uint64_t pages) const {
    return over_limit_pages(pages) > 0 || free_pages() < watermarks_.min_pages + pages;
  }

  // The memory cgroup's limit is set; its headroom: what may still be
  // charged before the limit (0 at or over it, or without one).
  bool cgroup_limited() const { return limit_pages_ > 0; }
  std::uint64_t cgroup_headroom_pages() const;

  std::uint64_t managed_pages() const { return managed_pages_; }
  std::uint64_t free_pages() const;
  const Watermarks& watermarks() const { return watermarks_; }
  const ReclaimStats& stats() const { return stats_; }

 private:
  // One shrink pass on the calling actor, charged to `component`. Returns the
  // pages freed.
  std::uint64_t reclaim_pass(std::uint64_t want_pages, cpu::Component component);
  void kswapd();
  // By how many pages `extra` more cached pages would pass the cgroup limit
  // (the cgroup holds the page cache, the task's other memory and the
  // filesystem's per-page metadata); 0 without a limit.
  std::uint64_t over_limit_pages(std::uint64_t extra) const;
  // What the cgroup is charged with `extra` more cached pages.
  std::uint64_t cgroup_charged_pages(std::uint64_t extra) const;
  // Reclaim made no progress: sleep until writeback completes (throws when
  // nothing can ever be freed: out of memory).
  void wait_for_writeback(const char* limit);

  ReclaimParams params_;
  cpu::Cpu& cpu_;
  page_cache::PageCache& cache_;
  writeback::WritebackWaitQueue& writeback_done_;
  std::function<void()> wake_flushers_;
  std::uint64_t managed_pages_;
  std::uint64_t other_pages_;
  std::uint64_t limit_pages_;  // memory cgroup limit on the cache; 0: none
  std::uint64_t cgroup_other_pages_;
  FilesystemPageData fs_data_;
  Watermarks watermarks_;
  ReclaimStats stats_;

  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr kswapd_wait_;
  std::uint64_t kswapd_sleeping_ = 0;  // kswapd threads waiting to be woken
  // When the serialised part of the passes queued so far ends (a FIFO lock
  // computed in closed form: no SimGrid activity per pass).
  double serial_free_at_s_ = 0;
};

}  // namespace foliosim::reclaim
