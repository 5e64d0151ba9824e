// Check 5 (virtual-sequence identities of error feedback, ef-local-lazy.md §12.2) and consistency
// identities between methods, evaluated exactly on the simulated network at 64-bit values.
#include <cmath>

#include <fmt/format.h>

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

// dist-EF-SGD, in commopt's round order (row t holds x^t, the worker errors E_t after the uploads
// at x^t and the server error S_t after the broadcast that made x^t):
//   x^{t+1} − η(E_t + S_{t+1}) = x^t − η(E_{t−1} + S_t) − η (1/n) Σ_i ∇f_i(x^t),  E_{−1} = S_0 = 0.
CheckRow virtual_sequence_row(const Objective& p, const std::string& method, const std::string& comp,
                              long long rounds) {
  CheckRow r{"virtual-sequence", method + " + " + comp, p.name(), 0, 1e-12, "", "derived", ""};
  MethodInstance m = build(p, method, comp);
  const double eta = m.info["stepsize"].get<double>();
  SimNetwork net(p, m, 1);
  const int n = p.workers();
  auto mean_error = [&] {
    Vec e = Vec::Zero(p.dim());
    for (const auto& w : m.workers) e += *w->error_memory() / n;
    return e;
  };
  Vec prev_E = Vec::Zero(p.dim()), grad(p.dim()), gi;
  net.run_round(0);
  Vec x = net.model(), E = mean_error(), S = *m.server->error_memory();
  double worst = 0;
  for (long long t = 0; t < rounds; ++t) {
    grad.setZero();
    for (int i = 0; i < n; ++i) {
      p.grad(i, x, gi);
      grad += gi / n;
    }
    const Vec before = x - eta * (prev_E + S);
    net.run_round(static_cast<int>(t + 1));
    const Vec x1 = net.model(), E1 = mean_error(), S1 = *m.server->error_memory();
    const Vec after = x1 - eta * (E + S1);
    const double err = (after - (before - eta * grad)).norm() / std::max(1e-300, eta * grad.norm() + before.norm());
    worst = std::max(worst, err);
    prev_E = E, x = x1, E = E1, S = S1;
  }
  r.measured = worst;
  r.verdict = worst <= r.bound ? "pass" : "FAIL";
  r.note = fmt::format("max relative residual of the identity over {} rounds (float64 rounding only)", rounds);
  return r;
}

CheckRow local_sgd_consistency_row(const Objective& p, long long rounds) {
  CheckRow r{"consistency", "local_sgd[H=1,batch=0] vs gd", p.name(), 0, 1e-12, "", "derived", ""};
  MethodInstance gd = build(p, "gd", "identity");
  const double gamma = gd.info["stepsize"].get<double>();
  MethodInstance local = build(p, fmt::format("local_sgd[H=1,batch=0,stepsize={:.17g}]", gamma), "identity");
  SimNetwork a(p, gd, 1), b(p, local, 1);
  double worst = 0;
  for (long long t = 0; t <= rounds; ++t) {
    a.run_round(static_cast<int>(t));
    b.run_round(static_cast<int>(t));
    // local SGD's round t uploads the step taken at x^t; gd's round t+1 broadcast applies it.
    if (t > 0) worst = std::max(worst, (a.model() - b.model()).norm() / std::max(1e-300, a.model().norm()));
  }
  r.measured = worst;
  r.verdict = worst <= r.bound ? "pass" : "FAIL";
  r.note = fmt::format("one local full-gradient step then averaging is a gd step: max relative distance of the "
                       "iterates over {} rounds", rounds);
  return r;
}

}  // namespace commopt
