// marina, and the code vr_marina, pp_marina and page share (their entries, cards and check plans are
// in marina_variants.cpp) — the MARINA family: Gorbunov, Burlachenko, Li, Richtárik,
// "MARINA: Faster Non-Convex Distributed Learning with Compression", ICML 2021, Algorithms 1–4
// (MARINA Thm 2.1, VR-MARINA Thm 3.1/3.3, PP-MARINA Thm 4.1), and PAGE: Li, Bao, Zhang, Richtárik,
// ICML 2021, Algorithm 1 / Thm 1 (spec: ../shared/methods/dasha-family.md §3.6, §3.7).
//   shared coin c^t ~ Bernoulli(p), drawn from Rng(seed, server, t, participation) by every party
//   (round 0 is always a "full" round: g^0 = ∇f(x^0)); x^t = x^{t−1} − γ g^{t−1}.
//   c^t = 1: every worker sends its full gradient densely (counted as d dense values):
//            g^t = (1/n) Σ_i ∇f_i(x^t)   (online oracle: a mega-batch of B' rows, with replacement)
//   c^t = 0: worker i ∈ S^t sends m_i = C_i(Δ_i), g^t = g^{t−1} + (1/|S|) Σ_{i∈S} m_i, where
//            gradient: Δ_i = ∇f_i(x^t) − ∇f_i(x^{t−1});
//            finite (vr_marina, page): Δ_i = (1/B) Σ_{j∈I} (∇f_ij(x^t) − ∇f_ij(x^{t−1})), |I| = B
//              drawn without replacement; online: the same B rows drawn with replacement;
//            S^t = all workers, except pp_marina: s workers uniformly without replacement (s-nice).
//   page = the PAGE estimator on the mean: identity compressor, p = B/(B+m).
// Step sizes (theory):
//   marina [CERT, §3.6]: γ = 1/(L + L̂ sqrt((1−p)ω/(pn))), p = 1/(1+ω) (= K/d for RandK);
//     with permk [Szlendak et al., AB inequality A = B = 1]: γ = 1/(L + sqrt((1−p)/p) L_±);
//   vr_marina [CODE vr_marina = paper Thm 3.1]: γ = 1/(L + sqrt((1−p)/(pn)(ω L̂² + (1+ω)L_max²/B))),
//     p = min(B/(B+m), 1/(1+ω)), L_max² = max_i (1/m_i) Σ_j L_ij²; online: L_σ in place of L_max,
//     p = min(1/(1+B'), 1/(1+ω)) (paper form, recalled; the code grid-tunes γ);
//   pp_marina [DERIVED, §3.6]: γ = 1/(L + L̂ sqrt((1−p)/p (ω/s + (n−s)/(s(n−1))))), p = s/(n(1+ω))
//     (our default: balances the dense and the compressed traffic);
//   page [PAPER-recalled Thm 1]: γ = 1/(L_avg (1 + sqrt((1−p)/(pB)))), L_avg = the rms per-sample L.
// Potential (all): Φ^t = f(x^t) − f* + (γ/(2p)) ||g^t − ∇f(x^t)||², E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||².
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/participation_spec.hpp"
#include "methods/entries.hpp"
#include "methods/marina_family.hpp"
#include "methods/round_draw.hpp"
#include "methods/sampling.hpp"

namespace commopt {
namespace {

enum class Oracle { gradient, finite, online };

struct MarinaConfig {
  Oracle oracle = Oracle::gradient;
  double p = 1;   // probability of a full round
  int batch = 1;  // B: rows per compressed-round difference
  int mega = 0;   // B': rows of an online full round
  int n = 1;
  int s = 0;      // > 0: s-nice participation in compressed rounds (pp_marina)
};

// The round's shared decision: true for a full round (every worker sends its dense gradient);
// otherwise `mask` holds the participants. Every party computes the same values without talking.
// `part` is the caller's s-nice sampler (its buffers are reused across rounds).
bool draw_round(const MarinaConfig& c, const Participation& part, std::uint64_t seed, int round,
                std::vector<char>& mask) {
  mask.assign(static_cast<std::size_t>(c.n), 1);
  if (round == 0) return true;
  Rng rng(seed, kServer, round, Purpose::participation);
  if (rng.bernoulli(c.p)) return true;
  if (c.s > 0 && c.s < c.n) part.draw(rng, mask);
  return false;
}

Participation snice_sampler(const MarinaConfig& c) {
  Participation part;
  part.kind = Participation::Kind::snice;
  part.s = c.s;
  part.n = c.n;
  return part;
}

// The round's coin and participants, drawn once per round for the workers of one process
// (round_draw.hpp): draw_round costs O(n), so n workers drawing it each would cost O(n²).
RoundDrawPtr shared_round_draw(const MarinaConfig& c) {
  return std::make_shared<SharedRoundDraw>([c, part = snice_sampler(c)](std::uint64_t seed, int round,
                                                                        std::vector<char>& mask) {
    return draw_round(c, part, seed, round, mask);
  });
}

class MarinaWorker final : public ReplicaWorker {
 public:
  // The replica keeps x^{t−1} (keep_previous), for the difference at x^t; `draw` is shared too.
  MarinaWorker(ReplicaPtr replica, CompressorPtr comp, int value_bits, const MarinaConfig& cfg, RoundDrawPtr draw)
      : ReplicaWorker(std::move(replica)), comp_(std::move(comp)),
        dense_(dense_codec(static_cast<int>(x().size()), value_bits)), cfg_(cfg), draw_(std::move(draw)) {}

  void upload(WorkerEnv& env, Message& up) override {
    const Objective& p = *env.problem;
    const int i = env.worker;
    const SharedRoundDraw::Outcome round = draw_->at(env.seed, env.round, i);
    if (round.flag) {  // a full round
      if (cfg_.oracle == Oracle::online) {
        Rng rng = env.rng(Purpose::sample);
        sample_with_replacement(rng, p.samples(i), cfg_.mega, rows_);
        p.minibatch_grad(i, x(), rows_, grad_);
        env.grad_evals += cfg_.mega;
      } else {
        full_grad(env, x(), grad_);
      }
      cache_ = grad_;
      cache_round_ = env.round;
      Rng rng = env.compress_rng(*dense_);
      dense_->compress(grad_, rng, up);  // uncompressed: d values
      return;
    }
    if (!round.participates) {
      up.clear();  // not sampled: nothing sent
      return;
    }
    if (cfg_.oracle == Oracle::gradient) {
      full_grad(env, x(), grad_);
      if (cache_round_ != env.round - 1) full_grad(env, x_prev(), cache_);  // ∇f_i(x^{t−1}) not cached
      diff_ = grad_ - cache_;
      cache_.swap(grad_);
      cache_round_ = env.round;
    } else {
      Rng rng = env.rng(Purpose::sample);
      if (cfg_.oracle == Oracle::finite)
        sample_without_replacement(rng, p.samples(i), cfg_.batch, rows_, scratch_);
      else
        sample_with_replacement(rng, p.samples(i), cfg_.batch, rows_);
      p.minibatch_grad(i, x(), rows_, grad_);
      p.minibatch_grad(i, x_prev(), rows_, diff_);
      diff_ = grad_ - diff_;  // same rows at x^t and x^{t−1}
      env.grad_evals += 2.0 * static_cast<double>(rows_.size());
      cache_round_ = -2;
    }
    Rng rng = env.compress_rng(*comp_);
    comp_->compress(diff_, rng, up);
  }

 private:
  static void full_grad(WorkerEnv& env, const Vec& x, Vec& out) {
    env.problem->grad(env.worker, x, out);
    env.grad_evals += env.problem->samples(env.worker);
  }
  CompressorPtr comp_, dense_;
  MarinaConfig cfg_;
  RoundDrawPtr draw_;
  Vec grad_, cache_, diff_;
  int cache_round_ = -2;  // round whose x the cached gradient belongs to
  std::vector<int> rows_, scratch_;
};

// Full round: g^t = mean of the dense gradients (replace); compressed round: g^t = g^{t−1} +
// (1/|S|) Σ_{i∈S} decode(m_i) (accumulate). Broadcasts g densely and steps x ← x − γ g.
class MarinaServer final : public ServerLogic {
 public:
  MarinaServer(const Vec& x0, CompressorPtr comp, int value_bits, double step, const MarinaConfig& cfg)
      : x_(x0), g_(Vec::Zero(x0.size())), comp_(std::move(comp)),
        dense_(dense_codec(static_cast<int>(x0.size()), value_bits)), step_(step), cfg_(cfg), part_(snice_sampler(cfg)) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    const bool full = draw_round(cfg_, part_, env.seed, env.round, mask_);
    exact_full_ = full && cfg_.oracle != Oracle::online;
    if (full) g_.setZero();
    const double scale = 1.0 / (full || cfg_.s <= 0 ? cfg_.n : std::min(cfg_.s, cfg_.n));
    const Compressor& codec = full ? *dense_ : *comp_;
    for (const Message& m : ups)
      if (m.sent) codec.add_decoded(m, scale, g_);  // worker order: deterministic sums
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    dense_->compress(g_, rng, down);
    dense_->add_decoded(down, -step_, x_);
  }
  const Vec& model() const override { return x_; }
  void expose(StateView& out) const override {
    out.add("x", x_);
    out.add("g", g_);
    out.add_scalar("exact_full_round", exact_full_ ? 1.0 : 0.0);
  }
  std::optional<double> potential(double gap, const Vec& grad, double) const override {
    return gap + step_ / (2 * cfg_.p) * (g_ - grad).squaredNorm();
  }

 private:
  Vec x_, g_;
  CompressorPtr comp_, dense_;
  double step_;
  MarinaConfig cfg_;
  Participation part_;
  std::vector<char> mask_;
  bool exact_full_ = false;  // the latest absorb was a full round of exact local gradients
};

}  // namespace

std::vector<Invariant> marina_invariants() {
  return {model_replicas_invariant(),
          gradient_invariant("full-round-gradient", "g", "exact_full_round",
                             "after a full round (coin c^t = 1, and round 0) g^t = (1/n) sum_i grad f_i(x^t) exactly")};
}

MethodInstance build_marina_variant(const MethodSetup& s, MarinaVariant v) {
  using Variant = MarinaVariant;
  const Objective& pr = *s.problem;
  const int d = pr.dim(), n = pr.workers();
  const auto& c = pr.constants();
  const std::string name = s.method.name();
  const Spec comp_spec = v == Variant::page ? Spec::parse("identity", "page") : s.compressor;
  const CompressorConstants cc = make_compressor(comp_spec, d, s.value_bits, {0, n})->constants();
  if (cc.kind != CompressorConstants::Kind::unbiased)
    throw UsageError(fmt::format("--compressor: {} needs an unbiased compressor (randk, permk, identity); '{}' is not",
                                 name, comp_spec.str()));
  const double omega = cc.omega;
  MarinaConfig cfg;
  cfg.n = n;
  double m = 0;  // mean rows per worker
  for (int i = 0; i < n; ++i) m += pr.samples(i) / static_cast<double>(n);
  const long long batch = s.method.get_int("batch", 1);
  if (batch < 1) throw UsageError(fmt::format("--method: {} batch={} must be >= 1", name, batch));
  cfg.batch = static_cast<int>(batch);
  const double B = cfg.batch;
  double theory = 0, p_default = 1.0 / (1.0 + omega);
  std::string rule;
  nlohmann::json info;
  if (v == Variant::vr_marina || v == Variant::page) {
    const std::string oracle = v == Variant::page ? "finite" : s.method.get_string("oracle", "finite");
    if (oracle != "finite" && oracle != "online")
      throw UsageError("--method: vr_marina oracle=" + oracle + " is not known; use oracle=finite or oracle=online");
    cfg.oracle = oracle == "finite" ? Oracle::finite : Oracle::online;
    const long long mega = s.method.get_int("mega_batch", 100);
    if (mega < 1) throw UsageError(fmt::format("--method: {} mega_batch={} must be >= 1", name, mega));
    cfg.mega = static_cast<int>(mega);
    info["oracle"] = oracle;
    info["batch"] = batch;
    if (cfg.oracle == Oracle::online) info["mega_batch"] = mega;
    p_default = cfg.oracle == Oracle::finite ? std::min(B / (B + m), p_default) : std::min(1.0 / (1.0 + mega), p_default);
  } else if (v == Variant::pp_marina) {
    const long long sv = snice_count(s.method, n, (n + 1) / 2, "pp_marina");
    cfg.s = static_cast<int>(sv);
    info["s"] = sv;
    info["participation"] = fmt::format("snice[s={}]", sv);
    p_default = cfg.s / (n * (1.0 + omega));
  }
  cfg.p = s.method.has("p") ? s.method.get_double("p", p_default) : p_default;
  if (!(cfg.p > 0 && cfg.p <= 1)) throw UsageError(fmt::format("--method: {} p={} must be in (0, 1]", name, cfg.p));
  const double p = cfg.p;
  switch (v) {
    case Variant::marina:
      if (comp_spec.name() == "permk") {
        theory = 1.0 / (c.L + std::sqrt((1 - p) / p) * c.L_pm);
        rule = "1/(L + sqrt((1-p)/p) L_pm) [PermK, Szlendak et al. ICLR 2022; dasha-family.md 3.6]";
      } else {
        theory = 1.0 / (c.L + c.L_hat * std::sqrt((1 - p) * omega / (p * n)));
        rule = "1/(L + L_hat sqrt((1-p) omega/(p n))) [CERT, dasha-family.md 3.6]";
      }
      break;
    case Variant::vr_marina: {
      const bool fin = cfg.oracle == Oracle::finite;
      const double Ls = fin ? c.L_max_sample_rms : c.L_sigma;
      theory = 1.0 / (c.L + std::sqrt((1 - p) / (p * n) * (omega * c.L_hat * c.L_hat + (1 + omega) * Ls * Ls / B)));
      rule = fin ? "1/(L + sqrt((1-p)/(p n) (omega L_hat^2 + (1+omega) L_max^2/B))) [paper Thm 3.1 = CODE vr_marina]"
                 : "1/(L + sqrt((1-p)/(p n) (omega L_hat^2 + (1+omega) L_sigma^2/B))) [paper form, recalled, unverified]";
      break;
    }
    case Variant::pp_marina: {
      const double sv = cfg.s, extra = n > 1 ? (n - sv) / (sv * (n - 1)) : 0.0;
      theory = 1.0 / (c.L + c.L_hat * std::sqrt((1 - p) / p * (omega / sv + extra)));
      rule = "1/(L + L_hat sqrt((1-p)/p (omega/s + (n-s)/(s(n-1))))) [DERIVED, dasha-family.md 3.6]";
      break;
    }
    case Variant::page:
      theory = 1.0 / (c.L_max_sample_rms * (1 + std::sqrt((1 - p) / (p * B))));
      rule = "1/(L_avg (1 + sqrt((1-p)/(p B)))) [PAPER-recalled, PAGE Thm 1, unverified]";
      break;
  }
  // stepsize=paper: MARINA Thm 2.1 / VR-MARINA Thm 3.1 with one L bounding L, L_hat (and L_max).
  std::optional<double> paper;
  std::string paper_rule;
  const double Lp = std::max({c.L, c.L_hat, v == Variant::vr_marina ? c.L_max_sample_rms : 0.0});
  if (v == Variant::marina) {
    paper = 1.0 / (Lp * (1 + std::sqrt((1 - p) * omega / (p * n))));
    paper_rule = "1/(L (1 + sqrt((1-p) omega/(p n)))), L = max(L, L_hat) [paper Thm 2.1, recalled]";
  } else if (v == Variant::vr_marina && cfg.oracle == Oracle::finite) {
    paper = 1.0 / (Lp * (1 + std::sqrt((1 - p) / (p * n) * (omega + (1 + omega) / B))));
    paper_rule = "1/(L (1 + sqrt((1-p)/(p n) (omega + (1+omega)/B)))), L = max(L, L_hat, L_max) [paper Thm 3.1, recalled]";
  }
  MethodInstance inst;
  inst.info = info;
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["p"] = p;
  inst.stepsize = resolve_stepsize(s.method, theory, rule, inst.info, paper, paper_rule);
  inst.info["potential"] = "f - f_low + gamma/(2p) ||g - grad f||^2";
  inst.info[kInfoStochastic] = cfg.oracle != Oracle::gradient;  // vr_marina, page draw rows
  const Vec x0 = pr.initial_point();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, inst.stepsize, /*keep_previous=*/true);
  const RoundDrawPtr draw = shared_round_draw(cfg);  // one per process, as the replica
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<MarinaWorker>(
        replica, make_compressor(comp_spec, d, s.value_bits, {i, n}), s.value_bits, cfg, draw));
  inst.server = std::make_unique<MarinaServer>(x0, make_compressor(comp_spec, d, s.value_bits, {0, n}), s.value_bits,
                                               inst.stepsize, cfg);
  return inst;
}

namespace {
MethodInstance build_marina(const MethodSetup& s) { return build_marina_variant(s, MarinaVariant::marina); }
}  // namespace

MethodEntry marina_entry() {
  MethodEntry e;
  e.name = "marina";
  e.doc = "MARINA: shared coin p; full rounds send dense gradients, else compressed gradient differences";
  e.paper = "Gorbunov et al., ICML 2021, Alg. 1, Thm 2.1; step size from the [CERT] potential (permk: Szlendak et al.)";
  e.params = {kStepsizePaperParam, {"p", "1/(1+omega)", "probability of a full (dense) round"}};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_marina;
  TheoremCard& c = e.card = marina_family_card(Provenance::certificate);
  c.theorem = "[CERT] of dasha-family.md 3.6 (tight: fails at 2x); paper Thm 2.1 with L for both L_f and L_hat";
  c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased (omega), independent; shared coin p = 1/(1+omega); "
              "permk: AB inequality A = B = 1 with the Hessian variance L_pm";
  c.stepsize_rule = "gamma = 1/(L + L_hat sqrt((1-p) omega/(p n))); permk: 1/(L + sqrt((1-p)/p) L_pm)";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 (g^0 = grad f(x^0) sent dense)";
  c.notes = "full rounds are sent dense and counted as 32 d bits per worker";
  e.check.runs = {{"", "randk[k={k}]"}, {"", "permk"}};
  // The [CERT] is tight: the power check runs at the spec's 2x.
  e.check.one_step = OneStepPlan{.method = "marina", .compressor = "randk[k=1]", .power_factor = 2};
  e.invariants = marina_invariants();
  return e;
}

}  // namespace commopt
