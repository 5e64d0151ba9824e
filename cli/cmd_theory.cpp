// `commopt theory`: a method's theorem card filled with one problem's numbers — step size, the
// bound, predicted rounds and uplink bits to reach E||∇f||² ≤ ε, the potential's coefficients.
#include <cmath>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "theory/cards.hpp"
#include "theory/compressor_bits.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

int cmd_theory(const std::vector<std::string>& args) {
  std::string method, compressor, problem, data_dir;
  int workers = 10, value_bits = 32;
  double eps = 1e-3;
  po::options_description desc("commopt theory options");
  desc.add_options()
      ("help,h", "this help")
      ("method", po::value(&method)->required(), "method spec (required)")
      ("compressor", po::value(&compressor), "compressor spec (default: the method's)")
      ("problem", po::value(&problem)->required(), "problem spec (required)")
      ("workers,n", po::value(&workers)->default_value(10), "workers")
      ("eps", po::value(&eps)->default_value(1e-3), "target for (1/T) sum_t ||grad f(x^t)||^2")
      ("value-bits", po::value(&value_bits)->default_value(32), "bits per value on the wire")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (!(eps > 0)) throw UsageError("--eps must be > 0");
  ProblemOptions popts;
  popts.data_dir = data_dir;
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
  fmt::print("{} — {}\n  {}\n  provenance: {}{}\n", card->method, card->paper, card->theorem,
             provenance_name(card->provenance), binding(card->provenance) ? "" : " (printed for comparison, not binding)");
  fmt::print("  setting:   {}\n  step size: {}\n  bound:     {}\n", card->setting, card->stepsize_rule, card->bound);
  if (!card->potential.empty()) fmt::print("  potential: {}\n", card->potential);
  if (!card->notes.empty()) fmt::print("  notes:     {}\n", card->notes);
  fmt::print("\nwith {} on n = {} (d = {}):\n", p->name(), p->workers(), p->dim());
  fmt::print("  L = {:.6g}, L_hat = {:.6g}, L_max = {:.6g}, mu = {:.6g}, f_low = {:.6g} ({})\n", c.L, c.L_hat, c.L_max,
             c.mu, f_low, c.f_star ? "f*" : "f* >= 0: every loss here is nonnegative");
  fmt::print("  parameters: {}\n", inst.info.dump());
  fmt::print("  gamma = {:.6g} ({})\n", gamma, inst.info.value("stepsize_rule", ""));
  CardInputs in{&c, make_compressor(s.compressor, p->dim(), value_bits, {0, p->workers(), block_sizes(*p)})->constants(), p->workers(), gamma};
  if (card->avg_grad_sq_bound) {
    // Smallest T with bound(Φ^0, T) ≤ ε; the bounds here are 2Φ^0/(γT), so T = ceil(2Φ^0/(γ ε)).
    const auto b1 = card->avg_grad_sq_bound(in, phi0, 1);
    const double T = b1 ? std::ceil(*b1 / eps) : NAN;
    fmt::print("  Phi^0 = f(x^0) - f_low = {:.6g}; rounds to (1/T) sum ||grad f||^2 <= {:g}: T = {:.0f}\n", phi0, eps, T);
    const auto per_round = closed_form_bits(entry.uses_compressor ? s.compressor : Spec::parse("identity", "x"),
                                            p->dim(), value_bits);
    const auto init = closed_form_bits(Spec::parse("identity", "x"), p->dim(), value_bits);
    if (per_round && init)
      fmt::print("  uplink bits per worker: {} per round (+ {} at initialization when it is dense) -> {:.4g} bits to eps\n",
                 *per_round, *init, static_cast<double>(*init) + T * static_cast<double>(*per_round));
  }
  if (card->linear_rate)
    if (auto rho = card->linear_rate(in))
      fmt::print("  linear rate rho = {:.6g}: rounds to f - f* <= eps (f - f*)_0: {:.0f}\n", *rho,
                 std::ceil(std::log(eps) / std::log(*rho)));
  return 0;
}

}  // namespace commopt::cli
