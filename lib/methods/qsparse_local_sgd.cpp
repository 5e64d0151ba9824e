// qsparse_local_sgd — Qsparse-local-SGD: Basu, Data, Karakus, Diggavi, "Qsparse-local-SGD:
// Distributed SGD with Quantization, Sparsification, and Local Computations", NeurIPS 2019,
// Algorithm 1 (synchronous) and Algorithm 2 (asynchronous); Theorems 1–4 (spec:
// ../shared/methods/ef-local-lazy.md §5, recalled). ONE ENGINE ROUND = ONE LOCAL ITERATION t.
// Worker r holds its local model x̂_r, its error memory m_r (η-scaled: model units, §13) and its
// anchor a_r (the master model it last received); the master holds x_t. At round t:
//   x̂_{t+1/2} = x̂_t − η_t d_t,   d_t = ∇f_{r,B}(x̂_t)           (minibatch of B rows, B=0: full)
//       momentum=β: v ← βv + ∇f_{r,B}(x̂_t); d_t = ∇f + βv (nesterov=true, TF's MomentumOptimizer
//       as in the official code) or d_t = v (nesterov=false); v stays on the worker (§5.1 [CODE])
//   if t+1 ∉ I_T^{(r)}:  no upload (zero bits); x̂_{t+1} = x̂_{t+1/2}
//   else:  g_r = Comp(m_r + a_r − x̂_{t+1/2});   m_r ← m_r + a_r − x̂_{t+1/2} − g_r;   upload g_r
//          master (broadcast of round t+1): x_{t+1} = x_t − (1/R) Σ_{r syncing} g_r
//          syncing workers: x̂_{t+1} = a_r = x_{t+1}
// sync=sync (Alg. 1): I_T = {t : t ≡ 0 mod H}, a_r = x_t for every r. sync=async (Alg. 2): worker r
// syncs at t ≡ ⌊rH/R⌋ mod H (staggered, gap H, staleness < H) and sends its update relative to a_r.
// gap=random: after each sync (and at the start) the next sync comes 1 + below(H) steps later, drawn
// from the shared stream (sync: one sync set for all) or from the worker's own (async): gap ≤ H.
// memory=off drops m (no error feedback: an ablation). wipe_on_decay=true zeroes m at the drops of
// schedule=step (the official code wipes the memory at its LR-decay boundaries).
// Virtual sequence [DERIVED here; §5.1 states the sync case]: x̃ = x − (1/R) Σ_r (m_r + a_r − x̂_r)
// moves by exactly −η_t (1/R) Σ_r d_r at every round, sync or not, in both modes; with a_r = x it is
// (1/R) Σ_r (x̂_r − m_r). Proof: a non-syncing worker changes x̂_r by −η_t d_r; a syncing one ends
// with m_r' + a_r' − x̂_r' = m_r + a_r − x̂_{t+1/2} − g_r while x moves by −g_r/R. (theory/qsparse_checks.cpp)
// Downlink (§5.4 UNSURE; the paper's plots count the uplink only), one broadcast per round with an
// upload, every worker keeping a replica of x: down=dense sends the master's step (1/R)Σ g_r densely;
// down=messages forwards the syncing workers' g_r themselves (forwarded.hpp: an allgather).
// Step size (stepsize=theory): μ > 0 — Thm 2's η_t = 8/(μ(a+t)), a = max{4H/γ, 32κ, H, 2}, i.e.
// η_0 = 8/(μa) with the default schedule inv[a]; μ = 0 — η = 1/(2L), the largest step that Thm 1's
// condition Ĉ/√T ≤ 1/(2L) allows, constant. Both recalled (paper_recalled), constants unverified.
#include <algorithm>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/common.hpp"
#include "methods/forwarded.hpp"
#include "methods/qsparse_local_sgd.hpp"
#include "methods/schedule.hpp"

namespace commopt {
namespace {

struct QsparseOptions {
  long long H = 4;                  // gap of the sync set
  std::string sync = "sync";        // sync (Alg. 1) | async (Alg. 2)
  std::string gap = "fixed";        // fixed (every H steps) | random (1 + below(H) steps)
  std::string down = "dense";       // dense (the step) | messages (the g_r forwarded)
  long long batch = 16;             // rows per local step; 0 = full local gradient
  double momentum = 0;              // local momentum β
  std::string nesterov = "true";    // Nesterov (true) or heavy-ball (false) local momentum
  std::string memory = "on";        // error feedback on | off
  std::string wipe_on_decay = "false";
};
const std::vector<OptionField<QsparseOptions>> kQsparseFields = {
    option_field("H", &QsparseOptions::H, "gap of the sync set: a worker syncs every H local steps"),
    option_field("sync", &QsparseOptions::sync, "sync (Alg. 1: all workers every H steps) | async (Alg. 2: staggered)"),
    option_field("gap", &QsparseOptions::gap, "fixed: sync every H steps | random: the next sync 1 + below(H) steps later"),
    option_field("down", &QsparseOptions::down, "broadcast: dense (the master's step) | messages (forward the g_r)"),
    option_field("batch", &QsparseOptions::batch, "rows per local step, drawn with replacement (0 = full local gradient)"),
    option_field("momentum", &QsparseOptions::momentum, "local momentum beta in [0, 1); buffers stay on the worker"),
    option_field("nesterov", &QsparseOptions::nesterov, "true: Nesterov momentum (official code) | false: heavy ball"),
    option_field("memory", &QsparseOptions::memory, "on: error feedback | off: drop the compression error (ablation)"),
    option_field("wipe_on_decay", &QsparseOptions::wipe_on_decay, "true: zero the memory at the drops of schedule=step"),
};
bool parse_flag(const Spec& spec, const char* field, const std::string& v, const char* yes, const char* no) {
  require_option(v == yes || v == no, spec, field, v, fmt::format("{} or {}", yes, no));
  return v == yes;
}

class QsparseWorker final : public ReplicaWorker, public QsparseWorkerView {
 public:
  struct Config {
    StepSchedule schedule;
    int H, offset, batch;
    double beta;
    bool nesterov, memory, wipe;
    bool random_gap = false;
    std::uint64_t seed = 0;
    int stream = kServer;  // random gaps: kServer (one sync set for all) or the worker's index
    bool forward = false;  // down=messages
    int workers = 1;
  };
  // The master model x_t is the shared replica (one per process); x̂_r and a_r are the worker's own.
  QsparseWorker(ReplicaPtr replica, CompressorPtr up, Config cfg)
      : ReplicaWorker(std::move(replica)), cfg_(std::move(cfg)), up_(std::move(up)), xhat_(x()), a_(x()),
        m_(Vec::Zero(x().size())), v_(Vec::Zero(x().size())), g_(Vec::Zero(x().size())), d_(Vec::Zero(x().size())),
        u_(x().size()), rows_(static_cast<std::size_t>(cfg_.batch)) {
    if (cfg_.random_gap) next_sync_ = 1 + draw_gap(0);
  }

  void apply(const Message& down, WorkerEnv& env) override {
    ReplicaWorker::apply(down, env);       // the replica: x_{t+1} = x_t − (1/R) Σ g_r
    if (synced_) xhat_ = x(), a_ = x();    // a syncing worker restarts from the new master model
    synced_ = false;
  }

  void upload(WorkerEnv& env, Message& up) override {
    const long long t = env.round;
    eta_ = cfg_.schedule.at(t);
    if (cfg_.wipe && std::binary_search(cfg_.schedule.drops.begin(), cfg_.schedule.drops.end(), t)) m_.setZero();
    sample_gradient(env, xhat_, cfg_.batch, rows_, g_);
    if (cfg_.beta == 0) {
      d_ = g_;
    } else {
      v_ = cfg_.beta * v_ + g_;                          // v ← βv + ∇f
      if (cfg_.nesterov) d_ = g_ + cfg_.beta * v_;  // Nesterov: d = ∇f + βv
      else d_ = v_;                                  // heavy ball: d = v
    }
    xhat_ -= eta_ * d_;  // x̂_{t+1/2} = x̂_t − η_t d_t
    synced_ = cfg_.random_gap ? t + 1 == next_sync_ : (t + 1) % cfg_.H == cfg_.offset;
    if (synced_ && cfg_.random_gap) next_sync_ = t + 2 + draw_gap(t + 1);  // t+1 ∈ I_T; the next one
    if (!synced_) return;  // t+1 ∉ I_T^{(r)}: nothing crosses the wire
    u_ = a_ - xhat_;       // the net local update since the last sync
    if (cfg_.memory) u_ += m_;
    Rng rng = env.compress_rng(*up_);
    up_->compress(u_, rng, up);  // g_r = Comp(m_r + a_r − x̂_{t+1/2})
    if (cfg_.memory) {
      m_ = u_;
      up_->add_decoded(up, -1.0, m_);  // m_r ← m_r + a_r − x̂_{t+1/2} − g_r
    }
  }

  const Vec* error_memory() const override { return &m_; }
  const Vec& local_model() const override { return xhat_; }
  const Vec& anchor() const override { return a_; }
  const Vec& memory() const override { return m_; }
  const Vec& last_gradient() const override { return g_; }
  const Vec& last_direction() const override { return d_; }
  double last_stepsize() const override { return eta_; }
  bool synced_last() const override { return synced_; }

 private:
  long long draw_gap(long long round) const {  // below(H) ∈ [0, H): the next sync 1..H steps later
    return static_cast<long long>(Rng(cfg_.seed, cfg_.stream, round, Purpose::participation)
                                      .below(static_cast<std::uint64_t>(cfg_.H)));
  }
  Config cfg_;
  CompressorPtr up_;
  Vec xhat_, a_, m_, v_, g_, d_, u_;
  std::vector<int> rows_;
  double eta_ = 0;
  bool synced_ = false;
  long long next_sync_ = 0;
};

// The workers' replica of the master model: down=dense applies the dense step, x ← x − decode(down);
// down=messages decodes the forwarded g_r in worker order, x ← x − (1/R) decode(g_r), with the
// server's instance of the upload compressor (context of worker 0), as the master does.
ReplicaPtr master_replica(const Vec& x0, CompressorPtr up, int value_bits, bool forward, int n) {
  if (!forward) return dense_replica(x0, value_bits, 1.0);
  std::shared_ptr<const Compressor> codec = std::move(up);
  return custom_replica(x0, [codec, n, sub = Message{}](int, const Message& down, Vec& x) mutable {
    for_each_forwarded(down, n, sub, [&](const Message& g) { codec->add_decoded(g, -1.0 / n, x); });
  });
}

// The master: absorbs the syncing workers' g_r and, at the next round's broadcast, steps
// x_{t+1} = x_t − (1/R) Σ g_r and sends that step densely, or forwards the g_r (no broadcast when
// nobody synced).
class QsparseServer final : public ServerLogic {
 public:
  QsparseServer(const Vec& x0, CompressorPtr up, CompressorPtr down, int n, bool forward)
      : x_(x0), step_(Vec::Zero(x0.size())), up_(std::move(up)), down_(std::move(down)), n_(n), forward_(forward),
        ups_(static_cast<std::size_t>(n)) {}
  void absorb(std::span<const Message> ups, ServerEnv&) override {
    step_.setZero();
    pending_ = false;
    if (forward_) {
      for (std::size_t i = 0; i < ups.size(); ++i) ups_[i] = ups[i], pending_ = pending_ || ups[i].sent;
      return;
    }
    for (const Message& m : ups)
      if (m.sent) up_->add_decoded(m, 1.0 / n_, step_), pending_ = true;  // in worker order
  }
  void broadcast(ServerEnv& env, Message& down) override {
    if (!pending_) return;  // sent = false: zero bits, workers' apply() is not called
    if (forward_) {
      pack_forwarded(ups_, down);
      for (const Message& g : ups_)  // in worker order, as the workers decode them
        if (g.sent) up_->add_decoded(g, -1.0 / n_, x_);
      return;
    }
    Rng rng = env.rng(Purpose::server);
    down_->compress(step_, rng, down);
    down_->add_decoded(down, -1.0, x_);  // x_{t+1} = x_t − (1/R) Σ g_r (as decoded by the workers)
  }
  const Vec& model() const override { return x_; }

 private:
  Vec x_, step_;
  CompressorPtr up_, down_;
  int n_;
  bool forward_;
  std::vector<Message> ups_;  // down=messages: the round's uploads
  bool pending_ = false;
};

MethodInstance build_qsparse(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const auto& c = p.constants();
  const QsparseOptions o = parse_options(s.method, kQsparseFields);
  require_option(o.H >= 1, s.method, "H", o.H, ">= 1");
  require_option(o.batch >= 0, s.method, "batch", o.batch, ">= 0 (0 = full gradient)");
  require_option(o.momentum >= 0 && o.momentum < 1, s.method, "momentum", o.momentum, "in [0, 1)");
  const bool async = parse_flag(s.method, "sync", o.sync, "async", "sync");
  QsparseWorker::Config cfg{{}, static_cast<int>(o.H), 0, static_cast<int>(o.batch), o.momentum,
                            parse_flag(s.method, "nesterov", o.nesterov, "true", "false"),
                            parse_flag(s.method, "memory", o.memory, "on", "off"),
                            parse_flag(s.method, "wipe_on_decay", o.wipe_on_decay, "true", "false")};
  cfg.random_gap = parse_flag(s.method, "gap", o.gap, "random", "fixed");
  cfg.seed = s.seed;
  cfg.forward = parse_flag(s.method, "down", o.down, "messages", "dense");
  cfg.workers = n;
  require_option(!cfg.forward || !make_compressor(s.compressor, d, s.value_bits, worker_context(p, 0))->needs_shared_randomness(),
                 s.method, "down", o.down, "dense when the compressor (" + s.compressor.str() + ") needs shared randomness",
                 "a forwarded message cannot carry the shared key");
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  inst.info["gap"] = o.gap;
  inst.info["H"] = o.H, inst.info["batch"] = o.batch;
  inst.info["sync"] = o.sync, inst.info["memory"] = o.memory, inst.info["momentum"] = o.momentum;
  inst.info["nesterov"] = cfg.nesterov, inst.info["wipe_on_decay"] = cfg.wipe;
  inst.info[kInfoStochastic] = o.batch > 0;
  inst.info["down"] = o.down;
  // Thm 2 (μ > 0): η_t = 8/(μ(a+t)) with a = max{4H/γ, 32κ, H, 2}; Thm 1 (μ = 0): η = 1/(2L).
  // γ: the contraction of Comp (§2); for an unbiased ω-compressor, that of C/(ω+1), 1/(ω+1).
  const CompressorConstants cc = make_compressor(s.compressor, d, s.value_bits, worker_context(p, 0))->constants();
  const double gamma = cc.kind == CompressorConstants::Kind::unbiased ? 1.0 / (1.0 + cc.omega) : cc.alpha;
  inst.info["gamma"] = gamma;
  std::string default_schedule = "constant";
  double eta0 = 1.0 / (2.0 * c.L);
  std::string rule = "1/(2L), constant [Qsparse-local-SGD Thm 1 condition C/sqrt(T) <= 1/(2L), PAPER-recalled]";
  if (c.mu > 0) {
    const double a = std::max({4.0 * static_cast<double>(o.H) / gamma, 32.0 * c.L / c.mu, static_cast<double>(o.H), 2.0});
    eta0 = 8.0 / (c.mu * a);
    default_schedule = fmt::format("inv[a={:.17g}]", a);
    rule = fmt::format("8/(mu a) with schedule inv[a], a = max(4H/gamma, 32 L/mu, H, 2) = {:.6g} [Thm 2, PAPER-recalled]", a);
  }
  inst.stepsize = resolve_stepsize(s.method, eta0, rule, inst.info);
  cfg.schedule = parse_schedule(s.method, inst.stepsize, default_schedule);
  record_schedule(cfg.schedule, inst.info);
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = master_replica(x0, make_compressor(s.compressor, d, s.value_bits, worker_context(p, 0)),
                                            s.value_bits, cfg.forward, n);
  for (int i = 0; i < n; ++i) {
    QsparseWorker::Config ci = cfg;
    ci.offset = async ? static_cast<int>((static_cast<long long>(i) * o.H / n) % o.H) : 0;
    ci.stream = async ? i : kServer;
    inst.workers.push_back(std::make_unique<QsparseWorker>(
        replica, make_compressor(s.compressor, d, s.value_bits, worker_context(p, i)), std::move(ci)));
  }
  inst.server = std::make_unique<QsparseServer>(x0, make_compressor(s.compressor, d, s.value_bits, worker_context(p, 0)),
                                                dense_codec(d, s.value_bits), n, cfg.forward);
  return inst;
}

}  // namespace

MethodEntry qsparse_local_sgd_entry() {
  MethodEntry e;
  e.name = "qsparse_local_sgd";
  e.doc = "Qsparse-local-SGD: local SGD steps, compressed net updates with error memory every H steps (sync/async)";
  e.paper = "Basu, Data, Karakus, Diggavi, NeurIPS 2019, Alg. 1 (sync) / Alg. 2 (async), Thms 1-4 (recalled)";
  e.params = option_docs(kQsparseFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  for (ParamDoc& d : e.params)  // the theorem-driven default (Thm 2) on strongly convex problems
    if (d.name == "schedule") d.default_value = "constant (mu = 0); inv[a] of Thm 2 (mu > 0)";
  e.default_compressor = "qtopk[ratio=0.1,s=256]";
  e.build = &build_qsparse;
  TheoremCard& c = e.card;
  c.paper = "Basu, Data, Karakus, Diggavi, Qsparse-local-SGD, NeurIPS 2019 (arXiv 1906.02367v3)";
  c.theorem = "Thms 1-4 as recalled (structure reliable, constants LOW confidence); virtual sequence (exact, derived)";
  c.provenance = Provenance::paper_recalled;
  c.setting = "f^(r) L-smooth; minibatch variance sigma_r^2/b_r; E||grad f_i^(r)||^2 <= G^2; Comp gamma-contractive; "
              "gap(I_T) <= H; Thm 2/4: mu-strongly convex";
  c.stepsize_rule = "Thm 1: eta = C/sqrt(T) <= 1/(2L) (commopt: 1/(2L)); Thm 2: eta_t = 8/(mu(a+t)), "
                    "a > 1, a >= max(4H/gamma, 32 kappa, H)";
  c.bound = "Lemma: E||m_t||^2 <= 4 eta^2 (1-gamma^2) H^2 G^2/gamma^2. Thm 1: E||grad f(z_T)||^2 <= "
            "[(f(x0)-f*)/C + C L sum_r sigma_r^2/(b_r R^2)] 4/sqrt(T) + 8(4(1-gamma^2)/gamma^2 + 1) C^2 L^2 G^2 H^2/T. "
            "Thm 2: E f(xbar_T) - f* <= L a^3 ||x0-x*||^2/(4 S_T) + 8 L T(T+2a) A/(mu^2 S_T) + 128 L T B/(mu^3 S_T), "
            "w_t = (a+t)^2, S_T >= T^3/3, A = sum_r sigma_r^2/(b_r R^2), B ~ (mu+L) C G^2 H^2/gamma^2 (exact B: verify). "
            "Thms 3/4 (async): the same shapes with extra staleness factors (verify)";
  c.potential = "";
  c.notes = "binding: the virtual-sequence identity x~ = x - (1/R) sum_r (m_r + a_r - xhat_r) moves by -eta_t (1/R) "
            "sum_r d_r at every round (derived; power row: memory=off), and H=1/identity = gd, "
            "identity compressor = local_sgd bit for bit. The recalled lemma/theorems are printed, not binding. "
            "Comp must be contractive (topk, qtopk, signtopk, randk_biased, ...): an unbiased compressor with "
            "omega >= 1 (randk scaled by d/k) is not, and the error feedback can diverge with it";
  e.check.run_checks = false;
  e.check.runs = {{"qsparse_local_sgd[H=4,batch=0]", "qtopk[k={k},s=4]"},
                  {"qsparse_local_sgd[H=3,sync=async,momentum=0.5]", "signtopk[k={k}]"}};
  e.check.extra = {"qsparse-virtual-sequence", "qsparse-memory-bound", "qsparse-consistency"};
  return e;
}

}  // namespace commopt
