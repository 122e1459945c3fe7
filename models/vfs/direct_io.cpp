#include "models/vfs/direct_io.hpp"

#include <algorithm>

#include <simgrid/s4u/Engine.hpp>

#include "models/common/pages.hpp"

namespace foliosim::vfs {


std::uint64_t DirectIo::write(File& file, std::uint64_t offset_bytes, std::uint64_t length_bytes,
                              block_device::IoWaiter& waiter, cpu::CpuBatch& batch, double& submitted_s) {
  const auto& costs = cpu_.costs();
  const auto segments = fs_.map_for_write(file, offset_bytes, length_bytes);
  file.size_bytes = std::max(file.size_bytes, offset_bytes + length_bytes);
  // The user buffer is anonymous memory: one physically discontiguous 4 KiB
  // page per bio segment (iov_iter_extract_pages pins pages that bio_add_page
  // cannot merge), so max_segments rather than max_request_size bounds its
  // requests.
  std::uint64_t requests = 0;
  for (const auto& segment : segments)
    requests += device_.requests_for(segment.length_bytes, pages_up(segment.length_bytes));
  const std::uint64_t pages = pages_up(length_bytes);

  // Setup, page pinning and bio submission run in the writer before it sleeps.
  batch.add({{costs.syscall_entry_s, cpu::Work::kCode},
             {costs.dio_setup_s, cpu::Work::kDioSetup},
             {static_cast<double>(pages) * costs.dio_per_page_s, cpu::Work::kCode},
             {static_cast<double>(requests) * costs.request_submit_s, cpu::Work::kCode}});
  batch.flush();
  submitted_s = simgrid::s4u::Engine::get_clock();
  {
    block_device::Plug plug(device_);  // iomap_dio_rw plugs around its bios
    for (const auto& segment : segments)
      device_.submit(block_device::Op::kWrite, segment.device_offset_bytes, segment.length_bytes,
                     pages_up(segment.length_bytes), waiter.expect());
  }
  waiter.wait();
  // Completion work (interrupt, bio_endio, iomap_dio_complete) delays the
  // writer's return by its cost.
  cpu_.run(cpu::Component::kCompletion, static_cast<double>(requests) * costs.request_complete_s);
  return requests;
}

}  // namespace foliosim::vfs
