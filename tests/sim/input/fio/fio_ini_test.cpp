// fio's job-file syntax: sections, [global] inheritance, include, ${VAR},
// comments, bare flags, and the file and line each option came from.
#include "sim/input/fio/fio_ini.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "sim/input/config_error.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using foliosim::ConfigError;
using foliosim::fio::FioJobFile;
using foliosim::fio::FioOption;
using foliosim::fio::parse_fio_text;

namespace {

std::optional<std::string> test_env(const std::string& name) {
  static const std::map<std::string, std::string> env = {{"SIZE", "64m"}, {"JOBS", "4"}, {"EMPTY", ""}};
  const auto it = env.find(name);
  if (it == env.end()) return std::nullopt;
  return it->second;
}

FioJobFile parse(const std::string& text, const std::string& file = "t.fio") {
  return parse_fio_text(text, file, test_env);
}

std::string error_of(const std::string& text, const std::string& file = "t.fio") {
  try {
    parse(text, file);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "<no error>";
}

const FioOption* find(const std::vector<FioOption>& options, const std::string& name) {
  const FioOption* last = nullptr;
  for (const auto& o : options)
    if (o.name == name) last = &o;
  return last;
}

}  // namespace

TEST_CASE("fio job file: jobs inherit the [global] options written before them, comments and flags") {
  const FioJobFile f = parse(
      "# a comment\n"
      "; another\n"
      "[global]\n"
      "bs=4k\n"
      "  rw = write  \n"
      "\n"
      "[a]\n"
      "size=1m\n"
      "end_fsync\n"
      "[global]\n"
      "bs=8k\n"
      "[b]\n"
      "rw=randwrite\n");
  REQUIRE(f.jobs.size() == 2);
  CHECK(f.jobs[0].name == "a");
  CHECK(f.jobs[0].line == 7);
  CHECK(find(f.jobs[0].options, "bs")->value == "4k");
  CHECK(find(f.jobs[0].options, "rw")->value == "write");
  CHECK(find(f.jobs[0].options, "rw")->line == 5);
  CHECK(find(f.jobs[0].options, "size")->line == 8);
  CHECK(find(f.jobs[0].options, "end_fsync")->has_value == false);
  CHECK(find(f.jobs[0].options, "end_fsync")->file == "t.fio");
  // b sees the second [global]'s bs after the first's, and its own rw last.
  CHECK(find(f.jobs[1].options, "bs")->value == "8k");
  CHECK(find(f.jobs[1].options, "bs")->line == 11);
  CHECK(find(f.jobs[1].options, "rw")->value == "randwrite");
  CHECK(f.globals.size() == 3);
}

TEST_CASE("fio job file: ${VAR} from the environment, an undefined one names file, line and option") {
  const FioJobFile f = parse("[a]\nsize=${SIZE}\nnumjobs=${JOBS}\nfilename=x${EMPTY}y\n");
  CHECK(find(f.jobs[0].options, "size")->value == "64m");
  CHECK(find(f.jobs[0].options, "numjobs")->value == "4");
  CHECK(find(f.jobs[0].options, "filename")->value == "xy");
  const std::string e = error_of("[a]\nrw=write\nsize=${NOT_SET}\n");
  CHECK(e.find("t.fio:3: option 'size': ${NOT_SET}") != std::string::npos);
  CHECK(error_of("[a]\nsize=${SIZE\n").find("t.fio:2: option 'size': unterminated") != std::string::npos);
}

TEST_CASE("fio job file: malformed lines, options outside a section and no job are refused with their line") {
  CHECK(error_of("size=1m\n[a]\n").find("t.fio:1: option 'size': outside a section") != std::string::npos);
  CHECK(error_of("[a]\nsize=1m\n[b\n").find("t.fio:3:") != std::string::npos);
  CHECK(error_of("[a]\nfoo bar=1\n").find("t.fio:2:") != std::string::npos);
  CHECK(error_of("[]\n").find("t.fio:1: section") != std::string::npos);
  CHECK(error_of("[global]\nbs=4k\n").find("no job section") != std::string::npos);
}

TEST_CASE("fio job file: include pulls a file's options into the section, relative to the including file") {
  const fs::path dir = foliosim::test::scratch("fio-include");
  fs::create_directories(dir / "inc");
  std::ofstream(dir / "inc" / "common.fio") << "; shared\nbs=64k\ninclude deeper.fio\n";
  std::ofstream(dir / "inc" / "deeper.fio") << "ioengine=psync\n";
  std::ofstream(dir / "job.fio") << "[global]\ninclude inc/common.fio\n[a]\nsize=1m\n";
  const FioJobFile f = foliosim::fio::read_fio_file((dir / "job.fio").string(), test_env);
  REQUIRE(f.jobs.size() == 1);
  const FioOption* bs = find(f.jobs[0].options, "bs");
  REQUIRE(bs);
  CHECK(bs->value == "64k");
  CHECK(bs->file == (dir / "inc" / "common.fio").string());
  CHECK(bs->line == 2);
  CHECK(find(f.jobs[0].options, "ioengine")->file == (dir / "inc" / "deeper.fio").string());

  std::ofstream(dir / "missing.fio") << "[a]\nsize=1m\ninclude nowhere.fio\n";
  std::string e;
  try {
    foliosim::fio::read_fio_file((dir / "missing.fio").string(), test_env);
  } catch (const ConfigError& error) {
    e = error.what();
  }
  CHECK(e.find("missing.fio:3: include nowhere.fio: cannot open") != std::string::npos);

  std::ofstream(dir / "section.fio") << "[b]\n";
  std::ofstream(dir / "with_section.fio") << "[a]\ninclude section.fio\n";
  CHECK_THROWS_WITH_AS(foliosim::fio::read_fio_file((dir / "with_section.fio").string(), test_env),
                       doctest::Contains("may not hold sections"), ConfigError);
  std::ofstream(dir / "loop.fio") << "[a]\ninclude self.fio\n";
  std::ofstream(dir / "self.fio") << "include self.fio\n";
  CHECK_THROWS_WITH_AS(foliosim::fio::read_fio_file((dir / "loop.fio").string(), test_env),
                       doctest::Contains("include cycle"), ConfigError);
  fs::remove_all(dir);
}
