#include "sim/input/fio/fio_job_mapping.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "models/workload/job_checks.hpp"
#include "sim/input/config_error.hpp"
#include "sim/input/fio/fio_units.hpp"
#include "sim/input/json_fields.hpp"

namespace foliosim::fio {
namespace {

// How foliosim treats a fio option (scenarios/fio/README.md has the table
// with every reason).
enum class Rule {
  kMapped,    // read below into a job field (some values may still be refused)
  kNoEffect,  // accepted: nothing in the model it could change (the reason is its `why`)
  kNeutral,   // refused, unless its value is one of `neutral` (fio's default or a no-op)
  kRefused,   // refused whatever its value
};

struct OptionRule {
  const char* name;
  const char* canonical;  // an alias's option (blocksize -> bs)
  Rule rule;
  const char* neutral;  // kNeutral: the values accepted, '|'-separated, lower case
  const char* why;      // kNeutral, kRefused: why it is not modelled
};

constexpr OptionRule kRules[] = {
    {"name", "name", Rule::kMapped, "", ""},
    {"description", "description", Rule::kMapped, "", ""},
    {"rw", "rw", Rule::kMapped, "", ""},
    {"readwrite", "rw", Rule::kMapped, "", ""},
    {"bs", "bs", Rule::kMapped, "", ""},
    {"blocksize", "bs", Rule::kMapped, "", ""},
    {"size", "size", Rule::kMapped, "", ""},
    {"io_size", "io_size", Rule::kMapped, "", ""},
    {"io_limit", "io_size", Rule::kMapped, "", ""},
    {"number_ios", "number_ios", Rule::kMapped, "", ""},
    {"offset", "offset", Rule::kMapped, "", ""},
    {"numjobs", "numjobs", Rule::kMapped, "", ""},
    {"filename", "filename", Rule::kMapped, "", ""},
    {"directory", "directory", Rule::kMapped, "", ""},
    {"filesize", "filesize", Rule::kMapped, "", ""},
    {"nrfiles", "nrfiles", Rule::kNeutral, "1", "one file per clone is modelled"},
    {"direct", "direct", Rule::kMapped, "", ""},
    {"buffered", "buffered", Rule::kMapped, "", ""},
    {"uncached", "uncached", Rule::kMapped, "", ""},
    {"ioengine", "ioengine", Rule::kMapped, "", ""},
    {"iodepth", "iodepth", Rule::kMapped, "", ""},
    {"end_fsync", "end_fsync", Rule::kMapped, "", ""},
    {"fsync_on_close", "fsync_on_close", Rule::kMapped, "", ""},
    {"fsync", "fsync", Rule::kNeutral, "0", "no fsync between writes in the model; only end_fsync"},
    {"fdatasync", "fdatasync", Rule::kNeutral, "0", "no fdatasync between writes in the model; only end_fsync"},
    {"startdelay", "startdelay", Rule::kMapped, "", ""},
    {"runtime", "runtime", Rule::kMapped, "", ""},
    {"time_based", "time_based", Rule::kMapped, "", ""},
    {"loops", "loops", Rule::kMapped, "", ""},
    {"kb_base", "kb_base", Rule::kMapped, "", ""},
    {"stonewall", "stonewall", Rule::kMapped, "", ""},
    {"wait_for_previous", "stonewall", Rule::kMapped, "", ""},
    {"wait_for", "wait_for", Rule::kMapped, "", ""},
    {"new_group", "new_group", Rule::kMapped, "", ""},
    {"group_reporting", "group_reporting", Rule::kNoEffect, "", ""},
    {"thread", "thread", Rule::kNoEffect, "", ""},
    {"randrepeat", "randrepeat", Rule::kNoEffect, "", ""},
    {"create_on_open", "create_on_open", Rule::kNoEffect, "", ""},
    {"invalidate", "invalidate", Rule::kMapped, "", ""},
    {"overwrite", "overwrite", Rule::kMapped, "", ""},
    {"pre_read", "pre_read", Rule::kMapped, "", ""},
    {"fadvise_hint", "fadvise_hint", Rule::kMapped, "", ""},
    {"norandommap", "norandommap", Rule::kNeutral, "0|false",
     "the model's random jobs write every block once a pass, as fio's random map does"},
    {"random_distribution", "random_distribution", Rule::kNeutral, "random",
     "only the uniform distribution (random) is modelled"},
    {"thinktime", "thinktime", Rule::kNeutral, "0|0s|0ms|0us", "the model's jobs do not pause between calls"},
    {"ramp_time", "ramp_time", Rule::kNeutral, "0|0s|0ms|0us", "the results count every call from the first"},
    {"rate", "rate", Rule::kNeutral, "0", "the model's jobs are not rate limited"},
    {"rate_iops", "rate_iops", Rule::kNeutral, "0", "the model's jobs are not rate limited"},
    {"fallocate", "fallocate", Rule::kNeutral, "none",
     "the model's files start empty and grow as written: no preallocation"},
    {"bsrange", "bsrange", Rule::kRefused, "", "variable block sizes"},
    {"blocksize_range", "bsrange", Rule::kRefused, "", "variable block sizes"},
    {"bssplit", "bssplit", Rule::kRefused, "", "variable block sizes"},
    {"sync_file_range", "sync_file_range", Rule::kRefused, "", "no sync_file_range calls in the model"},
};

const OptionRule* find_rule(const std::string& name) {
  for (const auto& rule : kRules)
    if (name == rule.name) return &rule;
  return nullptr;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool neutral_value(const OptionRule& rule, const FioOption& option) {
  const std::string value = "|" + std::string(rule.neutral) + "|";
  return option.has_value && value.find("|" + lower(option.value) + "|") != std::string::npos;
}

[[noreturn]] void not_modelled(const FioOption& option, const std::string& why) {
  fail_option(option, "not modelled (" + why + "); pass --ignore " + option.name + " to run without it");
}

std::vector<std::string> known_names() {
  std::vector<std::string> names;
  for (const auto& rule : kRules) names.emplace_back(rule.name);
  return names;
}

// Refuses an option foliosim does not know at all (unless ignored).
void check_known(const FioOption& option, const std::set<std::string>& ignored) {
  if (find_rule(option.name) || ignored.count(option.name)) return;
  const std::string hint = did_you_mean(option.name, known_names());
  fail_option(option, "unknown to foliosim" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                          "; pass --ignore " + option.name + " to run without it");
}

constexpr std::uint64_t kDefaultBsBytes = 4096;  // fio's bs default
const std::set<std::string> kSyncEngines = {"sync", "psync", "pvsync", "pvsync2"};
const std::set<std::string> kAsyncEngines = {"libaio", "io_uring"};

class JobMapper {
 public:
  JobMapper(const FioSection& section, const FioMachineFacts& machine, const std::set<std::string>& ignored)
      : section_(section), machine_(machine) {
    for (const auto& option : section.options) {
      check_known(option, ignored);
      const OptionRule* rule = find_rule(option.name);
      if (!rule || ignored.count(option.name) || ignored.count(rule->canonical)) continue;
      options_[rule->canonical] = option;  // the last wins, as in fio
    }
  }

  workload::JobParams map() {
    for (const auto& [name, option] : options_) {
      const OptionRule& rule = *find_rule(option.name);
      if (rule.rule == Rule::kRefused || (rule.rule == Rule::kNeutral && !neutral_value(rule, option)))
        not_modelled(option, rule.why);
    }
    if (const auto* kb = get("kb_base")) {
      if (kb->value != "1024" && kb->value != "1000") fail_option(*kb, "expected 1024 or 1000, got " + kb->value);
      kb_base_ = kb->value == "1000" ? KbBase::k1000 : KbBase::k1024;
    }
    workload::JobParams job;
    job.name = get("name") ? get("name")->value : section_.name;
    if (job.name.empty()) fail_option(*get("name"), "a job's name may not be empty");
    map_rw(job);
    job.bs_bytes = block_size(job.reads());
    if (gap_bytes_) job.stride_bytes = job.bs_bytes + gap_bytes_;
    map_mode(job);
    map_engine(job);
    map_fadvise(job);
    map_files(job);
    map_amount(job);
    job.numjobs = count("numjobs", 1);
    job.end_fsync = flag("end_fsync", false) || flag("fsync_on_close", false);
    if (const auto* delay = get("startdelay")) {
      if (is_fio_range(delay->value)) not_modelled(*delay, "a random start delay per clone");
      job.startdelay_s = time_s(*delay, 1);
    }
    job.stonewall = flag("stonewall", false);
    job.new_group = flag("new_group", false);
    if (const auto* wait_for = get("wait_for")) job.wait_for = wait_for->value;
    // fio's invalidate defaults to 1; pre_read clears it (fio's HOWTO).
    job.pre_read = flag("pre_read", false);
    job.invalidate = flag("invalidate", true) && !job.pre_read;
    return job;
  }

  const FioOption* option(const char* name) const { return get(name); }
  bool overwrite() const { return flag("overwrite", false); }
  // The bytes fio lays a job's file out to: its offset and region.
  std::uint64_t file_bytes() const { return file_bytes_; }

 private:
  const FioOption* get(const char* name) const {
    const auto it = options_.find(name);
    return it == options_.end() ? nullptr : &it->second;
  }

  // fio's bool: a bare option is true; otherwise 1 or 0 (or true, false).
  static bool truth(const FioOption& option) {
    if (!option.has_value) return true;
    const std::string v = lower(option.value);
    if (v == "1" || v == "true") return true;
    if (v == "0" || v == "false") return false;
    fail_option(option, "expected 1 or 0, got \"" + option.value + "\"");
  }
  bool flag(const char* name, bool absent) const { return get(name) ? truth(*get(name)) : absent; }

  template <class Parse>
  static auto parsed(const FioOption& option, Parse parse) {
    try {
      return parse(option.value);
    } catch (const FioValueError& e) {
      fail_option(option, e.what());
    }
  }
  std::uint64_t bytes(const FioOption& option) const {
    return parsed(option, [&](const std::string& v) { return parse_fio_size_bytes(v, kb_base_); });
  }
  static double time_s(const FioOption& option, double default_unit_s) {
    return parsed(option, [&](const std::string& v) { return parse_fio_time_s(v, default_unit_s); });
  }
  std::uint64_t count(const char* name, std::uint64_t absent) const {
    const auto* option = get(name);
    if (!option) return absent;
    if (option->value.empty() || option->value.find_first_not_of("0123456789") != std::string::npos)
      fail_option(*option, "expected a whole number, got \"" + option->value + "\"");
    return bytes(*option);  // digits alone: the size parser's overflow check
  }
  // A size, or a percentage of the job's filesize or else of its device.
  std::uint64_t bytes_or_percent(const FioOption& option, std::uint64_t align_bytes) const {
    const auto percent = parsed(option, parse_fio_percentage);
    if (!percent) return bytes(option);
    std::optional<std::uint64_t> base;
    if (const auto* filesize = get("filesize"))
      base = bytes(*filesize);
    else
      base = machine_.device_capacity_bytes;
    if (!base) fail_option(option, "a percentage needs a base: give filesize (the device's capacity is unknown)");
    const auto value = static_cast<std::uint64_t>(std::floor(static_cast<double>(*base) * *percent / 100));
    return value / align_bytes * align_bytes;  // fio aligns a percentage to the block size
  }

  void map_rw(workload::JobParams& job) {
    const auto* option = get("rw");
    const std::string value = option ? lower(option->value) : "read";  // fio's default is read
    const auto colon = value.find(':');
    const std::string pattern = value.substr(0, colon);
    static const std::map<std::string, workload::Rw> kPatterns = {{"write", workload::Rw::kWrite},
                                                                  {"randwrite", workload::Rw::kRandWrite},
                                                                  {"read", workload::Rw::kRead},
                                                                  {"randread", workload::Rw::kRandRead}};
    if (pattern == "rw" || pattern == "readwrite" || pattern == "randrw")
      not_modelled(*option, "rw=" + pattern + ": mixed reads and writes in one job; write one job of each");
    if (pattern.find("trim") != std::string::npos) not_modelled(*option, "rw=" + pattern + ": trims");
    const auto it = kPatterns.find(pattern);
    if (it == kPatterns.end())
      fail_option(*option, "expected read, write, randread or randwrite (with :gap for sequential), got \"" +
                               option->value + "\"");
    job.rw = it->second;
    if (colon == std::string::npos) return;
    if (job.random())
      not_modelled(*option, "rw=" + value + ": a new random offset every N I/Os; each call draws its own");
    FioOption gap = *option;
    gap.value = value.substr(colon + 1);
    gap_bytes_ = bytes(gap);
  }

  // bs=R,W,T: the value of the job's direction (a value not ending in a comma
  // goes on to the next directions; an empty one is fio's default).
  std::uint64_t block_size(bool reads) const {
    const auto* option = get("bs");
    if (!option) return kDefaultBsBytes;
    std::vector<std::string> values;
    std::size_t start = 0;
    while (true) {
      const auto comma = option->value.find(',', start);
      values.push_back(option->value.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    const std::size_t direction = reads ? 0 : 1;
    const std::string value = direction < values.size() ? values[direction] : values.back();
    if (value.find_first_not_of(" \t") == std::string::npos) return kDefaultBsBytes;
    FioOption one = *option;
    one.value = value;
    if (is_fio_range(value)) {  // "4k-4k" is one size
      const auto dash = value.find_first_of("-:", 1);
      FioOption high = one;
      one.value = value.substr(0, dash);
      high.value = value.substr(dash + 1);
      if (bytes(one) != bytes(high))
        fail_option(*option, "bs range " + value + ": variable block sizes are not modelled; pass --ignore bs " +
                                 "to run with the default 4k");
    }
    const std::uint64_t bs = bytes(one);
    if (bs == 0) fail_option(*option, "the block size must be positive");
    return bs;
  }

  void map_mode(workload::JobParams& job) {
    const bool direct = flag("direct", false) || !flag("buffered", true);
    job.mode = direct ? workload::IoMode::kDirect : workload::IoMode::kBuffered;
    const auto* uncached = get("uncached");
    if (!uncached || count("uncached", 0) == 0) return;
    if (direct) fail_option(*uncached, "uncached=1 is a buffered mode: it cannot go with direct=1 or buffered=0");
    const std::string engine = get("ioengine") ? lower(get("ioengine")->value) : "psync";
    if (engine != "pvsync2" && engine != "io_uring")
      fail_option(*uncached,
                  "an option of the pvsync2 and io_uring engines (RWF_DONTCACHE), not of ioengine=" + engine);
    job.mode = workload::IoMode::kDontcache;
  }

  void map_engine(workload::JobParams& job) {
    const auto* option = get("ioengine");
    const std::string engine = option ? lower(option->value) : "psync";  // fio's default on Linux
    const std::uint64_t depth = count("iodepth", 1);
    if (kSyncEngines.count(engine)) return;  // fio: iodepth does not affect synchronous engines
    if (engine == "mmap") {
      // Reads fault the mapping in (the model's mmap readers); writes would
      // dirty it through page_mkwrite and msync, which are not modelled.
      if (!job.reads())
        not_modelled(*option, "the mmap engine's writes (page_mkwrite faults, msync); its reads are modelled");
      if (job.mode != workload::IoMode::kBuffered)
        fail_option(*option, "the mmap engine reads through the page cache: it cannot go with direct or uncached");
      job.mmap = true;
      return;
    }
    if (!kAsyncEngines.count(engine))
      not_modelled(*option, "ioengine=" + engine +
                                ": the engines modelled are sync, psync, pvsync, pvsync2, and "
                                "libaio and io_uring at iodepth=1");
    // Linux's libaio on buffered files completes in io_submit (fio's HOWTO).
    const bool queues = engine == "io_uring" || job.mode == workload::IoMode::kDirect;
    if (depth > 1 && queues)
      not_modelled(*get("iodepth"), "iodepth=" + std::to_string(depth) +
                                        ": one call in flight per clone is modelled; use numjobs for parallel writers");
  }

  // fio's fadvise_hint, applied when a file opens over the job's region:
  // 1 (fio's default) advises the job's pattern, random or sequential.
  void map_fadvise(workload::JobParams& job) const {
    const auto* option = get("fadvise_hint");
    const std::string value = option ? lower(option->value) : "1";
    if (value == "0") return;
    if (value == "1")
      job.fadvise = job.random() ? workload::Fadvise::kRandom : workload::Fadvise::kSequential;
    else if (value == "sequential")
      job.fadvise = workload::Fadvise::kSequential;
    else if (value == "random")
      job.fadvise = workload::Fadvise::kRandom;
    else if (value == "noreuse")
      not_modelled(*option, "POSIX_FADV_NOREUSE's effect on the LRU");
    else
      fail_option(*option, "expected 0, 1, sequential, random or noreuse, got " + option->value);
  }

  void map_files(workload::JobParams& job) const {
    std::string directory;
    if (const auto* option = get("directory")) {
      if (has_unescaped_colon(option->value)) not_modelled(*option, "several directories shared out among the clones");
      directory = unescape(option->value);
    }
    if (const auto* option = get("filename")) {
      if (has_unescaped_colon(option->value)) not_modelled(*option, "several files per job");
      if (option->value.rfind("/dev/", 0) == 0)
        not_modelled(*option, "a block device written raw: the model's files live on the scenario's filesystem");
      // The directory stays in the name so that two jobs' files differ as in fio.
      job.filename = directory.empty() ? unescape(option->value) : directory + "/" + unescape(option->value);
    }
  }
  static bool has_unescaped_colon(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i)
      if (s[i] == ':' && (i == 0 || s[i - 1] != '\\')) return true;
    return false;
  }
  static std::string unescape(std::string s) {
    for (auto pos = s.find("\\:"); pos != std::string::npos; pos = s.find("\\:", pos)) s.erase(pos, 1);
    return s;
  }

  // The region the job works in, the bytes it moves and so its calls.
  void map_amount(workload::JobParams& job) {
    const std::uint64_t bs = job.bs_bytes;
    if (const auto* option = get("offset")) job.offset_bytes = bytes_or_percent(*option, bs);
    const auto* filesize = get("filesize");
    const auto* size = get("size");
    const auto* io_size = get("io_size");
    if (filesize && is_fio_range(filesize->value)) not_modelled(*filesize, "file sizes drawn from a range");
    std::uint64_t region = 0, amount = 0;
    bool amount_given = io_size != nullptr;  // more than one pass asked for, not just the region
    if (filesize) {
      const std::uint64_t file_bytes = bytes(*filesize);
      if (job.offset_bytes >= file_bytes) fail_option(*filesize, "the offset leaves nothing of the file");
      region = file_bytes - job.offset_bytes;
      amount = io_size ? bytes(*io_size) : size ? bytes_or_percent(*size, bs) : region;
      amount_given = io_size || size;
    } else {
      if (!size) fail_section(section_, "a job needs size (or filesize): the model's files start empty");
      region = bytes_or_percent(*size, bs);
      amount = io_size ? bytes(*io_size) : region;
    }
    const FioOption& amount_option = io_size ? *io_size : size ? *size : *filesize;
    if (region < bs) fail_option(size ? *size : *filesize, "the region is smaller than bs");
    if (amount % bs)
      fail_option(amount_option, std::to_string(amount) + " bytes is not a multiple of bs (" + std::to_string(bs) +
                                     "): fio's short last block is not modelled");
    file_bytes_ = job.offset_bytes + region;
    const std::uint64_t loops = count("loops", 1);
    if (loops == 0) fail_option(*get("loops"), "must be at least 1");
    const bool time_based = flag("time_based", false);
    const auto* runtime = get("runtime");
    if (runtime) job.runtime_s = time_s(*runtime, 1);
    if (time_based && job.runtime_s <= 0) fail_option(*get("time_based"), "needs a runtime");
    std::uint64_t calls = amount / bs;
    if (job.random()) {
      calls *= loops;
      if (time_based) calls = time_based_calls(bs);
      job.size_bytes = region / bs * bs;
    } else {
      // fio's sequential jobs wrap around to the region's start; the model's go on past it.
      if (loops > 1) not_modelled(*get("loops"), "a sequential job's second pass, which rewrites the region");
      if (time_based)
        not_modelled(*get("time_based"),
                     "a sequential job that wraps around to rewrite its region; "
                     "use rw=randwrite, or runtime alone to cap the job");
      const std::uint64_t pass_calls = (region - bs) / job.stride_or_bs() + 1;
      if (!job.stride_bytes && region % bs)
        fail_option(size ? *size : *filesize, std::to_string(region) + " bytes is not a multiple of bs (" +
                                                  std::to_string(bs) + "): fio's short last block is not modelled");
      if (calls > pass_calls && amount_given)
        not_modelled(amount_option, "more than one pass of a sequential job, which wraps around to the region's start");
      calls = std::min(calls, pass_calls);  // with gaps, fio stops at the region's end
    }
    calls = std::min(calls, count("number_ios", calls));
    if (job.random()) {
      if (calls != job.size_bytes / bs) job.number_ios = calls;
    } else {
      job.size_bytes = calls * bs;
    }
  }

  const FioSection& section_;
  const FioMachineFacts& machine_;
  std::map<std::string, FioOption> options_;  // by canonical name
  std::uint64_t file_bytes_ = 0;
  KbBase kb_base_ = KbBase::k1024;
  std::uint64_t gap_bytes_ = 0;
};

// The native checks (bounds, O_DIRECT alignment), reported at the job's section.
// The filesystem block is always 4 KiB (scenario.cpp refuses others).
void check_native(const FioSection& section, const workload::JobParams& job) {
  try {
    read_fields<workload::JobParams>(write_fields(job), "", section.file);
  } catch (const ConfigError& e) {
    fail_section(section, "gives " + e.json_path() + " " + e.message());
  }
  if (const auto problem = workload::check_job(job, kDefaultBsBytes))
    fail_section(section, std::string("gives ") + problem->option + " " + problem->message);
}

// overwrite=1: fio writes each file of the job out before the job starts
// (a written, contiguous file), and its invalidate drops what that left cached.
void lay_out_files(const workload::JobParams& job, std::uint64_t file_bytes, std::vector<workload::FileSpec>& files) {
  for (std::uint64_t clone = 0; clone < job.numjobs; ++clone) {
    const std::string name = job.file_for_clone(clone);
    auto it = std::find_if(files.begin(), files.end(), [&](const auto& f) { return f.name == name; });
    if (it == files.end()) {
      workload::FileSpec spec;
      spec.name = name;
      spec.device = job.device;
      files.push_back(spec);
      it = std::prev(files.end());
    }
    it->size_bytes = std::max(it->size_bytes, file_bytes);
  }
}

}  // namespace

std::uint64_t time_based_calls(std::uint64_t bs_bytes) { return (std::uint64_t{1} << 62) / bs_bytes; }

FioWorkload map_fio_jobs(const FioJobFile& file, const FioMachineFacts& machine, const std::set<std::string>& ignored) {
  for (const auto& option : file.globals) check_known(option, ignored);
  FioWorkload out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < file.jobs.size(); ++i) {
    const FioSection& section = file.jobs[i];
    JobMapper mapper(section, machine, ignored);
    workload::JobParams job = mapper.map();
    if (!job.wait_for.empty() && !names.count(job.wait_for)) {
      const std::string hint = did_you_mean(job.wait_for, std::vector<std::string>(names.begin(), names.end()));
      fail_option(*mapper.option("wait_for"), "no job named \"" + job.wait_for + "\" before this one" +
                                                  (hint.empty() ? "" : " (did you mean \"" + hint + "\"?)"));
    }
    if (!names.insert(job.name).second) fail_section(section, "a second job named \"" + job.name + "\"");
    check_native(section, job);
    out.jobs.push_back(job);
    if (mapper.overwrite()) lay_out_files(job, mapper.file_bytes(), out.files);
    for (const auto& option : section.options)
      if (option.name == "description" && out.description.empty() && !ignored.count("description"))
        out.description = option.value;
  }
  return out;
}

}  // namespace foliosim::fio
