#include "models/reclaim/reclaim.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include <simgrid/s4u/Actor.hpp>

#include "models/common/actor_lock.hpp"
#include "models/common/actor_start.hpp"
#include "models/common/errors.hpp"
#include "models/common/pages.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::reclaim {

namespace sg4 = simgrid::s4u;

Reclaim::Reclaim(const ReclaimParams& params, std::uint64_t memory_bytes,
                 const page_cache::PageCacheParams& cache_params, const FilesystemPageData& fs_data,
                 cpu::Cpu& cpu, page_cache::PageCache& cache,
                 writeback::WritebackWaitQueue& writeback_done, std::function<void()> wake_flushers)
    : params_(params),
      cpu_(cpu),
      cache_(cache),
      writeback_done_(writeback_done),
      wake_flushers_(std::move(wake_flushers)),
      managed_pages_(pages_down(memory_bytes)),
      other_pages_(pages_down(cache_params.other_memory_bytes)),
      limit_pages_(pages_down(cache_params.memory_limit_bytes)),
      cgroup_other_pages_(pages_up(cache_params.cgroup_other_memory_bytes)),
      fs_data_(fs_data),
      watermarks_(kernel_watermarks(pages_down(memory_bytes), params)),
      mutex_(sg4::Mutex::create()),
      kswapd_wait_(sg4::ConditionVariable::create()) {}

void Reclaim::start(sg4::Host* host) {
  for (std::uint64_t i = 0; i < params_.kswapd_threads; ++i)
    start_actor("kswapd" + std::to_string(i), host, [this] { kswapd(); }, ActorKind::kDaemon);
}

std::uint64_t Reclaim::free_pages() const {
  const std::uint64_t used = other_pages_ + cache_.cached_pages();
  return used >= managed_pages_ ? 0 : managed_pages_ - used;
}

std::uint64_t Reclaim::cgroup_charged_pages(std::uint64_t extra) const {
  const std::uint64_t cached = cache_.cached_pages() + extra;
  // Slab objects are charged by the byte, in whole pages (obj_cgroup).
  return cached + cgroup_other_pages_ + pages_up(cached * fs_data_.cgroup_bytes_per_page);
}

std::uint64_t Reclaim::over_limit_pages(std::uint64_t extra) const {
  if (limit_pages_ == 0) return 0;
  const std::uint64_t charged = cgroup_charged_pages(extra);
  return charged > limit_pages_ ? charged - limit_pages_ : 0;
}

std::uint64_t Reclaim::cgroup_headroom_pages() const {
  if (limit_pages_ == 0) return 0;
  const std::uint64_t charged = cgroup_charged_pages(0);
  return charged < limit_pages_ ? limit_pages_ - charged : 0;
}

std::uint64_t Reclaim::reclaim_pass(std::uint64_t want_pages, cpu::Component component) {
  const std::uint64_t want = std::max(want_pages, params_.batch_pages);
  // Scan up to twice what is wanted: dirty and under-writeback folios found
  // on the way are set aside, not freed.
  auto result = cache_.shrink(want, 2 * want);
  // Counted before the pass's time: a run may end while it is being spent.
  stats_.scanned_pages += result.scanned_pages;
  (component == cpu::Component::kKswapd ? stats_.kswapd_reclaimed_pages : stats_.direct_reclaimed_pages) +=
      result.freed_pages;
  const auto& costs = cpu_.costs();
  if (params_.serialised_per_page_s > 0) {
    // Queue behind the passes already holding the node's locks, spinning.
    const double now_s = engine_clock_s();
    const double start_s = std::max(now_s, serial_free_at_s_);
    serial_free_at_s_ =
        start_s + cpu_.scaled_s(static_cast<double>(result.scanned_pages) * params_.serialised_per_page_s);
    stats_.serial_wait_s += start_s - now_s;
    cpu_.spin(component, serial_free_at_s_ - now_s);
  }
  cpu_.run(component, static_cast<double>(result.scanned_folios) * costs.reclaim_scan_per_folio_s +
                          static_cast<double>(result.freed_folios) * costs.reclaim_free_per_folio_s +
                          static_cast<double>(result.freed_pages) *
                              (params_.free_per_page_s + fs_data_.release_per_page_s));
  // shrink_inactive_list: dirty folios nobody is writing yet wake the flushers.
  if (result.dirty_pages > 0) wake_flushers_();
  return result.freed_pages;
}

void Reclaim::wait_for_writeback(const char* limit) {
  // Only dirty or under-writeback pages can still become free.
  if (cache_.dirty_pages() + cache_.writeback_pages() == 0)
    throw SimulatedFailure(std::string("out of memory: nothing left to reclaim under ") + limit);
  writeback_done_.wait(params_.throttle_timeout_s);
}

double Reclaim::charge(std::uint64_t pages) {
  const double start_s = engine_clock_s();
  // try_charge: over the cgroup's limit, the task reclaims within the cgroup
  // until the charge fits; with no progress it waits for writeback (cgroup v1
  // reclaim waits on folios under writeback).
  if (limit_pages_ > 0) {
    while (const std::uint64_t over = over_limit_pages(pages)) {
      const std::uint64_t freed = reclaim_pass(over, cpu::Component::kWriters);
      if (freed == 0) wait_for_writeback("the memory cgroup limit");
    }
  }
  // Below the low watermark after this allocation: wake kswapd.
  if (free_pages() < watermarks_.low_pages + pages && kswapd_sleeping_ > 0) {
    ++stats_.kswapd_wakeups;
    kswapd_wait_->notify_all();
  }
  // The allocation may not take free memory below min: reclaim directly.
  while (free_pages() < watermarks_.min_pages + pages) {
    const std::uint64_t freed = reclaim_pass(watermarks_.min_pages + pages - free_pages(), cpu::Component::kWriters);
    if (freed == 0) wait_for_writeback("the min watermark");
  }
  const double spent_s = engine_clock_s() - start_s;
  stats_.direct_reclaim_time_s += spent_s;
  return spent_s;
}

void Reclaim::kswapd() {
  ActorLock lock(*mutex_);
  while (true) {
    ++kswapd_sleeping_;
    kswapd_wait_->wait(lock);
    --kswapd_sleeping_;
    // Reclaim without the lock, so the other kswapd threads work at once.
    lock.unlock();
    while (free_pages() < watermarks_.high_pages) {
      // A pass frees at once and then charges its time: each thread takes
      // its share of the gap, so N threads free it N times as fast.
      const std::uint64_t gap = watermarks_.high_pages - free_pages();
      const std::uint64_t freed = reclaim_pass(std::max<std::uint64_t>(1, gap / params_.kswapd_threads),
                                               cpu::Component::kKswapd);
      if (freed > 0) continue;
      if (cache_.dirty_pages() + cache_.writeback_pages() == 0) break;  // nothing will become free
      writeback_done_.wait(params_.throttle_timeout_s);
    }
    lock.lock();
  }
}

}  // namespace foliosim::reclaim
