// Full-state potentials of simulated runs (theory/state_potential.hpp).
#include "theory/state_potential.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "methods/state_potential.hpp"
#include "net/network.hpp"
#include "theory/exact_setup.hpp"
#include "theory/seed_stats.hpp"

namespace commopt {

double sample_variance(const Objective& problem, const Vec& z) {
  double worst = 0;
  Vec gi, gij;
  int row[1] = {0};
  for (int i = 0; i < problem.workers(); ++i) {
    problem.grad(i, z, gi);
    double v = 0;
    const int m = problem.samples(i);
    for (int j = 0; j < m; ++j) {
      row[0] = j;
      problem.minibatch_grad(i, z, row, gij);
      v += (gij - gi).squaredNorm() / m;
    }
    worst = std::max(worst, v);
  }
  return worst;
}

FullStatePotential full_state_potential(const TheoremCard& card, const Objective& problem, const MethodInstance& inst,
                                        bool with_noise, bool outside_claim) {
  if (!card.state_potential) throw std::logic_error("method " + card.method + ": the card has no state potential");
  StateView server;
  inst.server->expose(server);
  std::vector<StateView> workers(inst.workers.size());
  for (std::size_t i = 0; i < workers.size(); ++i) {
    if (!inst.workers[i]) throw std::logic_error("state potential: worker " + std::to_string(i) + " is not in this process");
    inst.workers[i]->expose(workers[i]);
  }
  const StatePotentialInput in{&problem, &server, workers, inst.stepsize, &inst.info};
  FullStatePotential out;
  out.phi = card.state_potential(in);
  if (!outside_claim && card.state_potential_claimed && !card.state_potential_claimed(in)) out.phi.reset();
  const bool lead = card.state_potential_lead != 0;
  Vec x = server.at("x", "server");
  Vec x_next = x;
  if (const Vec* g = server.find("g")) x_next -= inst.stepsize * *g;
  Vec grad = Vec::Zero(x.size()), gi;
  for (int i = 0; i < problem.workers(); ++i) {
    problem.grad(i, lead ? x_next : x, gi);
    grad += gi / problem.workers();
  }
  out.grad_sq = grad.squaredNorm();
  if (card.state_potential_noise) out.kappa = card.state_potential_noise(in);
  if (with_noise && out.kappa > 0)
    out.noise = out.kappa * std::max(sample_variance(problem, x), sample_variance(problem, x_next));
  return out;
}

StatePotentialRun state_potential_run(const Objective& problem, const std::string& method, const std::string& compressor,
                                      long long rounds, std::uint64_t seed) {
  const MethodSetup setup = exact_setup(problem, method, compressor, seed);
  const TheoremCard& card = find_method(setup.method.name()).card;
  MethodInstance inst = make_method(setup);
  SimNetwork net(problem, inst, seed);
  StatePotentialRun out;
  out.gamma = inst.stepsize;
  for (long long t = 0; t <= rounds; ++t) {
    net.run_round(static_cast<int>(t));
    const FullStatePotential v = full_state_potential(card, problem, inst, false);
    out.phi.push_back(v.phi);
    out.kappa = v.kappa;
    out.grad_sq.push_back(v.grad_sq);
  }
  return out;
}

CheckRow state_potential_row(const CheckRow& base, const TheoremCard& card, const Objective& problem,
                             const std::string& method, const std::string& compressor, const RunCheckOptions& opts,
                             int seeds) {
  CheckRow row = base;
  row.id = "state-potential";
  std::vector<StatePotentialRun> runs;
  for (int s = 0; s < seeds; ++s)
    runs.push_back(state_potential_run(problem, method, compressor, opts.rounds, opts.first_seed + static_cast<std::uint64_t>(s)));
  for (const auto& r : runs)
    for (const auto& p : r.phi)
      if (!p) {
        row.verdict = "skipped";
        row.note = "the card's state potential does not apply to this run (its conditions fail; card: " + card.potential + ")";
        return row;
      }
  const std::size_t T = runs.front().phi.size();
  const double sigma2 = problem.constants().sigma_sq, f_scale = std::max(1.0, std::abs(*runs.front().phi.front()));
  const auto horizons = log_spaced_horizons(T, 24);
  std::vector<std::vector<double>> values;
  std::vector<double> acc(runs.size(), 0.0);
  std::size_t next = 0;
  for (std::size_t t = 1; t < T && next < horizons.size(); ++t) {
    for (std::size_t k = 0; k < runs.size(); ++k) acc[k] += runs[k].gamma / 2 * runs[k].grad_sq[t - 1];
    if (t != horizons[next]) continue;
    ++next;
    std::vector<double> v(runs.size());
    for (std::size_t k = 0; k < runs.size(); ++k)
      v[k] = *runs[k].phi[t] + acc[k] - *runs[k].phi[0] - static_cast<double>(t) * runs[k].kappa * sigma2;
    values.push_back(std::move(v));
  }
  const SupermartingaleTest st = supermartingale_test(values, 0.0, 1e-3, 1e-14 * f_scale, 1e-12 * f_scale);
  const bool det = st.all_deterministic();
  row.measured = det ? st.worst_deterministic_excess / f_scale : st.worst_t;
  row.bound = det ? 1e-12 : st.critical_t;
  row.verdict = st.rejects() ? "not-binding" : "pass";
  row.note = fmt::format(
      "INFORMATIONAL: Phi^t from the full state (server + workers' g_i, h_i, read in the simulator; not in the trace), "
      "{} seed(s) x {} rounds: max over {} log-spaced T of {} of Phi^T + gamma/2 sum_(t<T) |grad f|^2{} - Phi^0{}; "
      "Phi^0 = {:.6g}, Phi^T = {:.6g} (seed {}){}",
      runs.size(), T - 1, st.tested,
      det ? "the excess/|Phi^0|" : fmt::format("the Student-t statistic ({} dof, Bonferroni, false alarm <= 1e-3)", runs.size() - 1),
      card.state_potential_lead ? " (at x^{t+1}: Phi^t reads the point round t+1 starts from)" : "",
      runs.front().kappa > 0 ? fmt::format(" - T kappa sigma^2 (kappa = {:.3g}, sigma^2 = {:.3g})", runs.front().kappa, sigma2) : "",
      *runs.front().phi.front(), *runs.front().phi.back(), opts.first_seed,
      st.rejects() ? "; the mean rises above Phi^0 (not binding: the row is informational)" : "");
  return row;
}

}  // namespace commopt
