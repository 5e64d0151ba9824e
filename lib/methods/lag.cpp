// lag — LAG-WK, lazily aggregated gradient with the worker-side trigger: Chen, Giannakis, Sun, Yin,
// "LAG: Lazily Aggregated Gradient for Communication-Efficient Distributed Learning", NeurIPS 2018,
// Algorithm 1 (LAG-WK) and Theorem 1 (spec: ../shared/methods/ef-local-lazy.md §8).
// The paper minimizes F = Σ_m f_m with θ^{k+1} = θ^k − α Σ_m ∇f_m(θ̂_m^k); commopt's f is the mean
// (1/M) Σ_m f_m, so the same iterates follow from γ = Mα on the mean:
//   x^{t+1} = x^t − γ g^t,  g^t = (1/M) Σ_m ∇f_m(x̂_m^t),  x̂_m^t = the last point where m uploaded.
// Worker m skips round t (sends nothing, the server reuses its stale gradient) when
//   ||∇f_m(x̂_m^{t−1}) − ∇f_m(x^t)||² ≤ (1/(α²M²)) Σ_{d=1}^D ξ_d ||x^{t+1−d} − x^{t−d}||²
//                                   = (1/γ²) Σ_{d=1}^D ξ_d ||x^{t+1−d} − x^{t−d}||²,
// otherwise it sends δ∇_m = ∇f_m(x^t) − ∇f_m(x̂_m^{t−1}) densely. Missing history terms (t < D) are 0.
// Theorem 1 (strongly convex, ξ_d = ξ < 1/D): γ = (1 − sqrt(Dξ))/L gives a linear rate.
// Potential (derived here for the mean form; the paper's V^k with β_d = Σ_{j≥d} ξ_j/(2γ)):
//   Φ^t = f(x^t) − f_low + Σ_{d=1}^D β_d ||x^{t+1−d} − x^{t−d}||²,  β_d = (1/(2γ)) Σ_{j=d}^D ξ_j.
// With e^t = g^t − ∇f(x^t), the trigger gives ||e^t||² ≤ (1/γ²) Σ_d ξ_d ||Δ_{t+1−d}||² (Jensen), and the
// descent lemma gives Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||² − (1/(2γ) − L/2 − β_1)||Δ_{t+1}||², so Φ never
// increases when γ ≤ (1 − Dξ)/L, which the theory step (1 − sqrt(Dξ))/L satisfies.
// The official code uses ξ_d = 1/D with γ = 1/L, outside the theorem; `xi=0.1,stepsize=...` reproduces it.
// rule=ps (LAG-PS, Algorithm 2, server-side trigger): the server asks worker m for a gradient only when
//   L_m² ||x̂_m^{t−1} − x^t||² > (1/γ²) Σ_{d=1}^D ξ_d ||x^{t+1−d} − x^{t−d}||²,
// so a worker not asked computes nothing (grad_evals shows it). The test needs only x̂_m, x^t and the
// moves, which every replica holds, so the worker's replica evaluates the server's rule (no bits). Since
// ||∇f_m(x̂_m) − ∇f_m(x^t)|| <= L_m ||x̂_m − x^t||, a PS skip satisfies the WK bound, and the same
// potential and step condition hold (L_m must be valid smoothness constants of the f_m: exact or upper
// bounds). The code's PS threshold is ξ_d = 10/D.
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

struct LagOptions {
  long long D = 10;   // past moves in the trigger
  double xi = 0.025;  // ξ_d = ξ for every d
  std::string rule = "wk";
};
const std::vector<OptionField<LagOptions>> kLagFields = {
    option_field("D", &LagOptions::D, "number of past moves in the trigger"),
    option_field("xi", &LagOptions::xi, "trigger weight xi_d = xi for every d (Thm 1 needs D*xi < 1)"),
    option_field("rule", &LagOptions::rule, "wk (worker-side trigger, Alg. 1) or ps (server-side with L_m, Alg. 2)"),
};
LagOptions parse_lag(const Spec& spec) {
  const LagOptions o = parse_options(spec, kLagFields);
  require_option(o.D >= 1, spec, "D", o.D, ">= 1");
  require_option(o.xi >= 0, spec, "xi", o.xi, ">= 0");
  require_option(o.rule == "wk" || o.rule == "ps", spec, "rule", o.rule, "wk or ps");
  return o;
}

class LagWorker final : public ReplicaWorker {
 public:
  // L_m < 0: the worker-side rule (WK); L_m >= 0: the server-side rule (PS) with that constant.
  // The replica (one per process) keeps x^{t−1}, the ring of the last D moves ||x^t − x^{t−1}||² and
  // their sums Σ_d ξ ||Δ_{t+1−d}||² (the trigger) and Σ_d β_d ||Δ_{t+1−d}||² (the potential), formed
  // once per round: identical for every worker, so no worker holds a copy.
  LagWorker(ReplicaPtr replica, int value_bits, double L_m = -1)
      : ReplicaWorker(std::move(replica)), up_codec_(dense_codec(static_cast<int>(x().size()), value_bits)),
        L_m_(L_m), x_hat_(L_m >= 0 ? x() : Vec()), last_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    // (1/γ²) Σ_{d=1}^D ξ_d ||x^{t+1−d} − x^{t−d}||², the bound of both rules
    const double rhs = replica().trigger_history() / (step_ * step_);
    if (L_m_ >= 0 && env.round > 0) {  // PS: the server's test, before any gradient is computed
      if (L_m_ * L_m_ * (x_hat_ - x()).squaredNorm() <= rhs) {
        up.clear();  // not asked
        return;
      }
    }
    env.problem->grad(env.worker, x(), grad_);
    env.grad_evals += env.problem->samples(env.worker);
    delta_ = grad_ - last_;
    if (env.round > 0 && L_m_ < 0 && delta_.squaredNorm() <= rhs) {
      up.clear();  // skip: nothing crosses the wire
      return;
    }
    Rng rng = env.compress_rng(*up_codec_);
    up_codec_->compress(delta_, rng, up);
    up_codec_->add_decoded(up, 1.0, last_);  // the server's copy of ∇f_m(x̂_m) moves identically
    if (L_m_ >= 0) x_hat_ = x();
  }
  // Σ_d β_d ||Δ_{t+1−d}||² (every worker reads the same history, so the mean over workers is it).
  double potential_term(const Vec&) const override { return replica().potential_history(); }

 private:
  CompressorPtr up_codec_;
  double L_m_;
  Vec x_hat_, last_, grad_, delta_;  // x_hat_: PS only
};

MethodInstance build_lag(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  MethodInstance inst;
  const auto& c = p.constants();
  const LagOptions opts = parse_lag(s.method);
  const long long D = opts.D;
  const double xi = opts.xi;
  const double dxi = static_cast<double>(D) * xi;
  const double theory = dxi < 1 ? (1.0 - std::sqrt(dxi)) / c.L : 0.0;
  if (dxi >= 1 && s.method.get_string("stepsize", "theory").rfind("theory", 0) == 0)
    throw UsageError(fmt::format("--method: lag with D*xi = {} >= 1 has no theory step size (Thm 1 needs "
                                 "xi < 1/D); lower xi or give stepsize=<number>", dxi));
  inst.info["constants"] = constants_json(c);
  inst.info["D"] = D;
  inst.info["xi"] = xi;
  if (opts.rule == "ps") inst.info["rule"] = "ps";
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(s.method, theory > 0 ? theory : 1.0 / c.L,
                                   "(1 - sqrt(D xi))/L [LAG, Thm 1]", inst.info);
  const double gamma = inst.stepsize;
  const Vec x0 = p.initial_point();
  ModelReplica::Options ro;
  ro.keep_previous = true;
  ro.move_history = static_cast<int>(D);
  ro.trigger_weight = xi;  // ξ_d = ξ
  for (long long k = 0; k < D; ++k)  // β_d = (1/(2γ)) Σ_{j=d}^D ξ_j = ξ(D − d + 1)/(2γ), d = k + 1
    ro.potential_weights.push_back(xi * static_cast<double>(D - k) / (2 * gamma));
  const auto replica = std::make_shared<ModelReplica>(x0, dense_codec(d, s.value_bits), gamma, ro);  // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<LagWorker>(replica, s.value_bits,
                                                       opts.rule == "ps" ? c.L_i[static_cast<std::size_t>(i)] : -1.0));
  inst.info["potential"] = "f - f_low + sum_d beta_d ||x^{t+1-d} - x^{t-d}||^2, beta_d = sum_{j>=d} xi_j/(2 gamma)";
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), dense_codec(d, s.value_bits), s.value_bits, gamma, n,
      StepServer::Mode::accumulate,
      [](double gap, const Vec&, double history, const Vec&) { return std::optional<double>(gap + history); });
  return inst;
}

}  // namespace

MethodEntry lag_entry() {
  MethodEntry e;
  e.name = "lag";
  e.doc = "LAG lazily aggregated gradient: a worker skips when its gradient barely changed (rule=wk), or is not "
          "asked when L_m ||x_hat_m - x|| is small (rule=ps)";
  e.paper = "Chen, Giannakis, Sun, Yin, NeurIPS 2018, Alg. 1 (LAG-WK), Alg. 2 (LAG-PS), Thm 1";
  e.params = option_docs(kLagFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = &build_lag;
  TheoremCard& c = e.card;
  c.paper = "Chen, Giannakis, Sun, Yin, LAG, NeurIPS 2018";
  c.theorem = "Thm 1 (recalled); potential derived in lib/methods/lag.cpp";
  c.provenance = Provenance::derived;
  c.setting = "f L-smooth; LAG-WK trigger with xi_d = xi, D*xi < 1";
  c.stepsize_rule = "gamma = (1 - sqrt(D xi))/L (needs gamma <= (1 - D xi)/L for the potential)";
  c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Phi^0/(gamma T); strongly convex (recalled): "
            "f - f* <= (1 - (mu/L)(1 - sqrt(D xi)))^t V^0";
  c.potential = "Phi^t = f(x^t) - f_low + sum_{d=1}^D beta_d ||x^{t+1-d} - x^{t-d}||^2, beta_d = sum_{j>=d} xi_j/(2 gamma)";
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  e.check.runs = {{"lag", ""}, {"lag[rule=ps]", ""}};
  e.check.extra = {"potential-sharp", "potential-power", "pl-rate"};
  return e;
}

}  // namespace commopt
