// iag — incremental aggregated gradient, the baseline of LAG (Chen, Giannakis, Sun, Yin, NeurIPS 2018,
// §5 and the official LAG-code: cyclic IAG and non-uniform random IAG; spec ef-local-lazy.md §8).
// Round 0: every worker uploads ∇f_m(x^0). Round t >= 1: ONE worker m_t uploads δ_m = ∇f_m(x^t) −
// ∇f_m(x̂_m) (dense); the others send nothing and compute nothing. The server keeps
//   g^t = (1/M) Σ_m ∇f_m(x̂_m^t),  x^{t+1} = x^t − γ g^t      (x̂_m: m's last upload point).
// order=cyclic: m_t = (t − 1) mod M. order=random: m_t drawn by the server with P(m) ∝ L_m (the code's
// non-uniform IAG), from the shared stream Rng(seed, server, t, participation), so every party agrees.
//
// POTENTIAL (derived here, cyclic order). After round t every worker's x̂_m is at most M − 1 rounds old,
// x^t − x̂_m = Σ_{d=1}^{a_m} Δ_{t+1−d} with a_m <= M − 1, so (Cauchy–Schwarz, L_m-smooth f_m)
//   (1/M) Σ_m ||∇f_m(x̂_m) − ∇f_m(x^t)||² <= L̂² (M − 1) Σ_{d=1}^{M−1} ||Δ_{t+1−d}||²,  L̂² = mean_m L_m².
// That is LAG's trigger bound with D = M − 1 and ξ_d = ξ = γ² L̂² (M − 1), so LAG's potential (lag.cpp)
//   Φ^t = f(x^t) − f_low + Σ_{d=1}^{M−1} β_d ||Δ_{t+1−d}||²,  β_d = (1/(2γ)) Σ_{j>=d} ξ_j = (γ/2)(M−1)(M−d) L̂²
// never increases when γ <= (1 − Dξ)/L, i.e. γL + γ²L̂²(M − 1)² <= 1; the theory step is its root
//   γ = 2/(L + sqrt(L² + 4 (M − 1)² L̂²)).
// Random order has unbounded staleness: no potential is reported (and the run is not checked).
// The official code's steps: cyclic α/M with α = 1/L_F (γ = 1/(M L) on the mean), random α·0.5/sqrt(M).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

struct IagOptions {
  std::string order = "cyclic";
};
const std::vector<OptionField<IagOptions>> kIagFields = {
    option_field("order", &IagOptions::order, "cyclic ((t-1) mod M) or random (P(m) proportional to L_m)"),
};

// The worker the server asks in round t >= 1 (the same answer on every party): the first m with
// u < cumulative[m] (binary search), n − 1 when none.
int chosen(int t, int n, const std::vector<double>& cumulative, std::uint64_t seed) {
  if (cumulative.empty()) return (t - 1) % n;
  Rng rng(seed, kServer, t, Purpose::participation);
  const double u = rng.uniform() * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), u);
  return it == cumulative.end() ? n - 1 : static_cast<int>(it - cumulative.begin());
}

class IagWorker final : public ReplicaWorker {
 public:
  // The replica keeps x^{t−1}, the last M − 1 moves ||x^t − x^{t−1}||² and the potential's sum over
  // them (once per process, once per round), so an idle worker's round is the replica's once-guard
  // and the `chosen` test: no state of its own.
  IagWorker(ReplicaPtr replica, int value_bits, int n, std::vector<double> cumulative)
      : ReplicaWorker(std::move(replica)), up_codec_(dense_codec(static_cast<int>(x().size()), value_bits)), n_(n),
        cumulative_(std::move(cumulative)), last_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    if (env.round > 0 && chosen(env.round, n_, cumulative_, env.seed) != env.worker) {
      up.clear();  // not asked: no gradient, nothing sent
      return;
    }
    env.problem->grad(env.worker, x(), grad_);
    env.grad_evals += env.problem->samples(env.worker);
    delta_ = grad_ - last_;
    Rng rng = env.compress_rng(*up_codec_);
    up_codec_->compress(delta_, rng, up);
    up_codec_->add_decoded(up, 1.0, last_);
  }
  // Σ_d β_d ||Δ_{t+1−d}||² (the replica's, formed once per round).
  double potential_term(const Vec&) const override { return replica().potential_history(); }

 private:
  CompressorPtr up_codec_;
  int n_;
  std::vector<double> cumulative_;  // empty: cyclic
  Vec last_, grad_, delta_;
};

MethodInstance build_iag(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const IagOptions o = parse_options(s.method, kIagFields);
  require_option(o.order == "cyclic" || o.order == "random", s.method, "order", o.order, "cyclic or random");
  const auto& c = p.constants();
  const double Lhat2 = c.L_hat * c.L_hat, m1 = n - 1.0;
  const double theory = 2.0 / (c.L + std::sqrt(c.L * c.L + 4.0 * m1 * m1 * Lhat2));
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  inst.info["order"] = o.order;
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(s.method, theory, "2/(L + sqrt(L^2 + 4 (M-1)^2 L_hat^2)) [derived, iag.cpp]",
                                   inst.info);
  const double gamma = inst.stepsize;
  std::vector<double> cumulative;
  if (o.order == "random") {
    double acc = 0;
    for (double Lm : c.L_i) cumulative.push_back(acc += Lm);
  }
  const bool cyclic = o.order == "cyclic";
  const double beta_unit = gamma / 2 * m1 * Lhat2;
  const Vec x0 = p.initial_point();
  ModelReplica::Options ro;
  ro.keep_previous = true;
  ro.move_history = std::max(n - 1, 1);
  for (int k = 0; k < ro.move_history; ++k)  // β_d = beta_unit (M − d), k = d − 1 the age (0: the latest move)
    ro.potential_weights.push_back(beta_unit * static_cast<double>(n - 1 - k));
  const auto replica = std::make_shared<ModelReplica>(x0, dense_codec(d, s.value_bits), gamma, ro);  // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<IagWorker>(replica, s.value_bits, n, cumulative));
  inst.info["potential"] = cyclic ? "f - f_low + sum_{d<M} (gamma/2)(M-1)(M-d) L_hat^2 ||x^{t+1-d} - x^{t-d}||^2"
                                  : "none (random order: unbounded staleness)";
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), dense_codec(d, s.value_bits), s.value_bits, gamma, n,
      StepServer::Mode::accumulate, [cyclic](double gap, const Vec&, double history, const Vec&) {
        return cyclic ? std::optional<double>(gap + history) : std::nullopt;
      });
  return inst;
}

}  // namespace

MethodEntry iag_entry() {
  MethodEntry e;
  e.name = "iag";
  e.doc = "incremental aggregated gradient: one worker (cyclic, or random with P ~ L_m) refreshes per round";
  e.paper = "LAG's baseline (Chen, Giannakis, Sun, Yin, NeurIPS 2018, LAG-code); potential derived in iag.cpp";
  e.params = option_docs(kIagFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = &build_iag;
  TheoremCard& c = e.card;
  c.paper = "IAG as in LAG (Chen et al. NeurIPS 2018); analysis derived here as LAG with D = M-1";
  c.theorem = "derived in lib/methods/iag.cpp (LAG's potential with xi = gamma^2 L_hat^2 (M-1))";
  c.provenance = Provenance::derived;
  c.setting = "f L-smooth, f_m L_m-smooth; cyclic order";
  c.stepsize_rule = "gamma = 2/(L + sqrt(L^2 + 4 (M-1)^2 L_hat^2)) (gamma L + gamma^2 L_hat^2 (M-1)^2 <= 1)";
  c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Phi^0/(gamma T)";
  c.potential = "Phi^t = f - f_low + sum_{d=1}^{M-1} (gamma/2)(M-1)(M-d) L_hat^2 ||x^{t+1-d} - x^{t-d}||^2";
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  e.check.extra = {"potential-sharp", "potential-power"};
  return e;
}

}  // namespace commopt
