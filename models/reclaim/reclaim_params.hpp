// Scenario section "reclaim": watermarks (mm/page_alloc.c) and reclaim pacing.
#pragma once

#include <cstdint>

#include "models/common/param_fields.hpp"

namespace foliosim::reclaim {

struct ReclaimParams {
  // vm.min_free_kbytes: the min watermark, below which an allocation
  // reclaims directly; low and high follow it (see watermark_scale_factor).
  // 0 means the kernel's formula sqrt(lowmem_kbytes * 16), clamped to
  // [128 KiB, 256 MiB]. Larger: reclaim starts earlier and keeps more free.
  std::uint64_t min_free_bytes = 0;
  // vm.watermark_scale_factor, in units of 0.01 % of memory (kernel default
  // 10): the gap from min to low (kswapd wakes) and from low to high (kswapd
  // sleeps). Larger: kswapd wakes earlier and frees more per wake-up, so
  // writers reclaim directly less often.
  std::uint64_t watermark_scale_factor = 10;
  // Pages a reclaim pass tries to free at least (SWAP_CLUSTER_MAX = 32).
  // Larger: fewer, longer passes; a writer in direct reclaim frees (and
  // pays for) more than its own allocation.
  std::uint64_t batch_pages = 32;
  // How long reclaim that made no progress sleeps waiting for writeback
  // (reclaim_throttle, VMSCAN_THROTTLE_WRITEBACK: HZ/10), unless a
  // writeback completion wakes it first. Larger: longer stalls when
  // completions are rare. At least 1 ms (a jiffy at HZ=1000).
  double throttle_timeout_s = 0.1;
  // kswapd threads sharing the reclaim work. The kernel runs one per memory
  // node, each on its node's LRU; the model has one LRU, so N threads stand
  // for N nodes' kswapds working at once (1: a single-node machine). More:
  // background reclaim N times as fast, on N times the CPU. At most 1024, the
  // kernel's largest MAX_NUMNODES: each thread is a simulated actor.
  std::uint64_t kswapd_threads = 1;
  // Reclaim CPU per 4 KiB page freed, on top of the per-folio costs
  // (freeing and uncharging each page of a large folio). 0: per-folio only,
  // which makes reclaiming large folios nearly free per byte.
  // Fitted: see models/README.md, "Reclaim".
  double free_per_page_s = 0.039e-6;
  // Reclaim work per 4 KiB page scanned that one reclaimer at a time can do
  // on the node (lruvec->lru_lock and the mappings' i_pages locks, which every
  // kswapd thread and direct reclaimer takes): passes that overlap queue
  // behind each other and spin while they wait, so reclaim throughput stops
  // growing with reclaimers and their CPU time grows instead. 0: no
  // serialised part (a machine with one or two CPUs rarely contends).
  // See models/README.md, "Reclaim".
  double serialised_per_page_s = 0;

  template <class F>
  void fields(F& f) {
    f.size("min_free", min_free_bytes);
    f.count("watermark_scale_factor", watermark_scale_factor);
    f.count("batch_pages", batch_pages, Bound::kPositive);
    f.duration("throttle_timeout", throttle_timeout_s, Bound::at_least(1e-3));
    f.count("kswapd_threads", kswapd_threads, Bound::between(1, 1024));
    f.duration("free_per_page", free_per_page_s);
    f.duration("serialised_per_page", serialised_per_page_s);
  }
};

}  // namespace foliosim::reclaim
