#include "cli/command_output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "trace/result_file.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

void add_output_options(po::options_description& desc, OutputFlags& flags, bool with_json) {
  if (with_json)
    desc.add_options()("json", po::value(&flags.json),
                       "also write the table as JSON to this file ('-': stdout only, the text goes to stderr; default: none)");
  desc.add_options()
      ("quiet,q", po::bool_switch(&flags.quiet), "no progress display and no table (errors and warnings still shown)")
      ("verbose,v", po::bool_switch(&flags.verbose), "more detail where the command has it");
}

namespace {
void flush_stdout() {
  std::cout.flush();
  std::fflush(stdout);
}
// fd 1 now refers to what `target` refers to; returns the saved real stdout.
int redirect_stdout(int target) {
  flush_stdout();
  const int saved = ::dup(STDOUT_FILENO);
  if (saved < 0 || ::dup2(target, STDOUT_FILENO) < 0)
    throw std::runtime_error(fmt::format("cannot redirect stdout ({})", std::strerror(errno)));
  return saved;
}
}  // namespace

CommandOutput::CommandOutput(const OutputFlags& flags) : flags_(flags) {
  // The path is checked before the work, so that no result is lost to a bad path after it.
  if (json() && flags_.json != "-") check_result_target(flags_.json, /*overwrite=*/true, "--json");
  divert();
}

// The text for people goes to /dev/null (-q) or to stderr (--json -); else stdout stays.
void CommandOutput::divert() {
  if (flags_.quiet) {
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null < 0) throw std::runtime_error("cannot open /dev/null");
    saved_stdout_ = redirect_stdout(null);
    ::close(null);
  } else if (flags_.json == "-") {
    saved_stdout_ = redirect_stdout(STDERR_FILENO);
  }
}

CommandOutput::~CommandOutput() { restore(); }

void CommandOutput::restore() {
  if (saved_stdout_ < 0) return;
  flush_stdout();
  ::dup2(saved_stdout_, STDOUT_FILENO);
  ::close(saved_stdout_);
  saved_stdout_ = -1;
}

void CommandOutput::write(const nlohmann::json& document) {
  if (!json()) return;
  const std::string text = document.dump(2) + "\n";
  if (flags_.json != "-") {
    write_result_file(flags_.json, text, /*overwrite=*/true, "--json");
    return;
  }
  restore();  // fd 1 is the real stdout again: the document, and nothing else, goes there
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
  if (std::ferror(stdout)) throw UsageError("--json -: cannot write to stdout");
  divert();  // anything printed after the document goes elsewhere: stdout stays one document
}

}  // namespace commopt::cli
