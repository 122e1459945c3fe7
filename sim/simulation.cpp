#include "sim/simulation.hpp"

#include <map>
#include <memory>
#include <string>

#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include "models/block_device/block_device.hpp"
#include "models/cpu/cpu.hpp"
#include "models/filesystem/direct_io.hpp"
#include "models/filesystem/filesystem.hpp"
#include "models/workload/job.hpp"
#include "sim/isolated_run.hpp"
#include "sim/random_streams.hpp"

namespace foliosim {

namespace sg4 = simgrid::s4u;

namespace {

Json latency_us(const LatencyHistogram& h) {
  Json out;
  for (auto [key, p] : {std::pair{"p50", 50.0}, {"p90", 90.0}, {"p99", 99.0}, {"p999", 99.9}})
    out[key] = h.percentile_s(p) * 1e6;
  out["max"] = h.max_s() * 1e6;
  out["mean"] = h.mean_s() * 1e6;
  return out;
}

// Everything one run builds, in the order it must be torn down.
struct Machine {
  std::unique_ptr<cpu::Cpu> cpu;
  std::vector<std::unique_ptr<block_device::BlockDevice>> devices;
  std::map<std::size_t, std::unique_ptr<filesystem::Filesystem>> filesystems;  // by device index
  std::map<std::size_t, std::unique_ptr<filesystem::DirectIo>> direct_io;
  workload::WorkloadStats workload;
};

Json collect(const Scenario& scenario, const Machine& m) {
  Json out;
  out["sim_time_s"] = sg4::Engine::get_clock();
  out["write_phase_s"] = m.workload.last_write_end_s;
  out["write_calls"] = m.workload.write_calls;
  out["app_write_bytes"] = m.workload.app_write_bytes;
  out["write_latency_us"] = latency_us(m.workload.write_latency);
  out["fsync_calls"] = m.workload.fsync_calls;
  out["fsync_latency_us"] = latency_us(m.workload.fsync_latency);
  std::uint64_t write_bytes = 0, write_requests = 0;
  Json devices = Json::array();
  for (const auto& d : m.devices) {
    const auto& st = d->stats();
    write_bytes += st.write_bytes;
    write_requests += st.write_requests;
    devices.push_back({{"name", d->params().name},
                       {"write_bytes", st.write_bytes},
                       {"write_requests", st.write_requests},
                       {"merges", st.merges},
                       {"peak_queued_requests", st.peak_queued},
                       {"busy_s", st.busy_s}});
  }
  out["device_write_bytes"] = write_bytes;
  out["device_write_requests"] = write_requests;
  out["devices"] = devices;
  Json cpu_busy;
  for (int c = 0; c < static_cast<int>(cpu::Component::kCount); ++c)
    cpu_busy[cpu::component_name(static_cast<cpu::Component>(c))] = m.cpu->busy_s(static_cast<cpu::Component>(c));
  out["cpu_busy_s"] = cpu_busy;
  (void)scenario;
  return out;
}

}  // namespace

Json simulate(const Scenario& scenario) {
  // Results, not logs, are the output: keep SimGrid quiet.
  xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char program[] = "foliosim";
  char* argv[] = {program, nullptr};
  sg4::Engine engine(&argc, argv);
  // Raw contexts: about 100x faster context switches than threads (DESIGN.md 5).
  sg4::Engine::set_config("contexts/factory:raw");

  Machine m;
  auto* zone = sg4::create_full_zone("machine");
  m.cpu = std::make_unique<cpu::Cpu>(zone, scenario.machine, scenario.cpu);
  zone->seal();

  for (const auto& params : scenario.devices) {
    m.devices.push_back(std::make_unique<block_device::BlockDevice>(params));
    m.devices.back()->start(m.cpu->host());
  }
  for (const auto& job : scenario.jobs) {
    const std::size_t dev = scenario.device_of(job);
    auto& fs = m.filesystems[dev];
    if (!fs) {
      fs = std::make_unique<filesystem::Filesystem>(scenario.filesystem, scenario.devices[dev].capacity_bytes);
      m.direct_io[dev] = std::make_unique<filesystem::DirectIo>(*m.cpu, *fs, *m.devices[dev]);
    }
    for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
      workload::start_job(job, clone, random_stream(scenario.seed, "workload/" + job.name + "/" + std::to_string(clone)),
                          workload::KernelPaths{*m.cpu, *fs, *m.direct_io[dev]}, m.workload);
    }
  }
  try {
    engine.run();
  } catch (const std::runtime_error& e) {
    throw SimulationError(e.what());
  }
  return collect(scenario, m);
}

Json simulate_isolated(const Scenario& scenario) {
  return run_isolated([&scenario] { return simulate(scenario); });
}

}  // namespace foliosim
