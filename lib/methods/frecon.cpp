// frecon — FRECON: Zhao, Burlachenko, Li, Richtárik, "Faster Rates for Compressed Federated Learning
// with Client-Variance Reduction", arXiv 2112.13097, as implemented in the DASHA-PP paper's code
// (`frecon`; spec: ../shared/methods/dasha-family.md §2, §3.9). With α_u = 1/(1+ω), λ = s/(2(1+ω)n),
// S^t = s workers uniformly without replacement from Rng(seed, server, t, participation):
//   init (round 0): y_i^0 = ∇f_i(x^0) sent dense; y^0 = (1/n) Σ_i y_i^0;  g^0 = 0 (!)
//   i ∈ S^t: q_i = C(∇f_i(x^t) − ∇f_i(x^{t−1})),  u_i = C'(∇f_i(x^{t−1}) − y_i), where C' replays C's
//            random indices (same stream state);  y_i += α_u u_i;  send (q_i, u_i)
//   server:  g^t = (1/s)Σ_S q_i + (1−λ) g^{t−1} + λ((1/s)Σ_S u_i + y^{t−1});  y^t = y^{t−1} + (α_u/n)Σ_S u_i
//   x^{t+1} = x^t − γ g^t.
// Wire: one message = [32-bit length of the q part][q message][u message]; the header and the u
// message's index bits are counted (the official code counts values only: 2K·32 per participant).
// Step size: γ is tuned in the paper's experiments; stepsize=theory is the MARINA [CERT] form with
// p = 1/(1+ω), labelled a heuristic (no FRECON theorem is reproduced in the spec).
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/participation_spec.hpp"
#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/common.hpp"
#include "methods/round_draw.hpp"
#include "methods/sampling.hpp"

namespace commopt {
namespace {

void copy_bits(BitReader& r, std::uint64_t nbits, BitWriter& w) {
  while (nbits > 0) {
    const int k = static_cast<int>(std::min<std::uint64_t>(nbits, 32));
    w.put(r.get(k), k);
    nbits -= static_cast<std::uint64_t>(k);
  }
}

void pack2(const Message& a, const Message& b, Message& out) {
  out.clear();
  BitWriter w(out.bytes);
  w.put(a.bits, 32);
  BitReader ra = a.reader(), rb = b.reader();
  copy_bits(ra, a.bits, w);
  copy_bits(rb, b.bits, w);
  out.bits = w.bits();
  out.sent = true;
  out.index_coding = a.index_coding;
  out.sender = a.sender;
  out.shared_key = a.shared_key;
}

void unpack(BitReader& r, std::uint64_t nbits, const Message& meta, Message& out) {
  out.clear();
  BitWriter w(out.bytes);
  copy_bits(r, nbits, w);
  out.bits = nbits;
  out.sent = true;
  out.index_coding = meta.index_coding;
  out.sender = meta.sender;
  out.shared_key = meta.shared_key;
}

Participation snice(int s, int n) {
  Participation p;
  p.kind = s == n ? Participation::Kind::full : Participation::Kind::snice;
  p.s = s;
  p.n = n;
  return p;
}

class FreconWorker final : public ReplicaWorker {
 public:
  // The replica keeps x^{t−1} (keep_previous).
  // part: S^t drawn once per round for the workers of this process (null: everyone; round_draw.hpp).
  FreconWorker(ReplicaPtr replica, CompressorPtr comp, int value_bits, RoundDrawPtr part, double alpha_u)
      : ReplicaWorker(std::move(replica)), comp_(std::move(comp)),
        dense_(dense_codec(static_cast<int>(x().size()), value_bits)), part_(std::move(part)), alpha_u_(alpha_u),
        y_(Vec::Zero(x().size())) {}
  void upload(WorkerEnv& env, Message& up) override {
    if (env.round == 0) {
      grad(env, x(), cache_);
      cache_round_ = 0;
      Rng rng = env.compress_rng(*dense_);
      dense_->compress(cache_, rng, up);
      y_.setZero();
      dense_->add_decoded(up, 1.0, y_);  // y_i^0 = decode(∇f_i(x^0))
      return;
    }
    if (!participates(part_, env.seed, env.round, env.worker)) {
      up.clear();
      return;
    }
    if (cache_round_ != env.round - 1) grad(env, x_prev(), cache_);  // ∇f_i(x^{t−1})
    grad(env, x(), grad_);
    v_ = grad_ - cache_;
    Rng rng = env.compress_rng(*comp_);
    Rng replay = rng;  // C' replays C's indices
    comp_->compress(v_, rng, mq_);
    v_ = cache_ - y_;
    comp_->compress(v_, replay, mu_);
    comp_->add_decoded(mu_, alpha_u_, y_);  // y_i += α_u u_i
    pack2(mq_, mu_, up);
    cache_.swap(grad_);
    cache_round_ = env.round;
  }
  void expose(StateView& out) const override {
    ReplicaWorker::expose(out);
    out.add("y", y_);
  }

 private:
  static void grad(WorkerEnv& env, const Vec& x, Vec& out) {
    env.problem->grad(env.worker, x, out);
    env.grad_evals += env.problem->samples(env.worker);
  }
  CompressorPtr comp_, dense_;
  RoundDrawPtr part_;
  double alpha_u_;
  Vec y_, cache_, grad_, v_;
  int cache_round_ = -2;
  Message mq_, mu_;
};

class FreconServer final : public ServerLogic {
 public:
  FreconServer(const Vec& x0, CompressorPtr comp, int value_bits, double step, int n, int s, double alpha_u,
               double lambda)
      : x_(x0), g_(Vec::Zero(x0.size())), y_(Vec::Zero(x0.size())), q_(Vec::Zero(x0.size())), u_(Vec::Zero(x0.size())),
        comp_(std::move(comp)), dense_(dense_codec(static_cast<int>(x0.size()), value_bits)), step_(step), n_(n), s_(s),
        alpha_u_(alpha_u), lambda_(lambda) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    if (env.round == 0) {
      for (const Message& m : ups)
        if (m.sent) dense_->add_decoded(m, 1.0 / n_, y_);  // y^0; g^0 = 0
      return;
    }
    q_.setZero();
    u_.setZero();
    for (const Message& m : ups) {
      if (!m.sent) continue;
      BitReader r = m.reader();
      const std::uint64_t lq = r.get(32);
      unpack(r, lq, m, mq_);
      unpack(r, m.bits - 32 - lq, m, mu_);
      comp_->add_decoded(mq_, 1.0 / s_, q_);
      comp_->add_decoded(mu_, 1.0, u_);  // Σ_S u_i
    }
    g_ = q_ + (1 - lambda_) * g_ + lambda_ * (u_ / s_ + y_);
    y_ += (alpha_u_ / n_) * u_;
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    dense_->compress(g_, rng, down);
    dense_->add_decoded(down, -step_, x_);
  }
  const Vec& model() const override { return x_; }
  void expose(StateView& out) const override {
    out.add("x", x_);
    out.add("y", y_);
    out.add("g", g_);
  }

 private:
  Vec x_, g_, y_, q_, u_;
  CompressorPtr comp_, dense_;
  double step_;
  int n_, s_;
  double alpha_u_, lambda_;
  Message mq_, mu_;
};

MethodInstance build_frecon(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const auto& c = p.constants();
  const CompressorConstants cc = make_compressor(s.compressor, d, s.value_bits, {0, n})->constants();
  if (cc.kind != CompressorConstants::Kind::unbiased)
    throw UsageError("--compressor: frecon needs an unbiased compressor (randk); '" + s.compressor.str() + "' is not");
  if (make_compressor(s.compressor, d, s.value_bits, {0, n})->needs_shared_randomness())
    throw UsageError("--compressor: frecon replays each worker's own indices; shared-stream compressors are not supported");
  const long long sv = snice_count(s.method, n, (n + 1) / 2, "frecon");
  const double omega = cc.omega, alpha_u = 1 / (1 + omega), lambda = static_cast<double>(sv) / (2 * (1 + omega) * n);
  const double pm = 1 / (1 + omega);
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["s"] = sv;
  inst.info["participation"] = fmt::format("snice[s={}]", sv);
  inst.info["alpha_u"] = alpha_u;
  inst.info["lambda"] = lambda;
  inst.info[kInfoStochastic] = false;
  inst.stepsize = resolve_stepsize(
      s.method, 1.0 / (c.L + c.L_hat * std::sqrt((1 - pm) * omega / (pm * sv))),
      "heuristic: the MARINA form 1/(L + L_hat sqrt((1-p) omega/(p s))), p = 1/(1+omega); FRECON's gamma is tuned",
      inst.info);
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, inst.stepsize, /*keep_previous=*/true);  // one per process
  const RoundDrawPtr draw = participation_draw(snice(static_cast<int>(sv), n));  // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<FreconWorker>(replica, make_compressor(s.compressor, d, s.value_bits, {i, n}),
                                                          s.value_bits, draw, alpha_u));
  inst.server = std::make_unique<FreconServer>(x0, make_compressor(s.compressor, d, s.value_bits, {0, n}), s.value_bits,
                                               inst.stepsize, n, static_cast<int>(sv), alpha_u, lambda);
  return inst;
}

}  // namespace

MethodEntry frecon_entry() {
  MethodEntry e;
  e.name = "frecon";
  e.doc = "FRECON: s-nice clients send C(grad difference) and C'(grad - y_i) on the same indices";
  e.paper = "Zhao, Burlachenko, Li, Richtarik, arXiv 2112.13097 (the DASHA-PP paper's baseline); gamma tuned (heuristic theory)";
  e.params = {kStepsizeParam, {"participation", "snice[s=ceil(n/2)]", "participating workers per round: snice[s=K] or full"},
              {"s", "(deprecated)", "old spelling of participation=snice[s=K]"}};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_frecon;
  TheoremCard& c = e.card;
  c.paper = "Zhao, Burlachenko, Li, Richtarik, FRECON, arXiv 2112.13097";
  c.provenance = Provenance::paper_recalled;
  c.potential_monotone_when_deterministic = false;
  c.certified = false;
  c.theorem = "FRECON nonconvex theorem: not reproduced in dasha-family.md 3.9 (the DASHA-PP paper tunes gamma)";
  c.setting = "nonconvex; C_i unbiased (omega); s-nice clients; alpha_u = 1/(1+omega), lambda = s/(2(1+omega)n); g^0 = 0";
  c.stepsize_rule = "heuristic: 1/(L + L_hat sqrt((1-p) omega/(p s))), p = 1/(1+omega)";
  c.bound = "not reproduced";
  c.notes = "not certified: no FRECON theorem is reproduced in dasha-family.md 3.9. Binding instead: "
            "invariant:y-mean, invariant:replicas on every round, and the exact expectation of a round (E g^+ = "
            "grad f(x^+) - grad f(x) + (1 - lambda) g + lambda grad f(x))";
  c.potential = "";
  e.check.runs = {{"frecon[participation=snice[s=2]]", "randk[k={k}]"}};
  e.invariants = {mean_of_workers_invariant("y-mean", "y", "y",
                                            "y^t = (1/n) sum_i y_i^t: the server's control variate is the mean of the "
                                            "clients' (y_i += alpha_u u_i for i in S^t, y += (alpha_u/n) sum_S u_i)"),
                  model_replicas_invariant()};
  return e;
}

}  // namespace commopt
