// The exact identities of Qsparse-local-SGD (lib/methods/qsparse_local_sgd.cpp; ef-local-lazy.md §5,
// §12.2–3), evaluated on the shipped worker and server code at 64-bit values:
//   qsparse-virtual-sequence  x̃ = x − (1/R) Σ_r (m_r + a_r − x̂_r) moves by exactly −η_t (1/R) Σ_r d_r
//                             at every round (derived in the method's file); power row: memory=off
//                             (the compression error dropped) must break it on a lossy compressor.
//   qsparse-memory-bound      the recalled Lemma E||m||² <= 4η²(1−γ²)H²G²/γ², G² measured along the
//                             run as max ||∇f_{r,B}||²: printed, not binding.
//   qsparse-consistency       H=1 + identity compressor is gd (to float64 rounding: x − (x − η∇) is not
//                             η∇ bit for bit); H=4 + identity is local_sgd[H=4] bit for bit at rounds 4k.
// The rounds are driven in SimNetwork's order (broadcast, apply, upload, absorb) so that the state
// between apply and upload (x_t, x̂_t, m_t, a_t) is visible.
#include <cmath>

#include <fmt/format.h>

#include "methods/qsparse_local_sgd.hpp"
#include "net/network.hpp"
#include "theory/checks.hpp"

namespace commopt {

namespace {

// `text` with key=value set (added or replaced).
std::string with_key(const std::string& text, const std::string& key, const std::string& value) {
  const Spec s = Spec::parse(text, "--method");
  auto values = s.values();
  values[key] = value;
  std::string out = s.name() + "[";
  bool first = true;
  for (const auto& [k, v] : values) out += (first ? "" : ",") + k + "=" + v, first = false;
  return out + "]";
}

MethodInstance build(const Objective& p, const std::string& method, const std::string& comp) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(comp, "--compressor");
  s.value_bits = 64;
  s.seed = 1;
  return make_method(s);
}

// SimNetwork's round, split at the point between the workers' apply and upload.
class Driver {
 public:
  Driver(const Objective& p, MethodInstance& m) : p_(p), m_(m), envs_(static_cast<std::size_t>(p.workers())),
                                                  ups_(envs_.size()) {
    for (int i = 0; i < p.workers(); ++i) envs_[static_cast<std::size_t>(i)] = WorkerEnv{&p, i, 0, 1, 0};
    for (const auto& w : m.workers) views_.push_back(dynamic_cast<const QsparseWorkerView*>(w.get()));
  }
  void begin(int t) {  // broadcast of round t and the workers' apply
    ServerEnv env{t, 1};
    if (t > 0) {
      down_.clear();
      m_.server->broadcast(env, down_);
    }
    for (std::size_t i = 0; i < envs_.size(); ++i) {
      envs_[i].round = t;
      if (t > 0 && down_.sent) m_.workers[i]->apply(down_, envs_[i]);
    }
  }
  void finish(int t) {  // uploads of round t and the server's absorb
    ServerEnv env{t, 1};
    for (std::size_t i = 0; i < envs_.size(); ++i) {
      ups_[i].clear();
      m_.workers[i]->upload(envs_[i], ups_[i]);
    }
    m_.server->absorb(ups_, env);
  }
  const QsparseWorkerView& view(int i) const { return *views_[static_cast<std::size_t>(i)]; }
  // x̃ = x − (1/R) Σ_r (m_r + a_r − x̂_r) and the scale of its terms (for a relative residual).
  Vec virtual_point(double& scale) const {
    const int n = p_.workers();
    Vec v = m_.server->model();
    scale = v.norm();
    for (int i = 0; i < n; ++i) {
      const QsparseWorkerView& w = view(i);
      v -= (w.memory() + w.anchor() - w.local_model()) / n;
      scale += (w.memory().norm() + w.anchor().norm() + w.local_model().norm()) / n;
    }
    return v;
  }

 private:
  const Objective& p_;
  MethodInstance& m_;
  std::vector<WorkerEnv> envs_;
  std::vector<Message> ups_;
  Message down_;
  std::vector<const QsparseWorkerView*> views_;
};

// The largest relative residual of the virtual-sequence identity over `rounds` rounds.
double virtual_sequence_residual(const Objective& p, const std::string& method, const std::string& comp,
                                 long long rounds) {
  MethodInstance m = build(p, method, comp);
  // Full gradients without momentum: d_r is recomputed here (an independent oracle call);
  // otherwise the worker's own minibatch direction is used (the identity checks the memory accounting).
  const bool recompute = m.info["batch"].get<long long>() == 0 && m.info["momentum"].get<double>() == 0;
  Driver net(p, m);
  const int n = p.workers();
  double worst = 0, scale = 0;
  Vec grad(p.dim()), gi;
  net.begin(0);
  for (long long t = 0; t < rounds; ++t) {
    const Vec before = net.virtual_point(scale);
    if (recompute) {
      grad.setZero();
      for (int i = 0; i < n; ++i) p.grad(i, net.view(i).local_model(), gi), grad += gi / n;
    }
    net.finish(static_cast<int>(t));
    Vec step = Vec::Zero(p.dim());
    if (recompute) step = net.view(0).last_stepsize() * grad;  // η_t is the same on every worker
    else
      for (int i = 0; i < n; ++i) step += net.view(i).last_stepsize() * net.view(i).last_direction() / n;
    net.begin(static_cast<int>(t + 1));
    double scale1 = 0;
    const Vec after = net.virtual_point(scale1);
    worst = std::max(worst, (after - (before - step)).norm() / std::max(1e-300, scale + scale1 + step.norm()));
  }
  return worst;
}

}  // namespace

std::vector<CheckRow> qsparse_virtual_sequence_rows(const Objective& p, const std::string& method,
                                                    const std::string& comp, long long rounds) {
  constexpr double kTol = 1e-13;
  CheckRow r{"qsparse-virtual-seq", method + " + " + comp, p.name(), 0, kTol, "", "derived", ""};
  r.measured = virtual_sequence_residual(p, method, comp, rounds);
  r.verdict = r.measured <= kTol ? "pass" : "FAIL";
  r.note = fmt::format("x~ = x - (1/R) sum_r (m_r + a_r - xhat_r) moves by -eta_t (1/R) sum_r d_r: max relative "
                       "residual over {} rounds (float64 rounding only)",
                       rounds);
  CheckRow power{"qsparse-vs-power", with_key(method, "memory", "off") + " + " + comp, p.name(), 0, kTol, "",
                 "derived", ""};
  if (make_compressor(Spec::parse(comp, "--compressor"), p.dim(), 64, {0, p.workers(), block_sizes(p)})->constants().alpha >= 1) {
    power.verdict = "skipped";
    power.note = "the compressor is lossless: dropping the memory cannot break the identity";
    return {r, power};
  }
  power.measured = virtual_sequence_residual(p, with_key(method, "memory", "off"), comp, rounds);
  power.verdict = power.measured > 1e3 * kTol ? "pass" : "FAIL";
  power.note = fmt::format("memory=off drops the compression error: the identity must break (found residual {:.3g}; "
                           "passes when > {:.0e})",
                           power.measured, 1e3 * kTol);
  return {r, power};
}

CheckRow qsparse_memory_bound_row(const Objective& p, const std::string& method, const std::string& comp,
                                  long long rounds) {
  CheckRow r{"qsparse-memory-lemma", method + " + " + comp, p.name(), 0, 0, "not-binding", "paper-recalled", ""};
  MethodInstance m = build(p, method, comp);
  const double gamma = make_compressor(Spec::parse(comp, "--compressor"), p.dim(), 64, {0, p.workers(), block_sizes(p)})->constants().alpha;
  if (gamma >= 1 || m.info["memory"].get<std::string>() == "off") {
    r.verdict = "skipped";
    r.note = "lossless compressor or memory=off: the memory is zero";
    return r;
  }
  const double H = m.info["H"].get<double>();
  Driver net(p, m);
  double worst_m = 0, G2 = 0, eta = 0;
  net.begin(0);
  for (long long t = 0; t < rounds; ++t) {
    net.finish(static_cast<int>(t));
    net.begin(static_cast<int>(t + 1));
    for (int i = 0; i < p.workers(); ++i) {
      const QsparseWorkerView& w = net.view(i);
      worst_m = std::max(worst_m, w.memory().squaredNorm());
      G2 = std::max(G2, w.last_gradient().squaredNorm());
      eta = std::max(eta, w.last_stepsize());
    }
  }
  r.measured = worst_m;
  r.bound = 4 * eta * eta * (1 - gamma * gamma) * H * H * G2 / (gamma * gamma);
  r.note = fmt::format("max_t,r ||m_r||^2 vs 4 eta^2 (1-gamma^2) H^2 G^2/gamma^2 with eta = max eta_t = {:.3g}, "
                       "gamma = {:.3g}, G^2 = max ||grad f_(r,B)||^2 along the run = {:.3g} (recalled lemma)",
                       eta, gamma, G2);
  return r;
}

std::vector<CheckRow> qsparse_consistency_rows(const Objective& p, long long rounds) {
  CheckRow a{"consistency", "qsparse_local_sgd[H=1,identity] vs gd", p.name(), 0, 1e-12, "", "derived", ""};
  MethodInstance gd = build(p, "gd", "identity");
  const double gamma = gd.info["stepsize"].get<double>();
  const std::string common = fmt::format("batch=0,stepsize={:.17g},schedule=constant", gamma);
  {
    MethodInstance q = build(p, "qsparse_local_sgd[H=1," + common + "]", "identity");
    SimNetwork x(p, gd, 1), y(p, q, 1);
    for (long long t = 0; t <= rounds; ++t) {
      x.run_round(static_cast<int>(t));
      y.run_round(static_cast<int>(t));
      a.measured = std::max(a.measured, (x.model() - y.model()).norm() / std::max(1e-300, x.model().norm()));
    }
    a.verdict = a.measured <= a.bound ? "pass" : "FAIL";
    a.note = fmt::format("one local full-gradient step, identity compression, sync every step is a gd step: max "
                         "relative distance over {} rounds (rounding: x - (x - eta g) is not eta g bit for bit)",
                         rounds);
  }
  CheckRow b{"consistency", "qsparse_local_sgd[H=4,identity] vs local_sgd[H=4]", p.name(), 0, 0, "", "derived", ""};
  {
    MethodInstance q = build(p, "qsparse_local_sgd[H=4," + common + "]", "identity");
    MethodInstance l = build(p, fmt::format("local_sgd[H=4,batch=0,stepsize={:.17g}]", gamma), "identity");
    SimNetwork x(p, l, 1), y(p, q, 1);
    const long long syncs = std::max(1LL, rounds / 4);
    for (long long k = 0; k <= syncs; ++k) {
      x.run_round(static_cast<int>(k));
      for (long long t = std::max(0LL, 4 * k - 3); t <= 4 * k; ++t) y.run_round(static_cast<int>(t));
      b.measured = std::max(b.measured, (x.model() - y.model()).lpNorm<Eigen::Infinity>());
    }
    b.verdict = b.measured == 0 ? "pass" : "FAIL";
    b.note = fmt::format("identity compression with memory on = local SGD: max |x_4k - x^k| over {} syncs (bit for "
                         "bit: must be exactly 0)",
                         syncs);
  }
  return {a, b};
}

}  // namespace commopt
