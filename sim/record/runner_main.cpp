// foliosim-runner SPEC.json RESULT.json: runs one repetition of a scenario's
// workload on the real kernel for `foliosim record` (sim/record/workload_runner),
// in a process of its own so that a memory cgroup holds the workload alone.
// Exit 0: RESULT.json written; 2: refused (the kernel lacks what the
// workload needs; stderr says what); 1: any other failure.
#include <sys/prctl.h>

#include <csignal>
#include <fstream>
#include <iostream>

#include "sim/input/config_error.hpp"
#include "sim/record/refusal.hpp"
#include "sim/record/sysfs_stats.hpp"
#include "sim/record/workload_runner.hpp"

int main(int argc, char** argv) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // dies with foliosim, which tears down the mount under it
  if (argc != 3) {
    std::cerr << "usage: foliosim-runner SPEC.json RESULT.json (run by `foliosim record`)\n";
    return 1;
  }
  try {
    const auto spec = foliosim::Json::parse(foliosim::record::read_text_file(argv[1]));
    const foliosim::Scenario scenario = foliosim::parse_scenario(spec.at("scenario"), argv[1]);
    const foliosim::record::RunnerTarget target{spec.at("directory").get<std::string>(),
                                                spec.at("device_stat").get<std::string>()};
    const foliosim::Json result = foliosim::record::run_workload(scenario, target);
    std::ofstream out(argv[2]);
    out << result.dump(2) << "\n";
    out.close();
    if (!out) throw std::runtime_error(std::string(argv[2]) + ": cannot write");
  } catch (const foliosim::record::Refused& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
