// Writeback of one filesystem's device (a bdi_writeback): the flusher daemon
// (wb_workfn) and the writepages path that fsync and the flusher share.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>

#include <boost/container/small_vector.hpp>

#include <simgrid/s4u/ConditionVariable.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/Mutex.hpp>

#include "models/block_device/block_device.hpp"
#include "models/cpu/cpu.hpp"
#include "models/cpu/cpu_batch.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/page_cache/page_cache.hpp"
#include "models/writeback/bandwidth_estimate.hpp"
#include "models/writeback/completion_work.hpp"
#include "models/writeback/dirty_limits.hpp"
#include "models/writeback/writeback_params.hpp"
#include "models/writeback/writeback_wait_queue.hpp"

namespace foliosim::writeback {

struct WritebackStats {
  std::uint64_t submitted_pages = 0;
  std::uint64_t dropbehind_dropped_pages = 0;
  std::uint64_t flusher_pages = 0;          // submitted by the flusher (the rest: fsync, kicks)
  std::uint64_t kept_dropbehind_pages = 0;  // clean drop-behind folios completion could not drop
  std::uint64_t failed_pages = 0;           // writeback ended with EIO

  WritebackStats& operator+=(const WritebackStats& o) {
    submitted_pages += o.submitted_pages;
    dropbehind_dropped_pages += o.dropbehind_dropped_pages;
    flusher_pages += o.flusher_pages;
    kept_dropbehind_pages += o.kept_dropbehind_pages;
    failed_pages += o.failed_pages;
    return *this;
  }

  template <class F>
  void stats(F& f) const {
    f.group("writeback_submitted_bytes", "bytes writepages submitted to the devices", [&](auto& g) {
      g.pages("total", submitted_pages, "by anyone: the flusher, fsync, dontcache kicks");
      g.pages("by_flusher", flusher_pages, "by the flusher");
    });
    f.pages("dropbehind_dropped_bytes", dropbehind_dropped_pages, "drop-behind folios freed when writeback ended");
    f.pages("dropbehind_kept_bytes", kept_dropbehind_pages,
            "clean drop-behind folios writeback completion could not free (interrupt context, mapped)");
    f.pages("writeback_failed_bytes", failed_pages, "bytes whose writeback ended with EIO");
  }
};

class Writeback {
 public:
  // `limits` gives the current global dirty thresholds; `completion_seed`
  // draws the completion work's wake-ups (completion_work.hpp).
  Writeback(const WritebackParams& params, const page_cache::PageCacheParams& cache_params, cpu::Cpu& cpu,
            page_cache::PageCache& cache, filesystem::Filesystem& fs, block_device::BlockDevice& device,
            WritebackWaitQueue& waiters, std::function<DirtyLimits()> limits, std::uint64_t completion_seed);

  // Starts the flusher daemon.
  void start(simgrid::s4u::Host* host);

  // writepages on the calling actor, charged to `component`: takes up to
  // `max_pages` dirty pages of `file` from `from_page`, maps them to blocks
  // (delayed allocation happens here) and submits them. Returns the pages.
  // Pages at and past `end_page` are left alone (a ranged writeback);
  // `next_page`, when given, receives the page after the last one taken.
  // `cls` is the requests' class for blk-wbt (WB_SYNC_ALL, background or
  // neither), which may make the submitter sleep before each request.
  // `batch`, when given, is the calling task's pending CPU work: writepages'
  // own work joins it and runs as one stretch before the first submission.
  std::uint64_t write_pages(filesystem::File& file, std::uint64_t from_page, std::uint64_t max_pages,
                            cpu::Component component, block_device::WbtClass cls, std::uint64_t end_page = UINT64_MAX,
                            std::uint64_t* next_page = nullptr, cpu::CpuBatch* batch = nullptr);

  // A dontcache write's kick handed to the flusher (Jeff Layton's 2026
  // series: WB_start_dontcache). The pages add to a count the flusher writes
  // back from the oldest dirty files, in its usual chunks; kicks made before
  // it gets to them coalesce into one wake-up.
  void kick_dontcache(std::uint64_t pages);

  // try_to_writeback_inodes_sb(WB_REASON_FS_FREE_SPACE) on the calling
  // actor, for a filesystem short of free blocks (ext4_nonda_switch): unless
  // the flusher is running already (skip_if_busy), it gets work for every
  // dirty page (get_nr_dirty_pages), WB_SYNC_NONE, and the caller waits until
  // the work is done, that is submitted (wb_wait_for_completion). Returns
  // the seconds waited.
  double push_for_free_space();

  // fsync on the calling actor: writes out every dirty page of the file and
  // waits until none is dirty or under writeback (WB_SYNC_ALL). Returns true
  // when it reports a writeback error (EIO) the caller's descriptor had not
  // seen (`seen_error_seq`, its errseq_t sample), and marks it seen.
  bool fsync(filesystem::File& file, std::uint64_t& seen_error_seq);

  // filemap_write_and_wait_range on the calling actor: writes out the dirty
  // pages of [first_page, end_page) (WB_SYNC_ALL) and waits until none of
  // them is dirty or under writeback. No log commit: what O_DIRECT I/O does
  // to the cached range before it goes to the device.
  void write_and_wait(filesystem::File& file, std::uint64_t first_page, std::uint64_t end_page);

  // The filesystem's metadata reads on the calling actor (xfs_trans_read_buf
  // of a buffer not cached): each read submitted and waited for in turn.
  void read_metadata(const std::vector<filesystem::Segment>& reads);
  // read_metadata of what the filesystem's allocations since the last call
  // need (Filesystem::take_metadata_reads), after the task's pending CPU
  // work (`batch`), then releases the groups they hold.
  void read_allocation_metadata(cpu::CpuBatch* batch = nullptr);

  // wakeup_flusher_threads(WB_REASON_VMSCAN): reclaim met dirty pages.
  void wake_for_reclaim();
  // wb_start_background_writeback: dirty pages passed the background threshold.
  void wake_background();

  const WritebackStats& stats() const { return stats_; }
  // Pages under writeback whose bios are not yet submitted (the submitter
  // computes, or waits for blk-wbt or a tag).
  std::uint64_t unsubmitted_pages() const { return unsubmitted_pages_; }
  // Pages of the filesystem's files dirty or under writeback (wb_dirty).
  std::uint64_t dirty_and_writeback_pages() const;
  // The bdi's rate estimates, which its dirtiers also update.
  BandwidthEstimate& estimate() { return bandwidth_; }
  const BandwidthEstimate& estimate() const { return bandwidth_; }

 private:
  struct Bio {
    std::uint64_t first_page, pages, device_offset_bytes;
    std::uint64_t segments;  // folios it touches: each is one physically contiguous segment
  };
  struct BioPlan {
    bool task_context = false;  // completion may drop folios (task context)
    boost::container::small_vector<Bio, 1> bios;  // one, nearly always
  };
  // Maps a range taken for writeback to blocks (delayed allocation happens
  // here) and cuts it into bios (`plan`, empty); then submits them.
  void plan_bios(filesystem::File& file, const page_cache::PageRange& range, BioPlan& plan);
  void submit_bios(filesystem::File& file, const BioPlan& plan, block_device::WbtClass cls);
  // What one bio group's completion ends: its folios' writeback.
  struct Ioend {
    filesystem::File* file;
    page_cache::PageRange pages;
    bool ok;
    bool task_context;  // ended by the completion work, which may drop folios
  };
  void end_ioend(const Ioend& ioend, double ended_s);
  // fsync's commit of the filesystem's transaction: its log writes.
  void commit_log();
  // One request the calling task submits (`submit` given the completion to
  // signal) and waits for, with its submission and completion CPU.
  template <class Submit>
  void submit_and_wait(Submit submit);
  void flusher();
  // One chunk of flusher work; false when there is nothing to do.
  bool flusher_chunk(bool kupdate);
  // The inode the flusher writes next (b_io's first, refilled by queue_io
  // with inodes dirtied up to `dirtied_before_s`); nullptr: none.
  filesystem::File* next_inode(double dirtied_before_s);
  // The free-space work is done: its waiter goes on.
  void end_free_space_work();
  // writeback_chunk_size of WB_SYNC_NONE work for `work_pages` pages.
  std::uint64_t chunk_pages(std::uint64_t work_pages = UINT64_MAX) const;
  std::uint64_t write_file_chunk(filesystem::File& file, std::uint64_t max_pages, cpu::Component component,
                                 block_device::WbtClass cls);

  WritebackParams params_;
  // page_cache/dropbehind_on_error: a drop-behind folio whose write failed is dropped too.
  bool drop_failed_ = true;
  // The filesystem's writepages CPU around the folios, per call and per block.
  filesystem::Costs writepages_costs_;
  filesystem::Costs end_io_costs_;
  // The pages one ioend may carry, besides BIO_MAX_VECS folios.
  std::uint64_t ioend_max_pages_;
  cpu::Cpu& cpu_;
  page_cache::PageCache& cache_;
  filesystem::Filesystem& fs_;
  block_device::BlockDevice& device_;
  WritebackWaitQueue& waiters_;
  std::function<DirtyLimits()> limits_;
  WritebackStats stats_;
  BandwidthEstimate bandwidth_;
  CompletionWork<Ioend> end_io_;  // task-context ioends wait for its kworker
  std::uint64_t in_flight_pages_ = 0;    // taken by write_pages, writeback not yet ended
  std::uint64_t unsubmitted_pages_ = 0;  // marked under writeback, not yet submitted to the device

  simgrid::s4u::MutexPtr mutex_;
  simgrid::s4u::ConditionVariablePtr wakeup_;
  std::uint64_t vmscan_pages_ = 0;  // left to write for reclaim's request
  // The flusher's inode lists: b_io, taken in turn, and b_more_io, the
  // inodes waiting for their next chunk.
  std::deque<filesystem::File*> b_io_, b_more_io_;
  bool background_requested_ = false;
  bool flusher_idle_ = false;
  std::uint64_t dontcache_pages_ = 0;  // kicked, left to write (WB_DONTCACHE_DIRTY)
  // push_for_free_space's work: the pages left to write (0: none queued).
  std::uint64_t free_space_pages_ = 0;
  simgrid::s4u::MutexPtr work_mutex_;
  simgrid::s4u::ConditionVariablePtr work_done_;
};

}  // namespace foliosim::writeback
