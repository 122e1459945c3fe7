#include "sim/input/fio/fio_scenario.hpp"

#include <filesystem>
#include <fstream>

#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_job_mapping.hpp"

namespace foliosim::fio {
namespace {

namespace fs = std::filesystem;

// The capacity of the filesystem's device, when the scenario gives one that reads.
std::optional<std::uint64_t> filesystem_device_capacity(const Json& scenario, const std::string& file) {
  try {
    const std::string device = scenario.at("filesystem").at("device").get<std::string>();
    for (const auto& entry : scenario.at("devices"))
      if (entry.at("name") == device) return read_fields<block_device::DeviceParams>(entry, "", file).capacity_bytes;
  } catch (const ConfigError&) {
  } catch (const Json::exception&) {
  }
  return std::nullopt;  // the scenario's own checks will name what is wrong
}

// The native workload: its jobs, and the files overwrite=1 lays out.
Json native_workload(const FioJobFile& jobs, const Json& scenario, const std::string& file,
                     const std::set<std::string>& ignored, std::string* description) {
  const FioWorkload workload = map_fio_jobs(jobs, {filesystem_device_capacity(scenario, file)}, ignored);
  Json out;
  out["jobs"] = Json::array();
  for (const auto& job : workload.jobs) out["jobs"].push_back(write_fields(job));
  for (const auto& f : workload.files) out["files"].push_back(write_fields(f));
  if (description) *description = workload.description;
  return out;
}

// An inline option's value as fio would have it written.
std::string option_text(const Json& value, const std::string& file, const std::string& path) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  throw ConfigError(file, path, "expected a string, a whole number or true/false, got " + value.dump());
}

std::vector<FioOption> options_of(const Json& object, const std::string& file, const std::string& path) {
  if (!object.is_object()) throw ConfigError(file, path, "expected an object of fio options, got " + object.dump());
  std::vector<FioOption> options;
  for (const auto& item : object.items()) {
    FioOption option;
    option.name = item.key();
    option.json_path = join_path(path, item.key());
    option.file = file;
    option.has_value = !item.value().is_null();  // null: a bare flag
    if (option.has_value) option.value = option_text(item.value(), file, option.json_path);
    options.push_back(option);
  }
  return options;
}

FioJobFile fio_options_file(const Json& options, const std::string& file, const std::string& path) {
  FieldReader reader(options, path, file);
  const Json* global = reader.child("global");
  const Json* jobs = reader.child("jobs");
  reader.finish();
  FioJobFile out;
  if (global) out.globals = options_of(*global, file, join_path(path, "global"));
  const std::string jobs_path = join_path(path, "jobs");
  if (!jobs || !jobs->is_array() || jobs->empty())
    throw ConfigError(file, jobs_path, "expected a non-empty list of jobs, each an object of fio options with a name");
  for (std::size_t i = 0; i < jobs->size(); ++i) {
    const std::string job_path = join_path(jobs_path, i);
    FioSection section{"", file, 0, job_path, out.globals};
    for (auto& option : options_of((*jobs)[i], file, job_path)) {
      if (option.name == "name") section.name = option.value;
      section.options.push_back(option);
    }
    if (section.name.empty()) throw ConfigError(file, join_path(job_path, "name"), "is required: the job's name");
    out.jobs.push_back(section);
  }
  return out;
}

std::set<std::string> ignore_list(const Json* list, const std::string& file, std::set<std::string> names) {
  if (!list) return names;
  if (!list->is_array()) throw ConfigError(file, "workload/ignore", "expected a list of fio option names");
  for (std::size_t i = 0; i < list->size(); ++i) {
    if (!(*list)[i].is_string()) throw ConfigError(file, join_path("workload/ignore", i), "expected a fio option name");
    names.insert((*list)[i].get<std::string>());
  }
  return names;
}

}  // namespace

bool is_fio_job_file(const std::string& path) {
  if (fs::path(path).extension() == ".fio") return true;
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (!std::isspace(static_cast<unsigned char>(c))) return c != '{';
  return false;  // empty or unreadable: the scenario reader says why
}

Json default_machine_json() {
  return Json::parse(R"({"seed": 1,
    "machine": {"cpus": 2, "cpu_speed": "2.5GHz", "memory": "24GiB"},
    "devices": [{"name": "nvme0", "write_bandwidth": "3GBps", "read_bandwidth": "3GBps", "latency": "20us",
                 "queue_depth": 128, "max_request_size": "1280KiB", "capacity": "16GiB"}],
    "filesystem": {"type": "xfs", "block_size": "4KiB", "device": "nvme0"}})");
}

Json fio_scenario_json(const std::string& job_path, const std::string& machine_path,
                       const std::set<std::string>& ignored, const EnvLookup& env) {
  Json scenario = machine_path.empty() ? default_machine_json() : read_json_file(machine_path);
  if (!scenario.is_object()) throw ConfigError(machine_path, "", "expected a JSON object at the top level");
  for (const char* key : {"name", "description", "workload", "variants", "published"}) scenario.erase(key);
  const FioJobFile jobs = read_fio_file(job_path, env);
  std::string description;
  Json native = native_workload(jobs, scenario, job_path, ignored, &description);
  Json out;
  out["name"] = fs::path(job_path).stem().string();
  out["description"] = !description.empty() ? description
                                            : "fio job file " + job_path + " on " +
                                                  (machine_path.empty() ? "the default machine" : machine_path);
  out.update(scenario);
  out["workload"] = native;
  return out;
}

void expand_fio_workload(Json& scenario, const std::string& scenario_file, const std::set<std::string>& ignored,
                         const EnvLookup& env) {
  if (!scenario.is_object() || !scenario.contains("workload") || !scenario["workload"].is_object()) return;
  const Json& workload = scenario["workload"];
  if (!workload.contains("fio") && !workload.contains("fio_options")) return;
  FieldReader reader(workload, "workload", scenario_file);
  const Json* file = reader.child("fio");
  const Json* options = reader.child("fio_options");
  const std::set<std::string> names = ignore_list(reader.child("ignore"), scenario_file, ignored);
  reader.finish();  // "jobs" beside them is refused: one or the other
  if (file && options) throw ConfigError(scenario_file, "workload", "give fio (a job file) or fio_options, not both");
  FioJobFile jobs;
  if (file) {
    if (!file->is_string()) throw ConfigError(scenario_file, "workload/fio", "expected the path of a fio job file");
    const fs::path path = fs::path(scenario_file).parent_path() / file->get<std::string>();
    jobs = read_fio_file(path.string(), env);
  } else {
    jobs = fio_options_file(*options, scenario_file, "workload/fio_options");
  }
  scenario["workload"] = native_workload(jobs, scenario, scenario_file, names, nullptr);
}

ScenarioFile load_scenario_or_job_file(const std::string& path, const std::vector<std::string>& overrides,
                                       const std::string& machine_path, const std::vector<std::string>& ignored) {
  const std::set<std::string> names(ignored.begin(), ignored.end());
  if (is_fio_job_file(path)) return parse_scenario_json(fio_scenario_json(path, machine_path, names), path, overrides);
  if (!machine_path.empty())
    throw ConfigError(path, "--machine", "goes with a fio job file; a scenario has its own machine");
  Json scenario = read_json_file(path);
  expand_fio_workload(scenario, path, names);
  return parse_scenario_json(scenario, path, overrides);
}

}  // namespace foliosim::fio
