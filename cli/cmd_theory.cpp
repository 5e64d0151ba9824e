// `commopt theory`: a method's theorem card filled with one problem's numbers — step size, the
// bound, predicted rounds and uplink bits to reach E||∇f||² ≤ ε, the potential's coefficients.
#include <cmath>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/theory_text.hpp"
#include "cli/seed_option.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "theory/cards.hpp"
#include "theory/compressor_bits.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

int cmd_theory(const std::vector<std::string>& args) {
  std::string method, compressor, problem, data_dir, split, seed_text;
  int workers = 10, value_bits = 32;
  double eps = 1e-3;
  OutputFlags out_flags;
  po::options_description desc("commopt theory options");
  desc.add_options()
      ("help,h", "this help")
      ("method", po::value(&method)->required(), "method spec (required)")
      ("compressor", po::value(&compressor), "compressor spec (default: the method's)")
      ("problem", po::value(&problem)->required(), "problem spec (required)")
      ("workers,n", po::value(&workers)->default_value(10), "workers")
      ("target", po::value(&eps)->default_value(1e-3), "target for (1/T) sum_t ||grad f(x^t)||^2 (old name: --eps)")
      ("split", po::value(&split)->default_value("contiguous"), "contiguous, shuffled or label-sorted (as run)")
      ("seed", po::value(&seed_text)->default_value("0"), "seed of the shuffled split (0 to 2^64-1)")
      ("value-bits", po::value(&value_bits)->default_value(32), "bits per value on the wire")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)");
  add_output_options(desc, out_flags);
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "theory")).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (!(eps > 0 && std::isfinite(eps))) throw UsageError(fmt::format("--target {}: give a finite number > 0", eps));
  if (workers < 1) throw UsageError(fmt::format("--workers {}: need at least 1 worker", workers));
  ProblemOptions popts;
  popts.data_dir = data_dir;
  popts.split = split;
  popts.seed = parse_seed(seed_text);
  CommandOutput output(out_flags);
  auto p = make_problem(Spec::parse(problem, "--problem"), workers, popts);
  MethodSetup s;
  s.problem = p.get();
  s.method = Spec::parse(method, "--method");
  const MethodEntry& entry = find_method(s.method.name());
  s.compressor = Spec::parse(vm.count("compressor") ? compressor : entry.default_compressor, "--compressor");
  s.value_bits = value_bits;
  const MethodInstance inst = make_method(s);
  const TheoremCard* card = find_card(entry.name);
  if (!card) throw UsageError("--method: " + entry.name + " has no theorem card yet");
  const auto& c = p->constants();
  const double gamma = inst.stepsize;
  double fx0 = 0;
  for (int i = 0; i < p->workers(); ++i) fx0 += p->loss(i, p->initial_point()) / p->workers();
  const double f_low = c.f_star.value_or(0.0);
  const double phi0 = fx0 - f_low;
  const std::string rule = public_text(inst.info.value("stepsize_rule", ""));
  nlohmann::json doc = {{"method", entry.name},
                        {"method_spec", s.method.str()},
                        {"compressor", entry.uses_compressor ? nlohmann::json(s.compressor.str()) : nlohmann::json(nullptr)},
                        {"paper", card->paper},
                        {"theorem", public_text(card->theorem)},
                        {"provenance", provenance_name(card->provenance)},
                        {"binding", binding(card->provenance)},
                        {"setting", public_text(card->setting)},
                        {"stepsize_rule", public_text(card->stepsize_rule)},
                        {"bound", public_text(card->bound)},
                        {"problem", p->name()},
                        {"workers", p->workers()},
                        {"dim", p->dim()},
                        {"constants", {{"L", c.L}, {"L_hat", c.L_hat}, {"L_max", c.L_max}, {"mu", c.mu}}},
                        {"f_low", f_low},
                        {"f_low_is_f_star", c.f_star.has_value()},
                        {"gamma", gamma},
                        {"gamma_rule", rule},
                        {"phi0", phi0},
                        {"target", eps},
                        {"parameters", nlohmann::json::object()}};
  for (const auto& [key, value] : inst.info.items())  // the resolved scalars (p, omega, s, ...)
    if (value.is_number() || value.is_boolean()) doc["parameters"][key] = value;
  fmt::print("{} — {}\n  {}\n  provenance: {}{}\n", card->method, card->paper, public_text(card->theorem),
             provenance_name(card->provenance), binding(card->provenance) ? "" : " (printed for comparison, not binding)");
  fmt::print("  setting:   {}\n  step size: {}\n  bound:     {}\n", public_text(card->setting),
             public_text(card->stepsize_rule), public_text(card->bound));
  if (!card->potential.empty()) fmt::print("  potential: {}\n", public_text(card->potential));
  if (!card->notes.empty()) fmt::print("  notes:     {}\n", public_text(card->notes));
  fmt::print("\nwith {} on n = {} (d = {}):\n", p->name(), p->workers(), p->dim());
  fmt::print("  L = {:.6g}, L_hat = {:.6g}, L_max = {:.6g}, mu = {:.6g}, f_low = {:.6g} ({})\n", c.L, c.L_hat, c.L_max,
             c.mu, f_low, c.f_star ? "f*" : "f* >= 0: every loss here is nonnegative");
  fmt::print("  parameters: {}\n", parameter_list(inst.info));
  fmt::print("  gamma = {:.6g} ({})\n", gamma, rule);
  CardInputs in{&c, make_compressor(s.compressor, p->dim(), value_bits, {0, p->workers(), block_sizes(*p)})->constants(), p->workers(), gamma};
  if (card->avg_grad_sq_bound) {
    // Smallest T with bound(Φ^0, T) ≤ ε; the bounds here are 2Φ^0/(γT), so T = ceil(2Φ^0/(γ ε)).
    const auto b1 = card->avg_grad_sq_bound(in, phi0, 1);
    const double T = b1 ? std::ceil(*b1 / eps) : NAN;
    fmt::print("  Phi^0 = f(x^0) - f_low = {:.6g}; rounds to (1/T) sum ||grad f||^2 <= {:g}: T = {:.0f}\n", phi0, eps, T);
    doc["rounds_to_target"] = T;
    const auto message = closed_form_bits(entry.uses_compressor ? s.compressor : Spec::parse("identity", "x"),
                                          p->dim(), value_bits);
    const auto dense = closed_form_bits(Spec::parse("identity", "x"), p->dim(), value_bits);
    if (message && dense) {
      // Bits per round in expectation: the method's dense rounds (MARINA's coin p) and partial
      // participation included, then the dense initialization g_i^0 = ∇f_i(x^0) (an upper bound for
      // methods that start from zero).
      const double per_round = expected_round_bits(entry.name, inst.info, p->workers(), static_cast<double>(*message),
                                                   static_cast<double>(*dense));
      const double total = static_cast<double>(*dense) + T * per_round;
      fmt::print("  uplink bits per worker: {:.6g} per round in expectation ({} per compressed message, {} per dense "
                 "one) + {} at initialization -> {:.4g} bits to the target\n",
                 per_round, *message, *dense, *dense, total);
      doc["bits_per_round"] = per_round;
      doc["bits_per_message"] = *message;
      doc["bits_dense"] = *dense;
      doc["bits_to_target"] = total;
    }
  }
  if (card->linear_rate)
    if (auto rho = card->linear_rate(in)) {
      const double rounds = std::ceil(std::log(eps) / std::log(*rho));
      fmt::print("  linear rate rho = {:.6g}: rounds to f - f* <= target (f - f*)_0: {:.0f}\n", *rho, rounds);
      doc["linear_rate"] = *rho;
      doc["rounds_to_relative_gap"] = rounds;
    }
  output.write(doc);
  return 0;
}

}  // namespace commopt::cli
