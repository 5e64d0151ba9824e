// gd — distributed gradient descent with dense (uncompressed) uplink, the reference method.
// Nesterov, "Introductory Lectures on Convex Optimization" (2004), Thm 2.1.14 / 2.1.15:
//   x^{t+1} = x^t − γ (1/n) Σ_i ∇f_i(x^t),  γ = 1/L,
// f(x^{t+1}) ≤ f(x^t) − (γ/2)||∇f(x^t)||², so Φ^t = f(x^t) − f_low never increases; for μ-strongly
// convex f, f(x^t) − f* ≤ (1 − μ/L)^t (f(x^0) − f*).
#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

class GdWorker final : public ReplicaWorker {
 public:
  GdWorker(ReplicaPtr replica, int value_bits)
      : ReplicaWorker(std::move(replica)), up_codec_(dense_codec(static_cast<int>(x().size()), value_bits)) {}
  void upload(WorkerEnv& env, Message& up) override {
    env.problem->grad(env.worker, x(), grad_);  // ∇f_i(x^t)
    env.grad_evals += env.problem->samples(env.worker);
    Rng rng = env.compress_rng(*up_codec_);
    up_codec_->compress(grad_, rng, up);
  }

 private:
  CompressorPtr up_codec_;
  Vec grad_;
};

MethodInstance build_gd(const MethodSetup& s) {
  const Objective& p = *s.problem;
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["potential"] = "f(x^t) - f_low";
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(s.method, 1.0 / c.L, "1/L [Nesterov 2004, Thm 2.1.14]", inst.info);
  const Vec x0 = p.initial_point();
  const int d = p.dim();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, inst.stepsize);  // one per process
  for (int i = 0; i < p.workers(); ++i) inst.workers.push_back(std::make_unique<GdWorker>(replica, s.value_bits));
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), dense_codec(d, s.value_bits), s.value_bits, inst.stepsize, p.workers(),
      StepServer::Mode::replace, [](double gap, const Vec&, double, const Vec&) { return std::optional<double>(gap); });
  return inst;
}

}  // namespace

MethodEntry gd_entry() {
  MethodEntry e;
  e.name = "gd";
  e.doc = "distributed gradient descent, dense uplink and downlink";
  e.paper = "Nesterov 2004, Thm 2.1.14 (gamma = 1/L)";
  e.params = {kStepsizeParam};
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = &build_gd;
  TheoremCard& c = e.card;
  c.paper = "Nesterov, Introductory Lectures on Convex Optimization (2004)";
  c.theorem = "Thm 2.1.14 (descent lemma) and Thm 2.1.15 (strongly convex)";
  c.provenance = Provenance::paper;
  c.setting = "f L-smooth; nonconvex, or mu-strongly convex for the rate";
  c.stepsize_rule = "gamma = 1/L";
  c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Phi^0/(gamma T); strongly convex: f(x^t)-f* <= (1-gamma mu)^t (f(x^0)-f*)";
  c.potential = "Phi^t = f(x^t) - f_low";
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  c.linear_rate = [](const CardInputs& in) -> std::optional<double> {
    if (in.constants->mu <= 0 || in.gamma > 1.0 / in.constants->L) return std::nullopt;
    return 1.0 - in.gamma * in.constants->mu;
  };
  // GD's descent lemma breaks past 2/L: the power check runs at 2.5x.
  e.check.one_step = OneStepPlan{.method = "gd", .compressor = "", .power_factor = 2.5};
  e.invariants = {model_replicas_invariant(),
                  gradient_invariant("g-is-gradient", "g", nullptr, "g^t = (1/n) sum_i grad f_i(x^t) at every round")};
  return e;
}

}  // namespace commopt
