// dasha — DASHA, gradient setting: Tyurin & Richtárik, "DASHA: Distributed Nonconvex Optimization
// with Communication Compression and Optimal Oracle Complexity", ICLR 2023, Algorithm 1 and
// Theorem 6.1 (spec: ../shared/methods/dasha-family.md §3.1).
//   init (init=full): g_i^0 = h_i^0 = ∇f_i(x^0) sent uncompressed; init=none: g_i^0 = 0, h_i^0 = ∇f_i(x^0).
//   worker: h_i^t = ∇f_i(x^t);  m_i^t = C_i(h_i^t − h_i^{t−1} − a (g_i^{t−1} − h_i^{t−1}));
//           g_i^t = g_i^{t−1} + m_i^t;  send m_i^t
//   server: g^t = g^{t−1} + (1/n) Σ_i m_i^t;  x^{t+1} = x^t − γ g^t;   a = 1/(2ω+1).
// Step size [CERT, §3.1]: γ = 1/(L + sqrt(2ω(4ω+1)/n) L̂), with the potential
//   Φ^t = f(x^t) − f* + (γ(2ω+1)/2)||g^t − ∇f(x^t)||² + (γω/n)(1/n)Σ_i||g_i^t − ∇f_i(x^t)||²,
//   E[Φ^{t+1} | F_t] ≤ Φ^t − (γ/2)||∇f(x^t)||².  (The paper's γ, Thm 6.1 with 16ω(2ω+1), also satisfies it.)
#include <cmath>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/dasha_potential.hpp"
#include "methods/entries.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

class DashaWorker final : public ReplicaWorker {
 public:
  DashaWorker(ReplicaPtr replica, CompressorPtr comp, int value_bits, double a, bool full_init)
      : ReplicaWorker(std::move(replica)), comp_(std::move(comp)),
        init_codec_(dense_codec(static_cast<int>(x().size()), value_bits)), a_(a), full_init_(full_init),
        g_(Vec::Zero(x().size())), h_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    env.problem->grad(env.worker, x(), h_new_);  // h_i^t = ∇f_i(x^t)
    env.grad_evals += env.problem->samples(env.worker);
    if (env.round == 0) {
      h_ = h_new_;
      if (full_init_) {
        Rng rng = env.compress_rng(*init_codec_);
        init_codec_->compress(h_new_, rng, up);
        init_codec_->add_decoded(up, 1.0, g_);  // g_i^0 = decode(∇f_i(x^0))
      } else {
        up.clear();  // "no init": g_i^0 = 0, nothing sent
      }
      return;
    }
    v_ = h_new_ - h_ - a_ * (g_ - h_);
    Rng rng = env.compress_rng(*comp_);
    comp_->compress(v_, rng, up);
    comp_->add_decoded(up, 1.0, g_);  // g_i^t = g_i^{t−1} + m_i^t
    h_.swap(h_new_);
  }
  double potential_term(const Vec& grad_i) const override { return (g_ - grad_i).squaredNorm(); }
  void expose(StateView& out) const override {
    ReplicaWorker::expose(out);
    out.add("g", g_);
    out.add("h", h_);
  }

 private:
  CompressorPtr comp_, init_codec_;
  double a_;
  bool full_init_;
  Vec g_, h_, h_new_, v_;
};

MethodInstance build_dasha(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  MethodInstance inst;
  const auto& c = p.constants();
  const CompressorConstants cc = make_compressor(s.compressor, d, s.value_bits, {0, n})->constants();
  if (cc.kind != CompressorConstants::Kind::unbiased)
    throw UsageError("--compressor: dasha needs an unbiased compressor (randk, identity); '" + s.compressor.str() +
                     "' is not; use e.g. --compressor randk[k=...]");
  const double omega = cc.omega;
  const double a = s.method.has("momentum") ? s.method.get_double("momentum", 0) : 1.0 / (2.0 * omega + 1.0);
  if (!(a > 0 && a <= 1)) throw UsageError("--method: dasha momentum must be in (0, 1]; got " + std::to_string(a));
  const double theory = 1.0 / (c.L + std::sqrt(2.0 * omega * (4.0 * omega + 1.0) / n) * c.L_hat);
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["momentum"] = a;
  // The paper's rule (Thm 6.1, recalled, dasha-family.md 3.1): smaller than the [CERT] step, which
  // `commopt check --tightness` measures as exact on tiny instances.
  const double paper = 1.0 / (c.L + std::sqrt(16.0 * omega * (2.0 * omega + 1.0) / n) * c.L_hat);
  inst.stepsize = resolve_stepsize(s.method, theory, "1/(L + sqrt(2 omega (4 omega + 1)/n) L_hat) [CERT, dasha-family.md 3.1]",
                                   inst.info, paper, "1/(L + sqrt(16 omega (2 omega + 1)/n) L_hat) [PAPER-recalled, Thm 6.1]");
  const std::string init = s.method.get_string("init", "full");
  if (init != "full" && init != "none")
    throw UsageError("--method: dasha init=" + init + " is not known; use init=full or init=none");
  inst.info["init"] = init;
  inst.info[kInfoStochastic] = false;
  inst.info["potential"] =
      "f - f_low + gamma(2 omega+1)/2 ||g - grad f||^2 + (gamma omega/n) mean_i ||g_i - grad f_i||^2 [CERT]";
  const double gamma = inst.stepsize;
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, gamma);  // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<DashaWorker>(replica, make_compressor(s.compressor, d, s.value_bits, {i, n}),
                                                         s.value_bits, a, init == "full"));
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), make_compressor(s.compressor, d, s.value_bits, {0, n}), s.value_bits, gamma, n,
      StepServer::Mode::accumulate, [gamma, omega, n](double gap, const Vec& grad, double g_dev, const Vec& g) {
        return std::optional<double>(gap + gamma * (2 * omega + 1) / 2 * (g - grad).squaredNorm() +
                                     gamma * omega / n * g_dev);
      });
  return inst;
}

}  // namespace

MethodEntry dasha_entry() {
  MethodEntry e;
  e.name = "dasha";
  e.doc = "DASHA (gradient setting): unbiased compression with momentum a = 1/(2 omega + 1)";
  e.paper = "Tyurin & Richtarik, ICLR 2023, Alg. 1, Thm 6.1; step size from the [CERT] potential";
  e.params = {kStepsizePaperParam,
              {"momentum", "1/(2 omega+1)", "the momentum a"},
              {"init", "full", "full: g_i^0 = h_i^0 = grad f_i(x^0) sent dense; none: g_i^0 = 0"}};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha;
  TheoremCard& c = e.card;
  c.paper = "Tyurin & Richtarik, DASHA, ICLR 2023";
  c.theorem = "[CERT] of dasha-family.md 3.1 (paper: Thm 6.1, recalled)";
  c.provenance = Provenance::certificate;
  c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased with omega, independent across workers";
  c.stepsize_rule = "a = 1/(2 omega + 1), gamma = 1/(L + sqrt(2 omega (4 omega + 1)/n) L_hat)  "
                    "[paper, recalled: 1/(L + sqrt(16 omega (2 omega+1)/n) L_hat)]";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T)";
  c.potential = "Phi^t = f - f_low + gamma(2 omega+1)/2 ||g^t - grad f||^2 + (gamma omega/n)(1/n) sum_i ||g_i^t - grad f_i||^2";
  c.potential_monotone_when_deterministic = true;
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  set_dasha_state_potential(c, DashaPotential::dasha);
  e.check.runs = {{"", "randk[k={k}]"}};
  e.check.one_step = OneStepPlan{.method = "dasha", .compressor = "randk[k=1]", .power_factor = 4};  // the spec's 4x (§7)
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant(),
                  worker_gradient_invariant("h-is-gradient", "h", "h_i^t = grad f_i(x^t) (gradient setting, Alg. 1)")};
  return e;
}

}  // namespace commopt
