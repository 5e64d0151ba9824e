// Check 5 (virtual-sequence identities of error feedback, ef-local-lazy.md §12.2) and consistency
// identities between methods, evaluated exactly on the simulated network at 64-bit values.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "methods/schedule.hpp"
#include "net/network.hpp"
#include "theory/cards.hpp"
#include "theory/checks.hpp"

namespace commopt {

namespace {
MethodInstance build(const Objective& p, const std::string& method, const std::string& comp) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(comp, "--compressor");
  s.value_bits = 64;
  s.seed = 1;
  return make_method(s);
}
}  // namespace

std::string with_method_param(const std::string& method, const std::string& key, const std::string& value) {
  const Spec s = Spec::parse(method, "--method");
  std::string text = s.name() + "[" + key + "=" + value;
  for (const auto& [k, v] : s.values())
    if (k != key) text += "," + k + "=" + v;
  return text + "]";
}

namespace {
// dist-EF-SGD(M), in commopt's round order (row t holds x^t, the mean worker error E_t after the
// uploads at x^t, the server error S_t after the broadcast that made x^t; dist_ef_sgd.cpp derives it):
//   x^{t+1} − η_t(E_t + S_{t+1}) = x^t − η_{t−1}(E_{t−1} + S_t) − η_t D_t,   E_{−1} = S_0 = 0,
//   D_t = μ M_t + ḡ_t + wd·x^t + μ W_t,  M_t = μ M_{t−1} + ḡ_t,  W_t = μ W_{t−1} + wd·x^t,
// ḡ_t = (1/n) Σ_i ∇f_i(x^t), μ and wd from the run's info (0 for dist_ef_sgd). Returns the relative
// residual of every round t = 0..rounds−1.
std::vector<double> virtual_sequence_residuals(const Objective& p, const std::string& method, const std::string& comp,
                                               long long rounds, StepSchedule& sched) {
  MethodInstance m = build(p, method, comp);
  sched = parse_schedule(Spec::parse(method, "--method"), m.info["stepsize"].get<double>());
  const double mu = m.info.value("momentum", 0.0), wd = m.info.value("weight_decay", 0.0);
  SimNetwork net(p, m, 1);
  const int n = p.workers();
  auto mean_error = [&] {
    Vec e = Vec::Zero(p.dim());
    for (const auto& w : m.workers) e += *w->error_memory() / n;
    return e;
  };
  Vec prev_E = Vec::Zero(p.dim()), grad(p.dim()), gi, M = Vec::Zero(p.dim()), W = Vec::Zero(p.dim());
  net.run_round(0);
  Vec x = net.model(), E = mean_error(), S = *m.server->error_memory();
  std::vector<double> out;
  for (long long t = 0; t < rounds; ++t) {
    grad.setZero();
    for (int i = 0; i < n; ++i) {
      p.grad(i, x, gi);
      grad += gi / n;
    }
    M = mu * M + grad;
    W = mu * W + wd * x;
    const Vec D = mu * M + grad + wd * x + mu * W;
    const double eta = sched.at(t), eta_prev = sched.at(std::max(0LL, t - 1));
    const Vec before = x - eta_prev * (prev_E + S);
    net.run_round(static_cast<int>(t + 1));
    const Vec x1 = net.model(), E1 = mean_error(), S1 = *m.server->error_memory();
    const Vec after = x1 - eta * (E + S1);
    out.push_back((after - (before - eta * D)).norm() / std::max(1e-300, eta * D.norm() + before.norm()));
    prev_E = E, x = x1, E = E1, S = S1;
  }
  return out;
}
}  // namespace

std::vector<CheckRow> virtual_sequence_rows(const Objective& p, const std::string& method, const std::string& comp,
                                            long long rounds) {
  CheckRow r{"virtual-sequence", method + " + " + comp, p.name(), 0, 1e-12, "", "derived", ""};
  if (Spec::parse(method, "--method").get_int("batch", 0) != 0) {
    r.verdict = "skipped";
    r.note = "the identity is checked with full local gradients (batch=0): the sampled rows are the workers' own";
    return {r};
  }
  StepSchedule sched;
  const std::vector<double> res = virtual_sequence_residuals(p, method, comp, rounds, sched);
  r.measured = *std::max_element(res.begin(), res.end());
  r.verdict = r.measured <= r.bound ? "pass" : "FAIL";
  r.note = fmt::format("max relative residual of the identity over {} rounds, schedule {} (float64 rounding only)",
                       rounds, sched.str());
  // Power: where the step changes inside the checked rounds, the run without the η_{t−1}/η_t
  // rescaling (rescale=off) must keep the identity before the change and break it at the change.
  long long change = 1;
  while (change < rounds && sched.at(change) == sched.at(change - 1)) ++change;
  if (change >= rounds) return {r};
  const std::string off = with_method_param(method, "rescale", "off");
  CheckRow power{"virtual-sequence-power", off + " + " + comp, p.name(), 0, 1e-12, "", "derived", ""};
  StepSchedule unused;
  const std::vector<double> bad = virtual_sequence_residuals(p, off, comp, rounds, unused);
  const double before = change > 0 ? *std::max_element(bad.begin(), bad.begin() + change) : 0.0;
  power.measured = bad[static_cast<std::size_t>(change)];
  power.verdict = before <= power.bound && power.measured > 1e3 * power.bound ? "pass" : "FAIL";
  power.note = fmt::format("without the rescaling the identity must hold before the step change at t = {} "
                           "(max residual {:.3g}) and break at it (residual {:.3g}); pass = broken there",
                           change, before, power.measured);
  return {r, power};
}

namespace {
// Max relative distance between gd's iterates and local_sgd[H=1,batch=0]'s at `factor` times gd's step.
double local_sgd_vs_gd(const Objective& p, long long rounds, double factor) {
  MethodInstance gd = build(p, "gd", "identity");
  const double gamma = gd.info["stepsize"].get<double>();
  MethodInstance local = build(p, fmt::format("local_sgd[H=1,batch=0,stepsize={:.17g}]", gamma * factor), "identity");
  SimNetwork a(p, gd, 1), b(p, local, 1);
  double worst = 0;
  for (long long t = 0; t <= rounds; ++t) {
    a.run_round(static_cast<int>(t));
    b.run_round(static_cast<int>(t));
    // local SGD's round t uploads the step taken at x^t; gd's round t+1 broadcast applies it.
    if (t > 0) worst = std::max(worst, (a.model() - b.model()).norm() / std::max(1e-300, a.model().norm()));
  }
  return worst;
}
}  // namespace

CheckRow local_sgd_consistency_row(const Objective& p, long long rounds) {
  CheckRow r{"consistency", "local_sgd[H=1,batch=0] vs gd", p.name(), 0, 1e-12, "", "derived", ""};
  r.measured = local_sgd_vs_gd(p, rounds, 1.0);
  r.verdict = r.measured <= r.bound ? "pass" : "FAIL";
  r.note = fmt::format("one local full-gradient step then averaging is a gd step: max relative distance of the "
                       "iterates over {} rounds", rounds);
  return r;
}

CheckRow local_sgd_consistency_power_row(const Objective& p, long long rounds) {
  CheckRow r{"consistency-power", "local_sgd[H=1,batch=0,step*(1+1e-9)] vs gd", p.name(), 0, 1e-12, "", "derived", ""};
  r.measured = local_sgd_vs_gd(p, rounds, 1.0 + 1e-9);
  r.verdict = r.measured > r.bound ? "pass" : "FAIL";
  r.note = fmt::format("a step 1e-9 larger must be seen (max relative distance over {} rounds above the bound); "
                       "pass = the consistency row can fail", rounds);
  return r;
}

}  // namespace commopt
