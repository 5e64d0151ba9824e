// Parser of boost::program_options' help layout (and of a hand-written list in the same spirit):
// option lines start with two spaces and a dash;
// a description that wraps continues on lines indented further; a blank line ends the block.
#include "cli/help_options.hpp"

#include <array>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

namespace commopt::cli {

std::vector<HelpOption> parse_help_options(const std::string& help) {
  static const std::regex option_line(
      R"(^  (?:-([A-Za-z0-9]) \[ --([A-Za-z0-9][A-Za-z0-9-]*) \]|--([A-Za-z0-9][A-Za-z0-9-]*))( arg(?: \(=([^)]*)\))?)?(?:\s+(.*))?$)");
  // The same list written by hand: "  -q, --quiet      no text", "  --json PATH      write ..." (a value
  // is an upper-case word; the description follows two or more spaces).
  static const std::regex hand_line(
      R"(^  (?:-([A-Za-z0-9]), )?--([A-Za-z0-9][A-Za-z0-9-]*)( [A-Z][A-Z0-9_|.]*)?(?:\s{2,}(.*))?$)");
  std::vector<HelpOption> out;
  std::istringstream in(help);
  bool in_block = false;
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, hand_line)) {  // first: boost's pattern would take "DIR" for the text
      HelpOption o;
      if (m[1].matched) o.short_name = m[1].str()[0];
      o.name = m[2].str();
      o.takes_value = m[3].matched;
      o.description = m[4].str();
      out.push_back(std::move(o));
      in_block = true;
    } else if (std::regex_match(line, m, option_line)) {
      HelpOption o;
      if (m[1].matched) o.short_name = m[1].str()[0];
      o.name = m[2].matched ? m[2].str() : m[3].str();
      o.takes_value = m[4].matched;
      o.default_value = m[5].str();
      o.description = m[6].str();
      out.push_back(std::move(o));
      in_block = true;
    } else if (in_block && line.size() > 3 && line.starts_with("   ") && line.find_first_not_of(' ') != std::string::npos) {
      std::string& d = out.back().description;
      if (!d.empty()) d += ' ';
      d += line.substr(line.find_first_not_of(' '));
    } else {
      in_block = false;
    }
  }
  if (!out.empty()) return out;
  static const std::regex word(R"(--([A-Za-z0-9][A-Za-z0-9-]*))");
  std::set<std::string> seen;
  for (auto it = std::sregex_iterator(help.begin(), help.end(), word); it != std::sregex_iterator(); ++it)
    if (seen.insert((*it)[1].str()).second) out.push_back(HelpOption{(*it)[1].str(), 0, false, "", ""});
  return out;
}

std::string help_text_of(const std::string& args) {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  std::string text;
  const std::string cmd = fmt::format("'{}' {} --help 2>/dev/null", self.string(), args);
  std::FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return "";
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) text += buf.data();
  return pclose(pipe) == 0 ? text : "";
}

}  // namespace commopt::cli
