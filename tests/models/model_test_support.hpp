// Helpers for tests that drive one model directly: sizes, zero CPU costs, a
// device of round numbers, a quiet SimGrid engine, and a child process to run
// it in. Models and SimGrid only: nothing of sim/.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <simgrid/s4u/Actor.hpp>
#include <simgrid/s4u/Engine.hpp>
#include <simgrid/s4u/Host.hpp>
#include <simgrid/s4u/NetZone.hpp>
#include <xbt/log.h>

#include "models/block_device/device_params.hpp"
#include "models/common/contexts.hpp"
#include "models/common/sim_clock.hpp"
#include "models/cpu/cpu_params.hpp"
#include "models/workload/job_params.hpp"

namespace foliosim::test {

constexpr std::uint64_t KiB = 1024;
constexpr std::uint64_t MiB = 1024 * KiB;
constexpr std::uint64_t GiB = 1024 * MiB;

// Every kernel path free, so that simulated times are the device's alone
// unless a test sets a cost; reference speed and batch window as default.
// Every field the cpu section declares: each duration (a cost) zero, each
// rate (the copy) unbounded, each number (a spread's shape) zero, so every
// call costs exactly its work; a cost added later is free here too.
struct ZeroCosts {
  void duration(const char*, double& seconds, Bound = {}) { seconds = 0; }
  void rate(const char*, double& bytes_per_s, Bound = {}) { bytes_per_s = 1e30; }
  void number(const char*, double& value, double, double) { value = 0; }
  template <class... A>
  void frequency(A&&...) {}
  template <class... A>
  void count(A&&...) {}
};

inline cpu::CpuCostParams zero_cpu_costs() {
  cpu::CpuCostParams c;
  ZeroCosts zero;
  c.fields(zero);
  c.batch_window_s = cpu::CpuCostParams{}.batch_window_s;  // simulator speed, not a cost
  return c;
}

// The reference machine without interruptions or completion-work lag, so
// that a call's time is its work alone.
inline cpu::MachineParams quiet_machine() {
  cpu::MachineParams m;
  m.interrupt_rate_hz = 0;
  m.completion_wakeup_latency_s = 0;  // ioends end where their bios complete
  return m;
}

// "dev0": 1 GB/s each way behind 100 us a request, no per-request overhead,
// 1 MiB requests: round numbers for hand-worked times.
inline block_device::DeviceParams gigabyte_device() {
  block_device::DeviceParams params;
  params.name = "dev0";
  params.write_bandwidth_Bps = 1e9;
  params.read_bandwidth_Bps = 1e9;
  params.request_latency_s = 100e-6;
  params.request_overhead_s = 0;
  params.segment_overhead_s = 0;
  params.discontiguous_latency_s = 0;
  params.max_request_bytes = 1 * MiB;
  params.service_sigma = 0;  // every request takes exactly its service time
  params.stall_rate_hz = 0;  // and never stalls
  return params;
}

inline workload::JobParams direct_job(const std::string& name, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  workload::JobParams job;
  job.name = name;
  job.mode = workload::IoMode::kDirect;
  job.bs_bytes = bs_bytes;
  job.size_bytes = size_bytes;
  return job;
}

inline workload::JobParams buffered_job(const std::string& name, std::uint64_t bs_bytes, std::uint64_t size_bytes) {
  workload::JobParams job = direct_job(name, bs_bytes, size_bytes);
  job.mode = workload::IoMode::kBuffered;
  return job;
}

// `job` made a reader of `filename` (empty: of the job's own file).
inline workload::JobParams reading(workload::JobParams job, const std::string& filename = "") {
  job.rw = workload::Rw::kRead;
  if (!filename.empty()) job.filename = filename;
  return job;
}

// A quiet SimGrid engine with an empty zone, for models that make their own
// host (cpu::Cpu). Seal the zone once they are built. Run it in a child
// process (run_in_child): one engine a process.
inline std::unique_ptr<simgrid::s4u::Engine> bare_engine(simgrid::s4u::NetZone*& zone) {
  xbt_log_control_set("root.thresh:critical");
  int argc = 1;
  char program[] = "test";
  char* argv[] = {program, nullptr};
  use_context_factory();
  auto engine = std::make_unique<simgrid::s4u::Engine>(&argc, argv);
  follow_engine_clock();
  zone = simgrid::s4u::create_full_zone("z");
  return engine;
}

// The same with one 1 GHz host and the zone sealed, for models that only run
// on a host (a block device).
inline std::unique_ptr<simgrid::s4u::Engine> bare_engine(simgrid::s4u::Host*& host) {
  simgrid::s4u::NetZone* zone = nullptr;
  auto engine = bare_engine(zone);
  host = zone->create_host("cpu", 1e9);
  zone->seal();
  return engine;
}

// Runs `body()` as one actor on `host`, and the engine until its actors end;
// returns what `body` returned. An exception in it is rethrown here, where
// SimGrid would have aborted on it.
template <class Body>
auto run_actor(simgrid::s4u::Engine& engine, simgrid::s4u::Host* host, Body body) -> decltype(body()) {
  decltype(body()) result{};
  std::exception_ptr error;
  simgrid::s4u::Actor::create("task", host, [&] {
    try {
      result = body();
    } catch (...) {
      error = std::current_exception();
    }
  });
  engine.run();
  if (error) std::rethrow_exception(error);
  return result;
}

namespace detail {

// What crosses from the child: trivially copyable values, strings, vectors
// and pairs of them, as raw bytes. Declared first so that they nest.
template <class T>
void put(std::string& out, const std::vector<T>& values);
template <class A, class B>
void put(std::string& out, const std::pair<A, B>& pair);
template <class T>
void get(const std::string& in, std::size_t& at, std::vector<T>& values);
template <class A, class B>
void get(const std::string& in, std::size_t& at, std::pair<A, B>& pair);

template <class T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>, "run_in_child returns plain values, strings, vectors and pairs");
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}
inline void put(std::string& out, const std::string& text) {
  put(out, text.size());
  out += text;
}
template <class T>
void put(std::string& out, const std::vector<T>& values) {
  put(out, values.size());
  for (const T& v : values) put(out, v);
}
template <class A, class B>
void put(std::string& out, const std::pair<A, B>& pair) {
  put(out, pair.first);
  put(out, pair.second);
}

template <class T>
void get(const std::string& in, std::size_t& at, T& value) {
  if (in.size() - at < sizeof value) throw std::runtime_error("child process: short answer");
  std::memcpy(&value, in.data() + at, sizeof value);
  at += sizeof value;
}
inline void get(const std::string& in, std::size_t& at, std::string& text) {
  std::size_t size = 0;
  get(in, at, size);
  if (in.size() - at < size) throw std::runtime_error("child process: short answer");
  text = in.substr(at, size);
  at += size;
}
template <class T>
void get(const std::string& in, std::size_t& at, std::vector<T>& values) {
  std::size_t size = 0;
  get(in, at, size);
  values.resize(size);
  for (T& v : values) get(in, at, v);
}
template <class A, class B>
void get(const std::string& in, std::size_t& at, std::pair<A, B>& pair) {
  get(in, at, pair.first);
  get(in, at, pair.second);
}

}  // namespace detail

// Calls `body` in a forked child and returns what it returned: SimGrid allows
// one engine a process and keeps its clock across engines. Check the result
// here, not in the child: an assertion failing there is lost with it. An
// exception in the child comes back as a std::runtime_error with its message.
template <class Body>
auto run_in_child(Body body) -> decltype(body()) {
  using Result = decltype(body());
  std::fflush(nullptr);  // or the child would print the parent's buffered output again
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    close(fds[0]);
    // A crash ends the child quietly; the parent reports it (not doctest's
    // handlers, which would report a test of their own from here).
    for (int sig : {SIGABRT, SIGSEGV, SIGFPE, SIGILL, SIGBUS}) std::signal(sig, SIG_DFL);
    std::string answer;
    try {
      answer = "r";
      detail::put(answer, body());
    } catch (const std::exception& e) {
      answer = std::string("e") + e.what();
    }
    for (std::size_t done = 0; done < answer.size();) {
      const ssize_t n = write(fds[1], answer.data() + done, answer.size() - done);
      if (n <= 0) _exit(1);
      done += static_cast<std::size_t>(n);
    }
    _exit(0);  // skip the parent's destructors, atexit handlers and doctest's report
  }
  close(fds[1]);
  std::string answer;
  char buffer[65536];
  ssize_t n = 0;
  while ((n = read(fds[0], buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    answer.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (answer.empty()) {
    throw std::runtime_error(WIFSIGNALED(status) ? "child process killed by signal " + std::to_string(WTERMSIG(status))
                                                 : "child process died (wait status " + std::to_string(status) + ")");
  }
  if (answer[0] == 'e') throw std::runtime_error(answer.substr(1));
  Result result{};
  std::size_t at = 1;
  detail::get(answer, at, result);
  return result;
}

}  // namespace foliosim::test
