// What every subcommand that prints a table shares (README "Vocabulary", "Machine-readable output"):
//   --json PATH   the table as one JSON document (numbers as numbers, null for none); PATH is checked
//                 before the work and written whole (trace/result_file.hpp); `-` = stdout, and then
//                 everything printed for people goes to stderr, so stdout is exactly the document;
//   -q, --quiet   no progress display and no table (errors and warnings still go to stderr; files
//                 and --json are still written);
//   -v, --verbose the details the command has (check: every row's note; sweep: each run as it ends;
//                 run: the resolved method parameters).
#pragma once
#include <string>

#include <boost/program_options/options_description.hpp>
#include <nlohmann/json.hpp>

namespace commopt::cli {

struct OutputFlags {
  std::string json;  // "" none, "-" stdout, else a file
  bool quiet = false, verbose = false;
};

// -q and -v, and --json unless `with_json` is false (plot: its outputs are files).
void add_output_options(boost::program_options::options_description& desc, OutputFlags& flags, bool with_json = true);

// Set up once the options are parsed (before the work): checks the --json path and points stdout at
// stderr (--json -) or at nothing (-q). Restores stdout when destroyed.
class CommandOutput {
 public:
  explicit CommandOutput(const OutputFlags& flags);
  ~CommandOutput();
  CommandOutput(const CommandOutput&) = delete;
  CommandOutput& operator=(const CommandOutput&) = delete;

  bool json() const { return !flags_.json.empty(); }
  bool progress() const { return !flags_.quiet; }  // the callers add "and stderr is a terminal"
  bool verbose() const { return flags_.verbose; }
  // The document, to the --json file or to the real stdout; nothing without --json.
  void write(const nlohmann::json& document);

 private:
  void divert();
  void restore();
  OutputFlags flags_;
  int saved_stdout_ = -1;  // the real stdout while fd 1 points elsewhere
};

}  // namespace commopt::cli
