// The worker and server shared by DASHA-PAGE, DASHA-MVR, DASHA-SYNC-MVR (Tyurin & Richtárik,
// ICLR 2023, Algs. 1–2) and DASHA-PP in its three settings (Tyurin & Richtárik, NeurIPS 2023,
// Alg. 1). Spec: ../shared/methods/dasha-family.md §3.2–3.5. All of them are one recursion,
// written as the DASHA-PP code writes it (p_a = 1 gives the full-participation methods exactly):
//   oracle A_i(·): the full gradient ∇f_i (gradient setting, PAGE coin c = 1) or the minibatch
//                  mean (1/B)Σ_{j∈I_i}∇f_ij(·) with the SAME rows I_i at x^{t+1} and x^t;
//   k_i     = A_i(x^{t+1}) − A_i(x^t) − β (h_i^t − A_i(x^t))      (β: see below)
//   h_i^{t+1} = h_i^t + k_i / p_a
//   m_i     = C_i( (k_i − a (g_i^t − h_i^t)) / p_a )            (compress AFTER dividing by p_a)
//   g_i^{t+1} = g_i^t + m_i;  send m_i                           (only i ∈ S^t; others: nothing)
//   server: g^{t+1} = g^t + (1/n) Σ_{i∈S^t} m_i                  (divides by n, not by |S^t|)
//           x^{t+1} = x^t − γ g^t.
// β: gradient setting b = p_a/(2−p_a) (=1 at p_a = 1: h_i = ∇f_i, plain DASHA); PAGE with coin
// c = 1: b/p_page = p_a/(2−p_a) on the full gradient, c = 0: β = 0 on B rows (with p_a = 1 this is
// DASHA-PAGE's h_i^{t+1} = ∇f_i(x^{t+1}) or h_i^t + minibatch difference); MVR: b (with p_a = 1:
// h_i^{t+1} = A(x^{t+1}) + (1−b)(h_i^t − A(x^t))).
// DASHA-SYNC-MVR: coin c ~ Bernoulli(p); c = 1: h_i = g_i = (1/B')Σ∇f_i(x^{t+1};ξ) sent dense and
// the server replaces g; c = 0: MVR with b = 0.
// Init: h_i^0 = ∇f_i(x^0) (or a B_init mega-batch in the stochastic settings); g_i^0 = h_i^0 sent
// dense (init=full), or g_i^0 = 0 and nothing sent (init=none, the "(No Init)" curves).
// Shared coins come from Rng(seed, kServer, t, Purpose::sample) and the participating set from
// Rng(seed, kServer, t, Purpose::participation): every worker and the server draw the same.
#pragma once
#include <memory>
#include <vector>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/common.hpp"
#include "methods/round_draw.hpp"
#include "methods/sampling.hpp"

namespace commopt {

// Keys of the run's info that the family's cards read; the builders write them with these names.
inline constexpr const char* kInfoInit = "init";             // "full" or "none"
inline constexpr const char* kInfoB = "b";                   // MVR momentum b
inline constexpr const char* kInfoBatch = "batch";           // B
inline constexpr const char* kInfoBatchInit = "batch_init";  // B_init
inline constexpr const char* kInfoKTilde = "K_tilde";        // DASHA-PP-MVR's K
inline constexpr const char* kInfoETilde = "E_tilde";        // DASHA-PP-MVR's E

// Parameters the family shares.
inline const ParamDoc kDashaMomentumParam{"momentum", "1/(2 omega+1)", "the momentum a"};
inline const ParamDoc kDashaInitParam{
    "init", "full", "full: g_i^0 = h_i^0 sent dense; none: g_i^0 = 0, h_i^0 = grad f_i(x^0), nothing sent"};
inline const ParamDoc kParticipationParam{"participation", "full",
                                          "full | snice[s=..] (s workers without replacement) | independent[p=..]"};

inline constexpr const char* kDashaPaper = "Tyurin & Richtarik, DASHA, ICLR 2023";
inline constexpr const char* kDashaPpPaper = "Tyurin & Richtarik, DASHA-PP, NeurIPS 2023";

// The family's cards: the spec's [CERT] potentials (one-step tested), Φ not monotone on a single run.
inline TheoremCard dasha_family_card(const char* paper) {
  TheoremCard c;
  c.paper = paper;
  c.provenance = Provenance::certificate;
  c.potential_monotone_when_deterministic = false;
  return c;
}

// 2Φ^0/(γT); with init=none Φ^0 is not f(x^0) − f_low, so the bound declines (nullopt).
inline std::optional<double> dasha_two_phi0(const CardInputs& in, double phi0, long long T, const char* method) {
  if (in.info && info_string(in, kInfoInit, method) != "full") return std::nullopt;
  return two_phi0_over_gamma_t(in, phi0, T);
}

struct DashaConfig {
  enum class Oracle { gradient, page, mvr, sync_mvr };
  Oracle oracle = Oracle::gradient;
  double a = 1;           // momentum a
  double beta = 1;        // gradient: b; page: b/p_page (used when the coin is 1); mvr: b
  double p_coin = 0;      // page: p_page; sync_mvr: p
  int batch = 1;          // B
  int batch_init = 0;     // B_init (stochastic settings; 0: full local gradient)
  bool replace = true;    // rows with replacement (the code's rng.integers)
  bool full_init = true;
  Participation part;     // full for the non-PP methods
  double step = 0;
  int value_bits = 32;
};

// The server's shared coin of round t (PAGE / SYNC), identical in every process.
inline bool dasha_coin(const DashaConfig& c, std::uint64_t seed, int round) {
  if (c.oracle != DashaConfig::Oracle::page && c.oracle != DashaConfig::Oracle::sync_mvr) return false;
  return Rng(seed, kServer, round, Purpose::sample).bernoulli(c.p_coin);
}

class DashaFamilyWorker final : public ReplicaWorker {
 public:
  // The shared replica (keep_previous) gives x^{t+1} = x() and x^t = x_prev(), the model before the
  // last broadcast.
  DashaFamilyWorker(ReplicaPtr replica, CompressorPtr comp, const DashaConfig& c,
                    RoundDrawPtr part)
      : ReplicaWorker(std::move(replica)), comp_(std::move(comp)),
        dense_(dense_codec(static_cast<int>(x().size()), c.value_bits)), c_(c), part_(std::move(part)),
        g_(Vec::Zero(x().size())), h_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    const Objective& p = *env.problem;
    const int i = env.worker;
    const bool stochastic = c_.oracle == DashaConfig::Oracle::mvr || c_.oracle == DashaConfig::Oracle::sync_mvr;
    if (env.round == 0) {  // every node once: h_i^0 = ∇f_i(x^0) or a B_init mega-batch
      oracle_at(env, x(), stochastic && c_.batch_init > 0 ? c_.batch_init : 0, h_);
      if (!c_.full_init) return up.clear();  // g_i^0 = 0, nothing sent
      send_dense(env, h_, up);
      return;
    }
    const bool coin = dasha_coin(c_, env.seed, env.round);
    if (!participates(part_, env.seed, env.round, i)) {  // i ∉ S^t: computes and sends nothing
      up.clear();
      return;
    }
    if (c_.oracle == DashaConfig::Oracle::sync_mvr && coin) {  // sync: h_i = g_i = mega-batch, dense
      oracle_at(env, x(), c_.batch_init, h_);
      send_dense(env, h_, up);
      return;
    }
    // A_i at x^{t+1} (= x()) and x^t (= x_prev()), same rows; β for this round.
    double beta = c_.beta;
    int rows = 0;  // 0: full local gradient
    if (c_.oracle == DashaConfig::Oracle::page && !coin) beta = 0, rows = c_.batch;
    if (c_.oracle == DashaConfig::Oracle::mvr) rows = c_.batch;
    if (c_.oracle == DashaConfig::Oracle::sync_mvr) beta = 0, rows = c_.batch;
    if (rows > 0) {
      Rng rng = env.rng(Purpose::sample);
      if (c_.replace) sample_with_replacement(rng, p.samples(i), rows, rows_);
      else sample_without_replacement(rng, p.samples(i), rows, rows_, scratch_);
    }
    eval(env, x(), rows, a1_);
    k_ = a1_ - beta * h_;
    if (beta != 1.0) {  // k_i = A(x^{t+1}) − β h_i − (1−β) A(x^t)
      eval(env, x_prev(), rows, a0_);
      k_ -= (1.0 - beta) * a0_;
    }
    const double pa = c_.part.p_a();
    v_ = (k_ - c_.a * (g_ - h_)) / pa;
    h_ += k_ / pa;  // h_i^{t+1} = h_i^t + k_i/p_a
    Rng crng = env.compress_rng(*comp_);
    comp_->compress(v_, crng, up);
    comp_->add_decoded(up, 1.0, g_);  // g_i^{t+1} = g_i^t + m_i
  }
  double potential_term(const Vec& grad_i) const override { return (g_ - grad_i).squaredNorm(); }
  void expose(StateView& out) const override {
    ReplicaWorker::expose(out);
    out.add("g", g_);
    out.add("h", h_);
  }

 private:
  // Full local gradient (rows = 0) or the mean over the drawn rows_; counts sample gradients.
  void eval(WorkerEnv& env, const Vec& x, int rows, Vec& out) {
    if (rows == 0) {
      env.problem->grad(env.worker, x, out);
      env.grad_evals += env.problem->samples(env.worker);
    } else {
      env.problem->minibatch_grad(env.worker, x, rows_, out);
      env.grad_evals += static_cast<double>(rows_.size());
    }
  }
  void oracle_at(WorkerEnv& env, const Vec& x, int rows, Vec& out) {
    if (rows > 0) {
      Rng rng = env.rng(Purpose::sample);
      sample_with_replacement(rng, env.problem->samples(env.worker), rows, rows_);
    }
    eval(env, x, rows, out);
  }
  void send_dense(WorkerEnv& env, const Vec& v, Message& up) {
    Rng rng = env.compress_rng(*dense_);
    dense_->compress(v, rng, up);
    g_.setZero();
    dense_->add_decoded(up, 1.0, g_);  // g_i = decode(h_i): bit-identical to the server's copy
  }

  CompressorPtr comp_, dense_;
  DashaConfig c_;
  RoundDrawPtr part_;  // S^t, drawn once per round for the workers of this process (round_draw.hpp)
  Vec g_, h_, k_, v_, a0_, a1_;
  std::vector<int> rows_, scratch_;
};

// g^{t+1} = g^t + (1/n) Σ_{i∈S^t} m_i; round 0 and SYNC rounds replace g by the mean of the dense
// uploads; x^{t+1} = x^t − γ g^t broadcast densely.
class DashaFamilyServer final : public ServerLogic {
 public:
  DashaFamilyServer(const Vec& x0, CompressorPtr up_codec, const DashaConfig& c, int n)
      : x_(x0), g_(Vec::Zero(x0.size())), up_codec_(std::move(up_codec)),
        dense_(dense_codec(static_cast<int>(x0.size()), c.value_bits)), c_(c), n_(n) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    const bool dense = env.round == 0 || (c_.oracle == DashaConfig::Oracle::sync_mvr && dasha_coin(c_, env.seed, env.round));
    if (dense) g_.setZero();
    const Compressor& codec = dense ? *dense_ : *up_codec_;
    for (const Message& m : ups)
      if (m.sent) codec.add_decoded(m, 1.0 / n_, g_);  // 1/n, not 1/|S^t|
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    dense_->compress(g_, rng, down);
    dense_->add_decoded(down, -c_.step, x_);
  }
  const Vec& model() const override { return x_; }
  void expose(StateView& out) const override {
    out.add("x", x_);
    out.add("g", g_);
  }

 private:
  Vec x_, g_;
  CompressorPtr up_codec_, dense_;
  DashaConfig c_;
  int n_;
};

// ω of the run's compressor; DASHA needs an unbiased one.
inline double dasha_omega(const MethodSetup& s) {
  const auto cc = make_compressor(s.compressor, s.problem->dim(), s.value_bits, {0, s.problem->workers()})->constants();
  if (cc.kind != CompressorConstants::Kind::unbiased)
    throw UsageError("--compressor: " + s.method.name() + " needs an unbiased compressor (randk, identity, ...); '" +
                     s.compressor.str() + "' is not; use e.g. --compressor randk[k=...]");
  return cc.omega;
}

// The `init` parameter: full (g_i^0 = h_i^0 sent dense) or none (g_i^0 = 0, nothing sent).
inline bool dasha_full_init(const MethodSetup& s, nlohmann::json& info) {
  const std::string init = s.method.get_string("init", "full");
  if (init != "full" && init != "none")
    throw UsageError("--method: " + s.method.name() + " init=" + init + " is not known; use init=full or init=none");
  info[kInfoInit] = init;
  return init == "full";
}

// Builds n workers (one compressor instance each) and the server for `c`.
inline void build_dasha_family(const MethodSetup& s, DashaConfig c, MethodInstance& inst) {
  inst.info[kInfoStochastic] = c.oracle != DashaConfig::Oracle::gradient;  // PAGE, MVR, SYNC draw rows
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  c.part.n = n;
  const Vec x0 = p.initial_point();
  const RoundDrawPtr part = participation_draw(c.part);
  // keep_previous: A(x^t) at x^{t−1} whenever β ≠ 1 (one vector per process).
  const ReplicaPtr replica = dense_replica(x0, c.value_bits, c.step, /*keep_previous=*/true);
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(
        std::make_unique<DashaFamilyWorker>(replica, make_compressor(s.compressor, d, s.value_bits, {i, n}), c, part));
  inst.server = std::make_unique<DashaFamilyServer>(x0, make_compressor(s.compressor, d, s.value_bits, {0, n}), c, n);
}

}  // namespace commopt
