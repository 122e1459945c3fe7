#include "sim/input/scenario.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "models/common/pages.hpp"
#include "models/reclaim/watermarks.hpp"
#include "models/workload/job_checks.hpp"
#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_scenario.hpp"
#include "sim/input/units.hpp"

namespace foliosim {

const char* path_name_problem(const std::string& name) {
  if (name.empty()) return "is empty: it is used as a directory name";
  if (name.find('\0') != std::string::npos) return "holds a NUL character: it is used as a directory name";
  if (name.find_first_of("/\\") != std::string::npos || name == "." || name == "..")
    return "is used as a directory name: no slashes, not \".\" or \"..\"";
  return nullptr;
}

namespace {

void check_path_name(const FieldReader& reader, const std::string& name) {
  if (const char* problem = path_name_problem(name)) reader.fail("name", problem);
}

std::vector<std::string> device_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const auto& d : s.devices) names.push_back(d.name);
  return names;
}

void check_device_name(const Scenario& s, const std::string& name, const std::string& file, const std::string& path) {
  auto names = device_names(s);
  if (std::find(names.begin(), names.end(), name) != names.end()) return;
  std::string hint = did_you_mean(name, names);
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "\"" : ", \"") + n + "\"";
  throw ConfigError(file, path,
                    "no device named \"" + name + "\"" + (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)") +
                        "; devices: " + list);
}

void validate_job(const Scenario& s, const workload::JobParams& job, const std::string& file, const std::string& path) {
  if (const auto problem = workload::check_job(job, s.filesystem.block_bytes))
    throw ConfigError(file, join_path(path, problem->option), problem->message);
  if (!job.device.empty()) check_device_name(s, job.device, file, join_path(path, "device"));
}

template <class Params>
std::vector<Params> read_array(const Json* array, const std::string& path, const std::string& file, const char* what) {
  if (!array) throw ConfigError(file, path, std::string("is required: a list of ") + what);
  if (!array->is_array() || array->empty())
    throw ConfigError(file, path, std::string("expected a non-empty list of ") + what + ", got " + array->dump());
  std::vector<Params> items;
  for (std::size_t i = 0; i < array->size(); ++i)
    items.push_back(read_fields<Params>((*array)[i], join_path(path, i), file));
  return items;
}

// The page cache needs room above everything else: other_memory, the kernel's
// reserves up to the high watermark, and one folio of the largest size;
// below that the first write would find nothing to reclaim.
void check_memory(const Scenario& s, const std::string& file) {
  const std::uint64_t managed_pages = pages_down(s.machine.memory_bytes);
  const std::uint64_t needed_pages = pages_up(s.page_cache.other_memory_bytes) +
                                     reclaim::kernel_watermarks(managed_pages, s.reclaim).high_pages +
                                     pages_up(s.page_cache.max_folio_bytes);
  if (managed_pages < needed_pages)
    throw ConfigError(file, "machine/memory",
                      "must be at least " + units::format_size(page_bytes(needed_pages)) +
                          " (page_cache/other_memory, the kernel's reserves up to the high watermark and one " +
                          "largest folio), got " + units::format_size(s.machine.memory_bytes));
}

void check_write_errors(const Scenario& s, const std::string& file) {
  for (std::size_t d = 0; d < s.devices.size(); ++d)
    for (std::size_t w = 0; w < s.devices[d].write_errors.size(); ++w) {
      const auto& window = s.devices[d].write_errors[w];
      if (window.to_s < window.from_s)
        throw ConfigError(file, join_path(join_path(join_path(join_path("devices", d), "write_errors"), w), "to"),
                          "the window ends (" + units::format_duration(window.to_s) + ") before it starts (" +
                              units::format_duration(window.from_s) + ")");
    }
}

// A file that exists before the run: its holes, extents and cached range
// within its size, and its cache within memory (set up with no reclaim).
void check_files(const Scenario& s, const std::string& file) {
  std::set<std::string> names;
  std::uint64_t cached_pages = 0;
  for (std::size_t i = 0; i < s.files.size(); ++i) {
    const auto& f = s.files[i];
    const std::string path = join_path("workload/files", i);
    const std::string which = "file \"" + f.name + "\": ";
    if (!names.insert(f.name).second)
      throw ConfigError(file, join_path(path, "name"), "duplicate file name \"" + f.name + "\"");
    if (!f.device.empty()) check_device_name(s, f.device, file, join_path(path, "device"));
    const std::uint64_t blocks = (f.size_bytes + s.filesystem.block_bytes - 1) / s.filesystem.block_bytes;
    if (f.layout == filesystem::Layout::kFragmented && f.extents > blocks)
      throw ConfigError(file, join_path(path, "extents"),
                        which + "more extents than the file has blocks (" + std::to_string(blocks) + ")");
    if (f.layout != filesystem::Layout::kFragmented && f.extents != 1)
      throw ConfigError(file, join_path(path, "extents"), which + "applies to the fragmented layout only");
    if (f.layout != filesystem::Layout::kSparse && !f.holes.empty())
      throw ConfigError(file, join_path(path, "holes"), which + "applies to the sparse layout only");
    for (std::size_t h = 0; h < f.holes.size(); ++h)
      if (f.holes[h].offset_bytes + f.holes[h].length_bytes > f.size_bytes)
        throw ConfigError(file, join_path(join_path(join_path(path, "holes"), h), "length"),
                          which + "the hole ends past the file's size (" + units::format_size(f.size_bytes) + ")");
    const filesystem::ByteRange cached = f.cached_range();
    if (f.cached != workload::CachedPart::kRange && (f.cached_offset_bytes || f.cached_length_bytes))
      throw ConfigError(file, join_path(path, f.cached_offset_bytes ? "cached_offset" : "cached_length"),
                        which + "applies with \"cached\": \"range\" only");
    if (f.cached == workload::CachedPart::kRange && cached.length_bytes == 0)
      throw ConfigError(file, join_path(path, "cached_length"), which + "a cached range needs a positive length");
    if (cached.offset_bytes + cached.length_bytes > f.size_bytes)
      throw ConfigError(
          file, join_path(path, "cached_length"),
          which + "the cached range ends past the file's size (" + units::format_size(f.size_bytes) + ")");
    cached_pages += pages_up(cached.offset_bytes + cached.length_bytes) - pages_down(cached.offset_bytes);
  }
  const std::uint64_t managed_pages = pages_down(s.machine.memory_bytes);
  const std::uint64_t room_pages = managed_pages - pages_up(s.page_cache.other_memory_bytes) -
                                   reclaim::kernel_watermarks(managed_pages, s.reclaim).high_pages;
  const std::uint64_t limit_pages = pages_down(s.page_cache.memory_limit_bytes);
  if (cached_pages > room_pages || (limit_pages && cached_pages > limit_pages))
    throw ConfigError(file, "workload/files",
                      "the files' cached ranges (" + units::format_size(page_bytes(cached_pages)) +
                          ") do not fit in memory above other_memory and the high watermark (or the memory limit)");
}

// stonewall and wait_for: a job waits only for jobs before it.
void check_phases(const Scenario& s, std::size_t index, const std::string& file) {
  const auto& job = s.jobs[index];
  const std::string path = join_path("workload/jobs", index);
  if (!job.wait_for.empty()) {
    std::vector<std::string> earlier;
    for (std::size_t j = 0; j < index; ++j) earlier.push_back(s.jobs[j].name);
    if (std::find(earlier.begin(), earlier.end(), job.wait_for) == earlier.end()) {
      const std::string hint = did_you_mean(job.wait_for, earlier);
      throw ConfigError(file, join_path(path, "wait_for"),
                        "no job named \"" + job.wait_for + "\" before this one" +
                            (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
  }
  for (std::size_t k = 0; k < job.before.size(); ++k) {
    const auto& step = job.before[k];
    const std::string step_path = join_path(join_path(path, "before"), k);
    if (step.step == workload::StepKind::kFsync && step.file.empty())
      throw ConfigError(file, join_path(step_path, "file"), "fsync needs the file to sync");
    if (step.step != workload::StepKind::kFsync && !step.file.empty())
      throw ConfigError(file, join_path(step_path, "file"), "applies to the fsync step only");
    if (step.step != workload::StepKind::kSleep && step.duration_s > 0)
      throw ConfigError(file, join_path(step_path, "duration"), "applies to the sleep step only");
  }
}

const Json& section(const Json* value) {
  static const Json empty = Json::object();
  return value ? *value : empty;
}

}  // namespace

std::size_t Scenario::device_of(const workload::JobParams& job) const { return device_index(job.device); }

std::size_t Scenario::device_index(const std::string& device) const {
  const std::string& name = device.empty() ? filesystem.device : device;
  for (std::size_t i = 0; i < devices.size(); ++i)
    if (devices[i].name == name) return i;
  throw InternalError("an unknown device: " + name);
}

Scenario parse_scenario(const Json& root, const std::string& file) {
  Scenario s;
  FieldReader top(root, "", file);
  top.require("name");
  top.text("name", s.name);
  check_path_name(top, s.name);
  top.text("description", s.description);
  top.count("seed", s.seed);
  s.machine = read_fields<cpu::MachineParams>(section(top.child("machine")), "machine", file);
  s.cpu = read_fields<cpu::CpuCostParams>(section(top.child("cpu")), "cpu", file);
  s.devices = read_array<block_device::DeviceParams>(top.child("devices"), "devices", file, "devices");
  top.require("filesystem");
  s.filesystem = read_fields<filesystem::FilesystemParams>(*top.child("filesystem"), "filesystem", file);
  s.page_cache = read_fields<page_cache::PageCacheParams>(section(top.child("page_cache")), "page_cache", file);
  s.writeback = read_fields<writeback::WritebackParams>(section(top.child("writeback")), "writeback", file);
  s.reclaim = read_fields<reclaim::ReclaimParams>(section(top.child("reclaim")), "reclaim", file);
  top.duration("run_for", s.run_for_s, Bound::between(0, kMaxSimulatedTimeS));
  top.duration("sample_interval", s.sample_interval_s, Bound::at_least(kMinSampleIntervalS));
  top.number("tail_percentile", s.tail_percentile, 0, 100);
  top.count("tail_writes_max", s.tail_writes_max, Bound::kPositive);
  top.require("workload");
  FieldReader workload(*top.child("workload"), "workload", file);
  s.jobs = read_array<workload::JobParams>(workload.child("jobs"), "workload/jobs", file, "jobs");
  if (const Json* files = workload.child("files"); files && !(files->is_array() && files->empty()))
    s.files = read_array<workload::FileSpec>(files, "workload/files", file, "files");
  workload.finish();
  top.child("variants");  // read by load_scenario_file
  top.finish();

  std::set<std::string> seen;
  for (std::size_t i = 0; i < s.devices.size(); ++i)
    if (!seen.insert(s.devices[i].name).second)
      throw ConfigError(file, join_path(join_path("devices", i), "name"),
                        "duplicate device name \"" + s.devices[i].name + "\"");
  check_device_name(s, s.filesystem.device, file, "filesystem/device");
  if (s.filesystem.block_bytes != 4096)
    throw ConfigError(file, "filesystem/block_size", "only 4KiB (the page size) is modelled");
  check_write_errors(s, file);
  check_memory(s, file);
  seen.clear();
  std::uint64_t clones = 0;
  for (std::size_t i = 0; i < s.jobs.size(); ++i) {
    const std::string path = join_path("workload/jobs", i);
    if (!seen.insert(s.jobs[i].name).second)
      throw ConfigError(file, join_path(path, "name"), "duplicate job name \"" + s.jobs[i].name + "\"");
    validate_job(s, s.jobs[i], file, path);
    clones += s.jobs[i].numjobs;
    if (clones > kMaxClones)
      throw ConfigError(file, join_path(path, "numjobs"),
                        "the jobs' clones add up to more than " + std::to_string(kMaxClones) +
                            " (each is a simulated actor with its own stack)");
  }
  check_files(s, file);
  for (std::size_t i = 0; i < s.jobs.size(); ++i) check_phases(s, i, file);
  return s;
}

Json resolved_json(const Scenario& s) {
  Json out;
  out["name"] = s.name;
  if (!s.description.empty()) out["description"] = s.description;
  out["seed"] = s.seed;
  out["machine"] = write_fields(s.machine);
  out["cpu"] = write_fields(s.cpu);
  out["devices"] = Json::array();
  for (const auto& d : s.devices) out["devices"].push_back(write_fields(d));
  out["filesystem"] = write_fields(s.filesystem);
  out["page_cache"] = write_fields(s.page_cache);
  out["writeback"] = write_fields(s.writeback);
  out["reclaim"] = write_fields(s.reclaim);
  out["run_for"] = units::format_duration(s.run_for_s);
  out["sample_interval"] = units::format_duration(s.sample_interval_s);
  out["tail_percentile"] = s.tail_percentile;
  out["tail_writes_max"] = s.tail_writes_max;
  out["workload"]["jobs"] = Json::array();
  for (const auto& j : s.jobs) out["workload"]["jobs"].push_back(write_fields(j));
  if (!s.files.empty()) {
    out["workload"]["files"] = Json::array();
    for (const auto& f : s.files) out["workload"]["files"].push_back(write_fields(f));
  }
  return out;
}

void set_by_path(Json& root, const std::string& path, const Json& value) {
  if (path.empty()) throw std::invalid_argument("empty path");
  // Objects on the way are created: a path of many components would nest as deep.
  if (static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) >= kMaxJsonDepth)
    throw std::invalid_argument("path has more than " + std::to_string(kMaxJsonDepth) + " components");
  Json* node = &root;
  std::string walked;
  std::size_t start = 0;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string token = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (token.empty()) throw std::invalid_argument("path \"" + path + "\" has an empty component");
    if (node->is_null()) *node = Json::object();
    Json* next = nullptr;
    if (node->is_array()) {
      if (token.find_first_not_of("0123456789") != std::string::npos)
        throw std::invalid_argument((walked.empty() ? "the top level" : walked) + " is a list: \"" + token +
                                    "\" is not an index");
      // Compared as text first: a huge index would overflow std::stoul.
      if (token.size() > 18 || std::stoull(token) >= node->size())
        throw std::invalid_argument(join_path(walked, token) + " does not exist: " + walked + " has " +
                                    std::to_string(node->size()) + " entries");
      next = &(*node)[std::stoull(token)];
    } else if (node->is_object()) {
      next = &(*node)[token];
    } else {
      throw std::invalid_argument(walked + " is a value, not an object or a list");
    }
    walked = join_path(walked, token);
    node = next;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  *node = value;
}

namespace {

// Refuses objects and lists nested deeper than kMaxJsonDepth, naming the
// line, before nlohmann builds (and later copies, recursively) the tree. A
// scan of the text: it counts brackets outside strings and needs no stack.
void check_json_depth(const std::string& text, const std::string& file, const std::string& path) {
  std::size_t depth = 0, line = 1;
  bool in_string = false, escaped = false;
  for (const char c : text) {
    if (c == '\n') ++line;
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth)
        throw ConfigError(
            file, path,
            "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels at line " + std::to_string(line));
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    }
  }
}

// Whether `text` is UTF-8 as nlohmann checks it when it writes a string
// (which it does for the resolved scenario).
bool valid_utf8(const std::string& text) {
  try {
    Json(text).dump();
    return true;
  } catch (const Json::type_error&) {
    return false;
  }
}

Json override_value(const std::string& text) {
  // A JSON value when it parses as one (42, true, "x"), else a plain string
  // such as 4KiB.
  try {
    return Json::parse(text);
  } catch (const Json::exception&) {  // parse_error, or out_of_range for 1e400
    return Json(text);
  }
}

}  // namespace

Json parse_json_text(const std::string& text, const std::string& file) {
  check_json_depth(text, file, "");
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based: the position where parsing failed.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    std::string what = e.what();
    // nlohmann's message is "[json.exception.parse_error.101] parse error at line L, column C: ..."
    auto colon = what.find(": ");
    std::string detail = colon == std::string::npos ? what : what.substr(colon + 2);
    throw ConfigError(
        file, "",
        "malformed JSON at line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + detail);
  } catch (const Json::out_of_range& e) {
    // A number beyond a double, such as 1e400 ("number overflow parsing ...").
    std::string what = e.what();
    throw ConfigError(file, "", "malformed JSON: " + what.substr(what.find("] ") + 2));
  }
}

Json read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_json_text(text.str(), path);
}

ScenarioFile parse_scenario_text(const std::string& text, const std::string& file,
                                 const std::vector<std::string>& overrides) {
  return parse_scenario_json(parse_json_text(text, file), file, overrides);
}

ScenarioFile parse_scenario_json(Json scenario, const std::string& file, const std::vector<std::string>& overrides) {
  ScenarioFile out;
  out.file = file;
  out.base = std::move(scenario);
  if (!out.base.is_object()) throw ConfigError(file, "", "expected a JSON object at the top level");
  // Before the overrides, so that --set workload/jobs/0/... reaches the jobs a fio workload maps to.
  fio::expand_fio_workload(out.base, file);
  for (std::size_t n = 0; n < overrides.size(); ++n) {
    const std::string& item = overrides[n];
    // JSON holds UTF-8 only: the resolved scenario could not be written.
    if (!valid_utf8(item))
      throw ConfigError(file, "--set", "argument " + std::to_string(n + 1) + " is not valid UTF-8");
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(file, "--set " + item, "expected path=value, for example devices/0/queue_depth=32");
    std::string path = item.substr(0, eq);
    if (path.rfind("variants", 0) == 0) throw ConfigError(file, path + " (from --set)", "variants cannot be set");
    check_json_depth(item.substr(eq + 1), file, path + " (from --set)");
    try {
      set_by_path(out.base, path, override_value(item.substr(eq + 1)));
    } catch (const std::invalid_argument& e) {
      throw ConfigError(file, path + " (from --set)", e.what());
    }
  }
  Json variants = out.base.contains("variants") ? out.base["variants"] : Json::array();
  out.base.erase("variants");
  if (!variants.is_array()) throw ConfigError(file, "variants", "expected a list of {\"name\": ..., \"set\": {...}}");
  std::set<std::string> names;
  for (std::size_t i = 0; i < variants.size(); ++i) {
    const std::string path = join_path("variants", i);
    FieldReader reader(variants[i], path, file);
    VariantSpec spec;
    reader.require("name");
    reader.text("name", spec.name);
    reader.text("description", spec.description);
    check_path_name(reader, spec.name);
    const Json* set = reader.child("set");
    reader.finish();
    if (set && !set->is_object())
      throw ConfigError(file, join_path(path, "set"), "expected an object of \"path\": value overrides");
    spec.set = set ? *set : Json::object();
    if (!names.insert(spec.name).second)
      throw ConfigError(file, join_path(path, "name"), "duplicate variant name \"" + spec.name + "\"");
    out.variants.push_back(std::move(spec));
  }
  if (out.variants.empty()) out.variants.push_back({"base", "", Json::object()});
  if (out.base.contains("published")) {
    std::set<std::string> variant_names;
    for (const auto& v : out.variants) variant_names.insert(v.name);
    out.published = parse_published(out.base["published"], file, variant_names);
    out.base.erase("published");
  }
  return out;
}

ScenarioFile load_scenario_file(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the scenario file");
  std::stringstream text;
  text << in.rdbuf();
  return parse_scenario_text(text.str(), path, overrides);
}

std::vector<ResolvedVariant> resolve_variants(const ScenarioFile& sf, const std::string& only) {
  std::vector<ResolvedVariant> out;
  for (std::size_t i = 0; i < sf.variants.size(); ++i) {
    const VariantSpec& spec = sf.variants[i];
    if (!only.empty() && spec.name != only) continue;
    const std::string variant_path = join_path("variants", i);
    const std::string context = "(variant \"" + spec.name + "\") ";
    Json merged = sf.base;
    for (const auto& item : spec.set.items()) {
      try {
        set_by_path(merged, item.key(), item.value());
      } catch (const std::invalid_argument& e) {
        throw ConfigError(sf.file, join_path(join_path(variant_path, "set"), item.key()), context + e.what());
      }
    }
    try {
      out.push_back({spec.name, spec.description, parse_scenario(merged, sf.file)});
    } catch (const ConfigError& e) {
      // Point at the override when it is the bad value.
      std::string path = e.json_path();
      for (const auto& item : spec.set.items())
        if (path == item.key() || path.rfind(item.key() + "/", 0) == 0) {
          path = join_path(join_path(variant_path, "set"), path);
          break;
        }
      throw ConfigError(sf.file, path, (spec.set.empty() ? "" : context) + e.message());
    }
  }
  if (!only.empty() && out.empty()) {
    std::vector<std::string> names;
    for (const auto& v : sf.variants) names.push_back(v.name);
    std::string hint = did_you_mean(only, names);
    throw ConfigError(sf.file, "variants",
                      "no variant named \"" + only + "\"" + (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
  }
  return out;
}

}  // namespace foliosim
