#include "cli/theory_text.hpp"

#include <regex>

#include <fmt/format.h>

namespace commopt::cli {

std::string public_text(const std::string& text) {
  // "of dasha-family.md 3.6", ", dasha-family.md §3.8", "see ef-local-lazy.md §7.1, §7.3"
  static const std::regex note(R"((,\s*|\s*\b(?:of|in|see)\s+|\s*)[A-Za-z][A-Za-z-]*\.md(\s*(?:§)?\d+(\.\d+)*(\s*(,|/)\s*(?:§)\d+(\.\d+)*)*)?)");
  static const std::regex file(R"((,\s*)?\s*\b(?:lib|theory|cli|problems)/[\w/.-]+\.(?:cpp|hpp))");  // source files
  // A note as the subject of a sentence ("dasha-family.md 3.5 says ...") becomes "the derivation note".
  static const std::regex subject(R"([A-Za-z][A-Za-z-]*\.md(\s*(?:§)?\d+(\.\d+)*)?(?=\s+(says|gives)\b))");
  std::string s = std::regex_replace(text, subject, "the derivation note");
  s = std::regex_replace(std::regex_replace(s, note, ""), file, "");
  s = std::regex_replace(s, std::regex(R"(\s*\(\w+:\s*\))"), "");  // "(card: )" left empty
  s = std::regex_replace(s, std::regex(R"(\(\s*\)|\[\s*\])"), "");  // brackets left empty
  s = std::regex_replace(s, std::regex(R"(\s+([,;:)\]]))"), "$1");
  s = std::regex_replace(s, std::regex(R"(\s{2,})"), " ");
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == ';' || s.back() == ':')) s.pop_back();
  while (!s.empty() && (s.front() == ' ' || s.front() == ':')) s.erase(s.begin());
  return s;
}

std::string parameter_list(const nlohmann::json& info) {
  std::string out;
  for (const auto& [key, value] : info.items()) {
    if (value.is_object() || value.is_array() || key == "stepsize_rule" || key == "potential" || key == "paper" ||
        key.rfind("stepsize", 0) == 0)
      continue;
    std::string v;
    if (value.is_number_float()) v = fmt::format("{:.6g}", value.get<double>());
    else if (value.is_string()) v = public_text(value.get<std::string>());
    else v = value.dump();
    out += fmt::format("{}{} = {}", out.empty() ? "" : ", ", key, v);
  }
  return out;
}

double expected_round_bits(const std::string& method, const nlohmann::json& info, int workers, double compressed,
                           double dense) {
  double take_part = 1;  // the chance a worker sends in a (compressed) round
  if (info.contains("p_a")) take_part = info["p_a"].get<double>();
  else if (info.contains("s") && info["s"].is_number()) take_part = info["s"].get<double>() / workers;
  const bool dense_rounds = method == "marina" || method == "pp_marina" || method == "vr_marina" || method == "page";
  if (dense_rounds && info.contains("p")) {
    const double p = info["p"].get<double>();
    return p * dense + (1 - p) * take_part * compressed;
  }
  return take_part * compressed;
}

}  // namespace commopt::cli
