#include "cli/check_table.hpp"

#include <cmath>

#include <fmt/format.h>

#include "cli/theory_text.hpp"

namespace commopt::cli {

bool is_power_check(const CheckRow& r) {
  const std::string suffix = "power";
  return r.id.size() >= suffix.size() && r.id.compare(r.id.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool measured_nothing(const CheckRow& r) { return r.verdict == "skipped" || r.verdict == "not certified"; }

namespace {
bool ratio_defined(const CheckRow& r) { return !measured_nothing(r) && r.bound != 0 && std::isfinite(r.bound); }

std::string number(double v, bool defined) { return defined ? fmt::format("{:.4g}", v) : "-"; }
}  // namespace

std::string row_meaning(const CheckRow& r) {
  if (is_power_check(r))
    return r.verdict == "pass" ? "power check (the test on a broken variant): pass = it failed, as it must"
                               : "power check (the test on a broken variant): it did NOT fail, so the test cannot "
                                 "tell a wrong method from a right one";
  if (r.verdict == "pass" || r.verdict == "FAIL") return "";
  std::string why = public_text(r.note);
  if (why.rfind(r.verdict + ":", 0) == 0) why = public_text(why.substr(r.verdict.size() + 1));  // said once
  if (why.empty() && r.verdict == "not certified")
    why = fmt::format("no certified theorem for this method (commopt theory --method {} prints its card)",
                      r.method.substr(0, r.method.find_first_of(" [")));
  return fmt::format("{}: {}", r.verdict, why.empty() ? "no reason recorded" : why);
}

void print_check_table(const std::vector<CheckRow>& rows) {
  fmt::print("{:<26} {:<34} {:<40} {:>11} {:>11} {:>14}  {:<13} {}\n", "check", "method", "problem", "measured", "bound",
             "measured/bound", "verdict", "what it means");
  for (const auto& r : rows) {
    const bool nothing = measured_nothing(r);
    fmt::print("{:<26} {:<34} {:<40} {:>11} {:>11} {:>14}  {:<13} {}\n", r.id, r.method, r.problem,
               number(r.measured, !nothing), number(r.bound, !nothing), number(r.ratio(), ratio_defined(r)),
               r.verdict, row_meaning(r));
  }
  bool header = false;
  for (const auto& r : rows) {
    if (!r.failed()) continue;
    if (!header) fmt::print("\nwhat failed:\n"), header = true;
    fmt::print("  {} {}: {}\n", r.id, r.method, public_text(r.note));
  }
}

nlohmann::json check_row_json(const CheckRow& r) {
  nlohmann::json j = to_json(r);
  if (measured_nothing(r)) j["measured"] = j["bound"] = nullptr;
  if (!ratio_defined(r)) j["ratio"] = nullptr;
  j["power_check"] = is_power_check(r);
  j["meaning"] = row_meaning(r);
  return j;
}

}  // namespace commopt::cli
