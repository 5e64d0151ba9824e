// `commopt list [methods|compressors|problems|datasets]`: read from the same registries the parser uses.
// `--names` prints only the names of methods, compressors or problems, one a line (for scripts).
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "compress/registry.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/datasets.hpp"
#include "problems/registry.hpp"

namespace commopt::cli {

namespace {
void print_params(const std::vector<ParamDoc>& params) {
  for (const auto& p : params)
    fmt::print("      {:<10} = {:<18} {}\n", p.name, p.default_value.empty() ? "(required)" : p.default_value, p.doc);
}

void list_methods() {
  fmt::print("methods (--method NAME[key=value,...]):\n");
  for (const auto& m : method_registry()) {
    fmt::print("  {:<12} {}\n      paper: {}\n      default compressor: {}\n", m.name, m.doc, m.paper,
               m.uses_compressor ? m.default_compressor : "none (the method encodes its own messages)");
    print_params(m.params);
  }
}
void list_compressors() {
  fmt::print("compressors (--compressor NAME[key=value,...]):\n");
  for (const auto& c : compressor_registry()) {
    fmt::print("  {:<17} {}\n      constant: {}\n      flags: {}\n", c.name, c.doc, c.constant, c.flags);
    print_params(c.params);
  }
}
void list_problems() {
  fmt::print("problems (--problem NAME[key=value,...]):\n");
  for (const auto& p : problem_registry()) {
    fmt::print("  {:<12} {}\n", p.name, p.doc);
    print_params(p.params);
  }
}
void list_datasets(const std::string& data_dir) {
  fmt::print("datasets found on the search path (data=NAME):\n");
  const auto found = commopt::list_datasets(data_dir);
  if (found.empty()) fmt::print("  (none; put LIBSVM files in ./data or pass --data-dir)\n");
  for (const auto& d : found) fmt::print("  {:<12} {}\n", d.name, d.path.string());
}
void list_names(const std::string& what) {
  if (what == "methods") for (const auto& m : method_registry()) fmt::print("{}\n", m.name);
  else if (what == "compressors") for (const auto& c : compressor_registry()) fmt::print("{}\n", c.name);
  else if (what == "problems") for (const auto& p : problem_registry()) fmt::print("{}\n", p.name);
  else throw UsageError("list --names: name methods, compressors or problems (e.g. commopt list methods --names)");
}
}  // namespace

int cmd_list(const std::vector<std::string>& args) {
  std::string what = "all", data_dir;
  bool names = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      fmt::print("usage: commopt list [methods|compressors|problems|datasets] [--data-dir DIR]\n"
                 "       commopt list methods|compressors|problems --names   (names only, one a line)\n\n"
                 "commopt list options:\n"
                 "  -h [ --help ]         this help\n"
                 "  --data-dir arg        first directory to search for datasets (default: only the\n"
                 "                        search path, see README)\n"
                 "  --names               only the names of methods, compressors or problems, one a\n"
                 "                        line\n");
      return 0;
    }
    if (args[i] == "--data-dir") {
      if (i + 1 == args.size()) throw UsageError("list: --data-dir needs a directory");
      data_dir = args[++i];
    } else if (args[i] == "--names") {
      names = true;
    } else if (args[i].rfind("--", 0) == 0) {
      throw UsageError("list: unknown option " + args[i] + "; it takes --data-dir DIR and --names");
    } else {
      what = args[i];
    }
  }
  if (names) {
    list_names(what);
    return 0;
  }
  const std::vector<std::string> kinds = {"methods", "compressors", "problems", "datasets", "all"};
  if (what == "methods" || what == "all") list_methods();
  if (what == "compressors" || what == "all") list_compressors();
  if (what == "problems" || what == "all") list_problems();
  if (what == "datasets" || what == "all") list_datasets(data_dir);
  if (std::find(kinds.begin(), kinds.end(), what) == kinds.end())
    throw UsageError("list: " + unknown_name_message("list", what, kinds));
  return 0;
}

}  // namespace commopt::cli
