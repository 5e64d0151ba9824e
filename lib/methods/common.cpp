#include "methods/common.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt {

double resolve_stepsize(const Spec& spec, double theory_value, const std::string& theory_rule,
                        nlohmann::json& info, std::optional<double> paper_value,
                        const std::string& paper_rule) {
  const std::string text = spec.get_string("stepsize", "theory");
  double value = 0;
  std::string rule;
  if (text == "theory") {
    value = theory_value;
    rule = "theory: " + theory_rule;
  } else if (text == "paper") {
    if (!paper_value)
      throw UsageError(fmt::format("{}: '{}' has no recalled paper step-size rule; use stepsize=theory, theory*C or a number",
                                   spec.what(), spec.str()));
    value = *paper_value;
    rule = "paper (recalled, unverified): " + paper_rule;
  } else if (text.rfind("theory*", 0) == 0) {
    Spec tmp = Spec::parse(fmt::format("x[c={}]", text.substr(7)), spec.what());
    const double c = tmp.get_double("c", 1.0);
    value = c * theory_value;
    rule = fmt::format("theory*{}: {} x ({})", text.substr(7), text.substr(7), theory_rule);
  } else {
    value = spec.get_double("stepsize", 0.0);
    rule = "user";
  }
  if (!(value > 0) || !std::isfinite(value))
    throw UsageError(fmt::format("{}: stepsize={} in '{}' gives {}; write theory, theory*C or a positive number",
                                 spec.what(), text, spec.str(), value));
  info["stepsize"] = value;
  info["stepsize_rule"] = rule;
  info["stepsize_theory"] = theory_value;
  if (paper_value) info["stepsize_paper"] = *paper_value;
  return value;
}

CompressorPtr dense_codec(int d, int value_bits) {
  return make_compressor(Spec::parse("identity", "dense codec"), d, value_bits);
}

nlohmann::json constants_json(const ProblemConstants& c) {
  nlohmann::json j;
  j["L"] = c.L;
  j["L_hat"] = c.L_hat;
  j["L_max"] = c.L_max;
  j["mu"] = c.mu;
  j["L_i"] = c.L_i;
  if (c.f_star) j["f_star"] = *c.f_star;
  j["source"] = c.source;
  return j;
}

double f_lower(const Objective& problem) {
  const auto& c = problem.constants();
  return c.f_star ? *c.f_star : 0.0;
}

}  // namespace commopt
