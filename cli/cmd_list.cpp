// `commopt list [methods|compressors|problems|datasets]`: read from the same registries the parser uses.
// `--names` prints only the names of methods, compressors or problems, one a line (for scripts).
#include <algorithm>
#include <iostream>

#include <fmt/format.h>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "compress/registry.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/datasets.hpp"
#include "problems/registry.hpp"

namespace commopt::cli {

namespace {
nlohmann::json params_json(const std::vector<ParamDoc>& params) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : params)
    out.push_back({{"name", p.name},
                   {"default", p.default_value.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.default_value)},
                   {"required", p.default_value.empty()},
                   {"doc", p.doc}});
  return out;
}

// The listing as one document: {"methods": [...], "compressors": [...], "problems": [...], "datasets": [...]}.
nlohmann::json list_json(const std::string& what, const std::string& data_dir) {
  nlohmann::json j = nlohmann::json::object();
  if (what == "methods" || what == "all") {
    j["methods"] = nlohmann::json::array();
    for (const auto& m : method_registry())
      j["methods"].push_back({{"name", m.name}, {"doc", m.doc}, {"paper", m.paper},
                              {"default_compressor", m.uses_compressor ? nlohmann::json(m.default_compressor) : nlohmann::json(nullptr)},
                              {"params", params_json(m.params)}});
  }
  if (what == "compressors" || what == "all") {
    j["compressors"] = nlohmann::json::array();
    for (const auto& c : compressor_registry())
      j["compressors"].push_back({{"name", c.name}, {"doc", c.doc}, {"constant", c.constant}, {"flags", c.flags},
                                  {"params", params_json(c.params)}});
  }
  if (what == "problems" || what == "all") {
    j["problems"] = nlohmann::json::array();
    for (const auto& p : problem_registry())
      j["problems"].push_back({{"name", p.name}, {"doc", p.doc}, {"params", params_json(p.params)}});
  }
  if (what == "datasets" || what == "all") {
    j["datasets"] = nlohmann::json::array();
    for (const auto& d : commopt::list_datasets(data_dir))
      j["datasets"].push_back({{"name", d.name}, {"path", d.path.string()}, {"file_bytes", d.file_bytes}});
  }
  return j;
}

// One line per parameter, the names padded to the longest of the list (at least 10) so that the
// defaults and docs line up.
void print_params(const std::vector<ParamDoc>& params) {
  std::size_t width = 10;
  for (const auto& p : params) width = std::max(width, p.name.size());
  for (const auto& p : params)
    fmt::print("      {:<{}} = {:<18} {}\n", p.name, width, p.default_value.empty() ? "(required)" : p.default_value,
               p.doc);
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
  OutputFlags out_flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      fmt::print("usage: commopt list [methods|compressors|problems|datasets] [--data-dir DIR] [--json PATH] [-q] [-v]\n"
                 "       commopt list methods|compressors|problems --names   (names only, one a line)\n\n"
                 "commopt list options:\n"
                 "  -h [ --help ]         this help\n"
                 "  --data-dir arg        first directory to search for datasets (default: only the\n"
                 "                        search path, see README)\n"
                 "  --names               only the names of methods, compressors or problems, one a\n"
                 "                        line\n"
                 "  --json arg            also write the listing as JSON ('-': stdout only, the text\n"
                 "                        goes to stderr; default: none)\n"
                 "  -q [ --quiet ]        no text (with --json: the document only)\n"
                 "  -v [ --verbose ]      accepted for uniformity (the listing is already complete)\n");
      return 0;
    }
    if (args[i] == "--data-dir") {
      if (i + 1 == args.size()) throw UsageError("list: --data-dir needs a directory");
      data_dir = args[++i];
    } else if (args[i] == "--names") {
      names = true;
    } else if (args[i] == "--json" || args[i].rfind("--json=", 0) == 0) {
      if (args[i] == "--json" && i + 1 == args.size()) throw UsageError("list: --json needs a path (or - for stdout)");
      out_flags.json = args[i] == "--json" ? args[++i] : args[i].substr(7);
    } else if (args[i] == "-q" || args[i] == "--quiet") {
      out_flags.quiet = true;
    } else if (args[i] == "-v" || args[i] == "--verbose") {
      out_flags.verbose = true;
    } else if (args[i].rfind("--", 0) == 0) {
      throw UsageError("list: unknown option " + args[i] + "; it takes --data-dir DIR, --names, --json PATH, -q and -v");
    } else {
      what = args[i];
    }
  }
  if (names) {
    list_names(what);
    return 0;
  }
  const std::vector<std::string> kinds = {"methods", "compressors", "problems", "datasets", "all"};
  if (std::find(kinds.begin(), kinds.end(), what) == kinds.end())
    throw UsageError("list: " + unknown_name_message("list", what, kinds));
  CommandOutput output(out_flags);
  if (what == "methods" || what == "all") list_methods();
  if (what == "compressors" || what == "all") list_compressors();
  if (what == "problems" || what == "all") list_problems();
  if (what == "datasets" || what == "all") list_datasets(data_dir);
  if (output.json()) output.write(list_json(what, data_dir));
  return 0;
}

}  // namespace commopt::cli
