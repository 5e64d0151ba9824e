// ef21_pp, ef21_bc — EF21 with partial participation and with bidirectional compression:
// Fatkhullin, Sokolov, Gorbunov, Li, Richtárik, "EF21 with Bells & Whistles", arXiv 2110.03294,
// Algorithms EF21-PP and EF21-BC (spec: ../shared/methods/dasha-family.md §3.8).
// ef21_pp: S^t = s workers uniformly without replacement, drawn from Rng(seed, server, t,
//   participation) by every party (round 0: everyone, g_i^0 = ∇f_i(x^0) sent dense):
//   i ∈ S^t: c_i = C(∇f_i(x^t) − g_i^{t−1}), g_i^t = g_i^{t−1} + c_i, send c_i; i ∉ S^t: nothing;
//   server: g^t = g^{t−1} + (1/n) Σ_{i∈S} c_i;  x^{t+1} = x^t − γ g^t.
//   Step size [DERIVED, §3.8]: with q = s/n the contraction holds with qα: θ_q = 1 − sqrt(1 − qα),
//   β_q = (1 − qα)/θ_q, γ = 1/(L + L̂ sqrt(β_q/θ_q)); Φ = f − f* + (γ/(2θ_q)) (1/n)Σ||g_i − ∇f_i||².
// ef21_bc: workers run EF21 with C_w into w_i (server: w = mean w_i); the server keeps g and
//   broadcasts b^t = C_M(w^t − g^{t−1}); everyone: g^t = g^{t−1} + b^t, x^{t+1} = x^t − γ g^t
//   (g^{−1} = 0).  Step size [CODE ef21_bc.py]: the EF21 γ with α_w = α of C_w only; the paper's
//   theorem is not reproduced in the spec, so the card is paper-recalled and there is no potential.
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/participation_spec.hpp"
#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/round_draw.hpp"
#include "methods/sampling.hpp"
#include "methods/step_server.hpp"

namespace commopt {
namespace {

// EF21 worker; with s > 0 only the s-nice sample of each round t >= 1 uploads.
class Ef21PWorker final : public ReplicaWorker {
 public:
  // ef21_bc: the replica accumulates the broadcasts, g^t = g^{t−1} + b^t, x^{t+1} = x^t − γ g^t.
  // part: S^t drawn once per round for the workers of this process (null: everyone; round_draw.hpp).
  Ef21PWorker(ReplicaPtr replica, CompressorPtr comp, int value_bits, RoundDrawPtr part)
      : ReplicaWorker(std::move(replica)), comp_(std::move(comp)),
        init_(dense_codec(static_cast<int>(x().size()), value_bits)), part_(std::move(part)), g_(Vec::Zero(x().size())) {}
  void upload(WorkerEnv& env, Message& up) override {
    if (env.round > 0 && !participates(part_, env.seed, env.round, env.worker)) {
      up.clear();
      return;
    }
    env.problem->grad(env.worker, x(), grad_);
    env.grad_evals += env.problem->samples(env.worker);
    diff_ = grad_ - g_;  // ∇f_i(x^t) − g_i^{t−1}
    const Compressor& c = env.round == 0 ? *init_ : *comp_;
    Rng rng = env.compress_rng(c);
    c.compress(diff_, rng, up);
    c.add_decoded(up, 1.0, g_);
  }
  double potential_term(const Vec& grad_i) const override { return (g_ - grad_i).squaredNorm(); }
  void expose(StateView& out) const override {
    ReplicaWorker::expose(out);
    out.add("g", g_);
    if (replica().accumulated().size() > 0) out.add("g_server", replica().accumulated());  // ef21_bc
  }

 private:
  CompressorPtr comp_, init_;
  RoundDrawPtr part_;
  Vec g_, grad_, diff_;
};

// EF21-BC server: w accumulates the workers' c_i; the broadcast is C_M(w − g).
class Ef21BcServer final : public ServerLogic {
 public:
  Ef21BcServer(const Vec& x0, CompressorPtr up, CompressorPtr down, int value_bits, double step, int n)
      : x_(x0), w_(Vec::Zero(x0.size())), g_(Vec::Zero(x0.size())), up_(std::move(up)), down_(std::move(down)),
        init_(dense_codec(static_cast<int>(x0.size()), value_bits)), step_(step), n_(n) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    const Compressor& codec = env.round == 0 ? *init_ : *up_;
    for (const Message& m : ups)
      if (m.sent) codec.add_decoded(m, 1.0 / n_, w_);
  }
  void broadcast(ServerEnv& env, Message& down) override {
    v_ = w_ - g_;
    Rng rng = env.rng(Purpose::server);
    down_->compress(v_, rng, down);
    down_->add_decoded(down, 1.0, g_);
    x_ -= step_ * g_;
  }
  const Vec& model() const override { return x_; }
  void expose(StateView& out) const override {
    out.add("x", x_);
    out.add("w", w_);
    out.add("g", g_);
  }

 private:
  Vec x_, w_, g_, v_;
  CompressorPtr up_, down_, init_;
  double step_;
  int n_;
};

double contractive_alpha(const Spec& spec, int d, int n, const std::string& method) {
  const CompressorConstants cc = make_compressor(spec, d, 32, {0, n})->constants();
  if (cc.kind != CompressorConstants::Kind::contractive)
    throw UsageError(fmt::format("--compressor: {} needs a contractive compressor (topk, scaled_sign); '{}' is not",
                                 method, spec.str()));
  return cc.alpha;
}

MethodInstance build_ef21_pp(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const auto& c = p.constants();
  const double alpha = contractive_alpha(s.compressor, d, n, "ef21_pp");
  const long long sv = snice_count(s.method, n, (n + 1) / 2, "ef21_pp");
  Participation part;
  part.kind = sv == n ? Participation::Kind::full : Participation::Kind::snice;
  part.s = static_cast<int>(sv);
  part.n = n;
  const double qa = alpha * static_cast<double>(sv) / n;
  const double theta = 1 - std::sqrt(1 - qa), beta = (1 - qa) / theta;
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  inst.info["alpha"] = alpha;
  inst.info["s"] = sv;
  inst.info["participation"] = fmt::format("snice[s={}]", sv);
  inst.info["theta_q"] = theta;
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(s.method, 1.0 / (c.L + c.L_hat * std::sqrt(beta / theta)),
                                   "1/(L + L_hat sqrt(beta_q/theta_q)), alpha_q = (s/n) alpha [DERIVED, dasha-family.md 3.8]",
                                   inst.info);
  inst.info["potential"] = "f - f_low + gamma/(2 theta_q) mean_i ||g_i - grad f_i||^2 [DERIVED]";
  const double gamma = inst.stepsize;
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, gamma);  // one per process
  const RoundDrawPtr draw = participation_draw(part);                 // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<Ef21PWorker>(
        replica, make_compressor(s.compressor, d, s.value_bits, {i, n}), s.value_bits, draw));
  inst.server = std::make_unique<StepServer>(
      x0, dense_codec(d, s.value_bits), make_compressor(s.compressor, d, s.value_bits, {0, n}), s.value_bits, gamma, n,
      StepServer::Mode::accumulate, [gamma, theta](double gap, const Vec&, double g_dev, const Vec&) {
        return std::optional<double>(gap + gamma / (2.0 * theta) * g_dev);
      });
  return inst;
}

MethodInstance build_ef21_bc(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const auto& c = p.constants();
  const Spec down = s.method.has("down") ? Spec::parse(s.method.get_string("down", ""), "--method down=") : s.compressor;
  const double alpha = contractive_alpha(s.compressor, d, n, "ef21_bc");
  (void)contractive_alpha(down, d, n, "ef21_bc down=");
  const double theta = 1 - std::sqrt(1 - alpha), beta = (1 - alpha) / theta;
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  inst.info["alpha_w"] = alpha;
  inst.info["down"] = down.str();
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(s.method, 1.0 / (c.L + c.L_hat * std::sqrt(beta / theta)),
                                   "1/(L + L_hat sqrt(beta/theta)) with alpha_w only [CODE ef21_bc.py; no theorem checked]",
                                   inst.info);
  const Vec x0 = p.initial_point();
  // One replica per process, accumulating the compressed broadcasts (decoded once per round).
  ModelReplica::Options accumulate;
  accumulate.update = ModelReplica::Update::accumulate;
  const ReplicaPtr replica =
      std::make_shared<ModelReplica>(x0, make_compressor(down, d, s.value_bits, {0, 1}), inst.stepsize, accumulate);
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<Ef21PWorker>(
        replica, make_compressor(s.compressor, d, s.value_bits, {i, n}), s.value_bits, nullptr));
  inst.server = std::make_unique<Ef21BcServer>(x0, make_compressor(s.compressor, d, s.value_bits, {0, n}),
                                               make_compressor(down, d, s.value_bits, {0, 1}), s.value_bits,
                                               inst.stepsize, n);
  return inst;
}

}  // namespace

constexpr const char* kBellsAndWhistles = "Fatkhullin, Sokolov, Gorbunov, Li, Richtarik, EF21 bells & whistles, 2021";

MethodEntry ef21_pp_entry() {
  MethodEntry e;
  e.name = "ef21_pp";
  e.doc = "EF21-PP: EF21 where s workers (s-nice) update and send each round";
  e.paper = "Fatkhullin et al., arXiv 2110.03294, EF21-PP; step with alpha_q = (s/n) alpha [DERIVED]";
  e.params = {kStepsizeParam, {"participation", "snice[s=ceil(n/2)]", "participating workers per round: snice[s=K] or full"},
              {"s", "(deprecated)", "old spelling of participation=snice[s=K]"}};
  e.default_compressor = "topk[ratio=0.01]";
  e.build = &build_ef21_pp;
  TheoremCard& c = e.card;
  c.paper = kBellsAndWhistles;
  c.provenance = Provenance::derived;
  c.potential_monotone_when_deterministic = false;
  c.theorem = "[DERIVED] dasha-family.md 3.8: EF21 Thm 1 with alpha -> q alpha, q = s/n; one-step tested";
  c.setting = "nonconvex; C contractive (alpha); s-nice participation";
  c.stepsize_rule = "theta_q = 1 - sqrt(1 - q alpha), beta_q = (1 - q alpha)/theta_q, gamma = 1/(L + L_hat sqrt(beta_q/theta_q))";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T) = 2 Delta0/(gamma T) + G^0/(theta_q T)";
  c.potential = "Phi^t = f(x^t) - f_low + gamma/(2 theta_q) (1/n) sum_i ||g_i^t - grad f_i(x^t)||^2";
  c.avg_grad_sq_bound = two_phi0_over_gamma_t;
  e.check.runs = {{"ef21_pp[participation=snice[s=2]]", "topk[k={k}]"}};
  // As conservative as EF21 (no violation at 4x measured): 8x; the model draws s = n/2 of 4.
  e.check.one_step = OneStepPlan{.method = "ef21_pp[participation=snice[s=1]]", .compressor = "topk[k=1]", .power_factor = 8};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

MethodEntry ef21_bc_entry() {
  MethodEntry e;
  e.name = "ef21_bc";
  e.doc = "EF21-BC: EF21 uplink plus an EF21-compressed broadcast C_M(w - g)";
  e.paper = "Fatkhullin et al., arXiv 2110.03294, EF21-BC; code step size (no theorem checked)";
  e.params = {kStepsizeParam, {"down", "(the --compressor)", "contractive compressor of the broadcast"}};
  e.default_compressor = "topk[ratio=0.01]";
  e.build = &build_ef21_bc;
  TheoremCard& c = e.card;
  c.paper = kBellsAndWhistles;
  c.provenance = Provenance::paper_recalled;
  c.potential_monotone_when_deterministic = false;
  c.certified = false;
  c.theorem = "EF21-BC theorem: not reproduced in dasha-family.md 3.8";
  c.setting = "nonconvex; C_w, C_M contractive; server g += C_M(w - g)";
  c.stepsize_rule = "CODE ef21_bc.py: the EF21 gamma with alpha_w only (no downlink term): not a theorem's rule";
  c.bound = "not reproduced";
  c.notes = "not certified: the EF21-BC theorem is not reproduced in dasha-family.md 3.8. Binding instead: "
            "invariant:w-mean (w = mean g_i), invariant:broadcast-replicas (every worker's g equals the server's) and "
            "invariant:replicas on every round";
  c.potential = "";
  e.check.runs = {{"", "topk[k={k}]"}};
  e.invariants = {
      mean_of_workers_invariant("w-mean", "w", "g", "w^t = (1/n) sum_i g_i^t: the server's uplink EF21 state is the mean of the workers' g_i"),
      replicas_invariant("broadcast-replicas", "g", "g_server",
                         "every worker's copy of the broadcast estimator g^t (g += C_M(w - g)) equals the server's"),
      model_replicas_invariant()};
  return e;
}

}  // namespace commopt
