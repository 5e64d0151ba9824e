#include "cli/vocabulary.hpp"

#include <fmt/format.h>

#include "core/deprecation.hpp"
#include "core/error.hpp"

namespace commopt::cli {

namespace {

// "--suite, --method, ..., -q": the long names of `desc` in the order of its --help.
std::string option_list(const boost::program_options::options_description& desc) {
  std::string out;
  for (const auto& o : desc.options()) {
    if (o->long_name().empty() || o->long_name() == "help") continue;
    if (!out.empty()) out += ", ";
    out += "--";
    out += o->long_name();
  }
  return out;
}

}  // namespace

const std::vector<FlagAlias>& flag_aliases() {
  static const std::vector<FlagAlias> aliases = {
      {"--eps", "--target"}, {"--threshold", "--target"}, {"--budget", "--max-bits"}};
  return aliases;
}

std::vector<std::string> canonical_flags(const std::vector<std::string>& args,
                                         const boost::program_options::options_description& desc,
                                         const std::string& command) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const std::string& a : args) {
    std::string arg = a;
    for (const auto& [old_flag, new_flag] : flag_aliases()) {
      const std::string old_name(old_flag);
      if (arg != old_name && arg.rfind(old_name + "=", 0) != 0) continue;
      if (desc.find_nothrow(std::string(new_flag).substr(2), false) == nullptr)
        throw UsageError(fmt::format("{}: {} (the old name of {}) is not an option of {}; it takes {} (commopt {} --help)",
                                     command, old_name, new_flag, command, option_list(desc), command));
      warn_deprecated(old_name, new_flag);
      arg = std::string(new_flag) += arg.substr(old_name.size());
      break;
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace commopt::cli
