#include "models/vfs/direct_io.hpp"

#include <algorithm>

#include "models/common/pages.hpp"
#include "models/common/sim_clock.hpp"

namespace foliosim::vfs {

namespace {

// Requests of `segments` from an anonymous user buffer: one physically
// discontiguous 4 KiB page per bio segment (iov_iter_extract_pages pins pages
// that bio_add_page cannot merge), so max_segments rather than
// max_request_size bounds them.
std::uint64_t dio_requests(const block_device::BlockDevice& device, const filesystem::Segments& segments) {
  std::uint64_t requests = 0;
  for (const auto& segment : segments)
    requests += device.requests_for(segment.length_bytes, pages_up(segment.length_bytes));
  return requests;
}

}  // namespace

std::uint64_t DirectIo::transfer(block_device::Op op, const filesystem::Segments& segments,
                                 std::uint64_t length_bytes, double setup_s, block_device::IoWaiter& waiter,
                                 cpu::CpuBatch& batch, double& submitted_s) {
  const auto& costs = cpu_.costs();
  const std::uint64_t requests = dio_requests(device_, segments);
  // Setup, page pinning and bio submission run in the caller before it sleeps.
  batch.add({{costs.syscall_entry_s, cpu::Work::kCode},
             {setup_s, cpu::Work::kDioSetup},
             {static_cast<double>(pages_up(length_bytes)) * costs.dio_per_page_s, cpu::Work::kCode},
             {static_cast<double>(requests) * costs.request_submit_s, cpu::Work::kCode}});
  batch.flush();
  submitted_s = engine_clock_s();
  if (requests == 0) return 0;
  {
    block_device::Plug plug(device_);  // iomap_dio_rw plugs around its bios
    for (const auto& segment : segments)
      device_.submit(op, segment.device_offset_bytes, segment.length_bytes, pages_up(segment.length_bytes),
                     waiter.expect());
  }
  waiter.wait();
  // Completion work (interrupt, bio_endio, iomap_dio_complete) delays the
  // caller's return by its cost.
  cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * costs.request_complete_s);
  return requests;
}

void DirectIo::sync_cached_range(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes, bool invalidate,
                                 cpu::CpuBatch& batch) {
  if (!file.cache || file.cache->cached_pages() == 0) return;
  const std::uint64_t first = pages_down(offset_bytes), end = pages_up(offset_bytes + length_bytes);
  if (cache_.any_with(*file.cache, first, end, page_cache::kDirty | page_cache::kWriteback)) {
    batch.flush();
    writeback_.write_and_wait(file, first, end);
  }
  if (invalidate && !file.cache->mapped) cache_.invalidate_clean(*file.cache, first, end);
}

DirectOutcome DirectIo::write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                              block_device::IoWaiter& waiter, cpu::CpuBatch& batch) {
  const auto flush = [&batch] { batch.flush(); };
  RwHold lock(file.inode_lock, fs_.direct_write_lock(file, offset_bytes, length_bytes),
              cpu_.machine().wakeup_latency_s, flush, flush);
  DirectOutcome outcome;
  outcome.lock_wait_s = lock.waited_s();
  sync_cached_range(file, offset_bytes, length_bytes, true, batch);
  // An overwrite of written blocks inside i_size allocates, converts and
  // extends nothing (no IOMAP_DIO_UNWRITTEN, no i_size update at completion).
  const auto& costs = cpu_.costs();
  const double setup_s =
      fs_.overwrites_written(file, offset_bytes, length_bytes) ? costs.dio_overwrite_setup_s : costs.dio_setup_s;
  const auto segments = fs_.map_for_write(file, offset_bytes, length_bytes);
  writeback_.read_allocation_metadata(&batch);
  file.size_bytes = std::max(file.size_bytes, offset_bytes + length_bytes);
  transfer(block_device::Op::kWrite, segments, length_bytes, setup_s, waiter, batch, outcome.submitted_s);
  outcome.bytes = length_bytes;
  return outcome;
}

DirectOutcome DirectIo::read(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                             block_device::IoWaiter& waiter, cpu::CpuBatch& batch) {
  const auto flush = [&batch] { batch.flush(); };
  RwHold lock(file.inode_lock, LockMode::kShared, cpu_.machine().wakeup_latency_s, flush, flush);
  DirectOutcome outcome;
  outcome.lock_wait_s = lock.waited_s();
  if (offset_bytes >= file.size_bytes) {
    batch.add(cpu_.costs().syscall_entry_s);
    return outcome;
  }
  length_bytes = std::min(length_bytes, file.size_bytes - offset_bytes);
  sync_cached_range(file, offset_bytes, length_bytes, false, batch);
  transfer(block_device::Op::kRead, fs_.map_for_read(file, offset_bytes, length_bytes), length_bytes,
           cpu_.costs().dio_read_setup_s, waiter, batch, outcome.submitted_s);
  outcome.bytes = length_bytes;
  return outcome;
}

}  // namespace foliosim::vfs
