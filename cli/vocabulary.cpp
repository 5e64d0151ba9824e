#include "cli/vocabulary.hpp"

#include "core/deprecation.hpp"

namespace commopt::cli {

const std::vector<FlagAlias>& flag_aliases() {
  static const std::vector<FlagAlias> aliases = {
      {"--eps", "--target"}, {"--threshold", "--target"}, {"--budget", "--max-bits"}};
  return aliases;
}

std::vector<std::string> canonical_flags(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const std::string& a : args) {
    std::string arg = a;
    for (const auto& [old_flag, new_flag] : flag_aliases()) {
      const std::string old_name(old_flag);
      if (arg == old_name || arg.rfind(old_name + "=", 0) == 0) {
        warn_deprecated(old_name, new_flag);
        arg = std::string(new_flag) += arg.substr(old_name.size());
        break;
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace commopt::cli
