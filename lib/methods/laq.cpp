// laq, slaq, qgd — lazily aggregated quantized gradients: Sun, Chen, Giannakis, Yang, "Communication-
// Efficient Distributed Learning via Lazily Aggregated Quantized Gradients", NeurIPS 2019, Algorithm 1
// (LAQ), its stochastic variant SLAQ and the baseline QGD; Theorem 1 (recalled). Spec:
// ../shared/methods/ef-local-lazy.md §2.6, §9 (the official LAQ.py / SLAQ.py are exact there).
//
// SUM vs MEAN. The paper minimizes F = Σ_m f_m with θ^{k+1} = θ^k − α Σ_m Q_m(θ̂_m^k) (the code never
// divides by M). commopt's f is the mean (1/M) Σ_m f_m, so the same iterates are x^{t+1} = x^t − γ g^t
// with g^t = (1/M) Σ_m Q̂_m^t and γ = Mα. `normalize=sum` (default) reads a numeric `stepsize` as the
// paper's α (γ = Mα); `normalize=mean` reads it as γ. The trigger's 1/(α²M²) is 1/γ² either way;
// info["stepsize"] is always γ and info["alpha"] the paper's α = γ/M.
//
// Worker m at x^t (Q̂_m: its last uploaded quantized gradient, ε̂_m: that upload's error; both 0 at start):
//   v = ∇f_m(x^t) − Q̂_m,  δQ = C_b(v) (laq compressor: R = ||v||_∞, 2^b levels, no zero level),
//   Q = Q̂_m + δQ,  ε = ∇f_m(x^t) − Q,
//   skip (send nothing) iff (7a) ||δQ||² <= (1/γ²) Σ_{d=1}^D ξ_d ||x^{t+1−d} − x^{t−d}||² + w(||ε||² + ||ε̂_m||²) + a
//                       and (7b) the clock (consecutive skips) is below t̄;
//   upload δQ otherwise: Q̂_m ← Q, ε̂_m ← ε, clock ← 0.  (w = 3, a = 0 in LAQ; w = 0.5·3, a = 0.2 in SLAQ.py.)
// The rule applies from round 0, as in LAQ.py (Q̂ = 0, ε̂ = 0, no history: a worker may skip there).
// Server: g ← g + (1/M) Σ_{uploads} δQ_m (∇^k = ∇^{k−1} + Σ δQ_m in the paper's units), x ← x − γ g.
// QGD is LAQ that never skips. SLAQ uses a minibatch gradient (B rows, with replacement).
// Bits: every upload is the laq message, b·p + w_R bits (w_R = 32: the radius). The paper's code counts
// b·p only; info["paper_bits_per_upload"] records that count beside info["bits_per_upload"].
//
// POTENTIAL (derived in laq_worker.cpp, checked on every round of deterministic runs):
//   Φ^t = V^t − (γ/2) Σ_{s<t} Z̄^s,  V^t = f(x^t) − f_low + Σ_{d=1}^D β_d ||x^{t+1−d} − x^{t−d}||²,
// β_d = (1/γ) Σ_{j=d}^D ξ_j, never increases for γ <= (1 − 2Dξ)/L; `lyapunov=paper` reports V itself.
// Split by idea: laq_worker.{hpp,cpp} hold the worker (quantized innovation, trigger (7a)/(7b), its
// share of the potential); this file the options, the server, the assembly and the registry entries.
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "methods/card_helpers.hpp"
#include "methods/common.hpp"
#include "methods/entries.hpp"
#include "methods/laq_worker.hpp"
#include "methods/options.hpp"
#include "methods/schedule.hpp"

namespace commopt {
namespace {

using F = OptionField<LaqMethodOptions>;
const F kBits = option_field("bits", &LaqMethodOptions::bits, "bits b per coordinate of the innovation, 1..16");
const F kD = option_field("D", &LaqMethodOptions::D, "number of past moves in the trigger (7a), >= 0");
const F kXi = option_field("xi", &LaqMethodOptions::xi, "trigger weight xi_d = xi (code: ck/D); theory step needs 2 D xi < 1");
const F kW = option_field("eps_weight", &LaqMethodOptions::eps_weight, "weight w of the quantization errors in (7a)");
const F kA = option_field("additive", &LaqMethodOptions::additive, "additive constant a in (7a) (SLAQ.py: 0.2)");
const F kT = option_field("tbar", &LaqMethodOptions::tbar, "clock: forced upload after tbar consecutive skips, >= 0");
const F kNorm = option_field("normalize", &LaqMethodOptions::normalize, "sum: stepsize=NUMBER is the paper's alpha "
                             "(gamma = M alpha); mean: it is gamma on the mean objective");
const F kLyap = option_field("lyapunov", &LaqMethodOptions::lyapunov, "budget: V minus the quantization budget "
                             "(monotone at the theory step); paper: V itself");
const std::vector<F> kLaqFields = {kBits, kD, kXi, kW, kA, kT, kNorm, kLyap};
const std::vector<F> kQgdFields = {kBits, kNorm, kLyap};

struct SlaqOptions : LaqMethodOptions {
  SlaqOptions() { bits = 3, eps_weight = 1.5, additive = 0.2, batch = 500; }
};
template <class T>
OptionField<SlaqOptions> slaq_field(const char* name, T LaqMethodOptions::*member, const char* doc) {
  return option_field<SlaqOptions, T>(name, static_cast<T SlaqOptions::*>(member), doc);
}
const std::vector<OptionField<SlaqOptions>> kSlaqFields = {
    slaq_field("bits", &LaqMethodOptions::bits, "bits b per coordinate (SLAQ.py: 3)"),
    slaq_field("D", &LaqMethodOptions::D, "number of past moves in the trigger, >= 0"),
    slaq_field("xi", &LaqMethodOptions::xi, "trigger weight xi_d = xi"),
    slaq_field("eps_weight", &LaqMethodOptions::eps_weight, "w (SLAQ.py: 0.5*3)"),
    slaq_field("additive", &LaqMethodOptions::additive, "a (SLAQ.py: 0.2)"),
    slaq_field("tbar", &LaqMethodOptions::tbar, "clock t-bar"),
    slaq_field("batch", &LaqMethodOptions::batch, "minibatch B per worker per round, >= 1 (with replacement)"),
    slaq_field("normalize", &LaqMethodOptions::normalize, "sum | mean (as in laq)"),
};

enum class Kind { laq, qgd, slaq };

LaqMethodOptions parse(const Spec& spec, Kind kind) {
  LaqMethodOptions o = kind == Kind::laq   ? parse_options(spec, kLaqFields)
                 : kind == Kind::qgd ? parse_options(spec, kQgdFields)
                                     : static_cast<LaqMethodOptions>(parse_options(spec, kSlaqFields));
  require_option(o.bits >= 1 && o.bits <= 16, spec, "bits", o.bits, "in 1..16");
  require_option(o.D >= 0 && o.D <= 100000, spec, "D", o.D, "in 0..100000");
  require_option(o.xi >= 0, spec, "xi", o.xi, ">= 0");
  require_option(o.eps_weight >= 0, spec, "eps_weight", o.eps_weight, ">= 0");
  require_option(o.additive >= 0, spec, "additive", o.additive, ">= 0");
  require_option(o.tbar >= 0, spec, "tbar", o.tbar, ">= 0");
  require_option(o.normalize == "sum" || o.normalize == "mean", spec, "normalize", o.normalize, "sum or mean");
  require_option(o.lyapunov == "budget" || o.lyapunov == "paper", spec, "lyapunov", o.lyapunov, "budget or paper");
  if (kind == Kind::slaq) require_option(o.batch >= 1, spec, "batch", o.batch, ">= 1");
  if (kind == Kind::qgd) o.D = 0, o.xi = 0, o.tbar = 0;  // never skips
  return o;
}

// g ← g + (1/M) Σ δQ_m over the uploads; broadcast g densely; x ← x − γ_t·decode(g).
class LaqServer final : public ServerLogic {
 public:
  LaqServer(const Vec& x0, int bits, int value_bits, int n, const StepSchedule& sched)
      : x_(x0), g_(Vec::Zero(x0.size())), codec_(static_cast<int>(x0.size()), bits, ValueCodec{value_bits}),
        down_(dense_codec(static_cast<int>(x0.size()), value_bits)), n_(n), sched_(sched) {}
  void absorb(std::span<const Message> ups, ServerEnv&) override {
    for (const Message& m : ups) codec_.add_decoded(m, 1.0 / n_, g_);  // skips (sent = false) add nothing
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    down_->compress(g_, rng, down);
    down_->add_decoded(down, -sched_.at(env.round - 1), x_);
  }
  const Vec& model() const override { return x_; }
  std::optional<double> potential(double gap, const Vec&, double worker_terms) const override {
    if (!sched_.constant()) return std::nullopt;
    return gap + worker_terms;
  }

 private:
  Vec x_, g_;
  LaqCompressor codec_;
  CompressorPtr down_;
  int n_;
  StepSchedule sched_;
};

MethodInstance build(const MethodSetup& s, Kind kind) {
  const Objective& p = *s.problem;
  const int n = p.workers(), d = p.dim();
  const LaqMethodOptions o = parse(s.method, kind);
  const auto& c = p.constants();
  const double two_dxi = 2.0 * static_cast<double>(o.D) * o.xi;
  const double theory = two_dxi < 1 ? (1.0 - two_dxi) / c.L : 0.0;  // γ, mean units
  if (theory <= 0 && s.method.get_string("stepsize", "theory").rfind("theory", 0) == 0)
    throw UsageError(fmt::format("--method: {} with 2*D*xi = {} >= 1 has no theory step (the potential needs "
                                 "2 D xi < 1); lower xi or give stepsize=<number>", s.method.str(), two_dxi));
  const double unit = o.normalize == "sum" ? n : 1.0;  // γ = unit × (the spec's number)
  MethodInstance inst;
  inst.info["constants"] = constants_json(c);
  const double value = resolve_stepsize(s.method, theory > 0 ? theory / unit : 1.0 / (c.L * unit),
                                        "(1 - 2 D xi)/L on the mean [derived, lib/methods/laq.cpp]", inst.info);
  inst.stepsize = value * unit;
  inst.info["stepsize"] = inst.stepsize;
  inst.info["stepsize_theory"] = theory;
  inst.info["alpha"] = inst.stepsize / n;
  inst.info["normalize"] = o.normalize;
  inst.info["bits"] = o.bits;
  inst.info["D"] = o.D;
  inst.info["xi"] = o.xi;
  inst.info["tbar"] = o.tbar;
  inst.info["eps_weight"] = o.eps_weight;
  inst.info["additive"] = o.additive;
  inst.info["batch"] = o.batch;
  inst.info["bits_per_upload"] = o.bits * d + s.value_bits;
  inst.info["paper_bits_per_upload"] = o.bits * d;
  inst.info[kInfoStochastic] = kind == Kind::slaq;
  inst.info["potential"] = o.lyapunov == "paper"
                               ? "V = f - f_low + sum_d beta_d ||x^{t+1-d} - x^{t-d}||^2, beta_d = sum_{j>=d} xi_j/gamma"
                               : "V - (gamma/2) sum_{s<t} Zbar^s (quantization budget)";
  const StepSchedule sched = kind == Kind::slaq ? parse_schedule(s.method, inst.stepsize)
                                                : parse_schedule(Spec::parse("x", "laq"), inst.stepsize);
  if (kind == Kind::slaq) record_schedule(sched, inst.info);
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = laq_replica(x0, o, s.value_bits, sched);  // one per process
  for (int i = 0; i < n; ++i) inst.workers.push_back(std::make_unique<LaqWorker>(replica, o, s.value_bits, sched));
  inst.server = std::make_unique<LaqServer>(x0, static_cast<int>(o.bits), s.value_bits, n, sched);
  return inst;
}

MethodEntry base_entry(const char* name, Kind kind) {
  MethodEntry e;
  e.name = name;
  e.paper = "Sun, Chen, Giannakis, Yang, NeurIPS 2019, Alg. 1 (LAQ), Thm 1 (recalled)";
  e.uses_compressor = false;
  e.default_compressor = "identity";
  TheoremCard& c = e.card;
  c.paper = "Sun, Chen, Giannakis, Yang, LAQ, NeurIPS 2019";
  c.theorem = "Thm 1 (recalled: linear decay of V); monotone budget potential derived in lib/methods/laq.cpp";
  c.provenance = Provenance::derived;
  c.setting = "f L-smooth (f_m smoothness not needed); trigger (7a) with xi_d = xi, 2 D xi < 1";
  c.stepsize_rule = "gamma = (1 - 2 D xi)/L on the mean (alpha = gamma/M on the paper's sum)";
  c.bound = "Phi^{t+1} <= Phi^t - (gamma/2)||grad f(x^t)||^2 (derived; checked every round); V^t <= sigma^t V^0 "
            "(Thm 1, recalled; fitted, informational)";
  c.potential = "Phi^t = V^t - (gamma/2) sum_{s<t} Zbar^s, V^t = f - f_low + sum_d (sum_{j>=d} xi_j/gamma) "
                "||x^{t+1-d} - x^{t-d}||^2, Z_m = |eps|^2 (upload) or (2w+2)|eps|^2 + 2w|eps_hat|^2 + 2a (skip)";
  c.notes = "V itself is the paper's Lyapunov function; its fitted linear rate is informational (laq-rate row)";
  (void)kind;
  return e;
}

}  // namespace

MethodEntry laq_method_entry() {
  MethodEntry e = base_entry("laq", Kind::laq);
  e.doc = "LAQ: quantized innovation (b bits around the last upload), skipped by the lazy rule (7a) with clock tbar";
  e.params = option_docs(kLaqFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.build = [](const MethodSetup& s) { return build(s, Kind::laq); };
  e.check.extra = {"potential-sharp", "potential-power", "laq-qgd-identity", "laq-rate"};
  return e;
}

MethodEntry qgd_entry() {
  MethodEntry e = base_entry("qgd", Kind::qgd);
  e.doc = "QGD: LAQ's quantized innovation uploaded by every worker every round (LAQ without skipping)";
  e.paper = "Sun, Chen, Giannakis, Yang, NeurIPS 2019, baseline QGD";
  e.params = option_docs(kQgdFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.build = [](const MethodSetup& s) { return build(s, Kind::qgd); };
  e.card.setting = "f L-smooth; every worker uploads its quantized innovation every round";
  e.card.stepsize_rule = "gamma = 1/L on the mean";
  e.card.notes = "QGD: Phi = f - f_low - (gamma/2) sum_{s<t} mean |eps|^2 (no history terms); no rate row";
  e.check.extra = {"potential-sharp", "potential-power"};
  return e;
}

MethodEntry slaq_entry() {
  MethodEntry e = base_entry("slaq", Kind::slaq);
  e.doc = "SLAQ: LAQ with a minibatch gradient and SLAQ.py's trigger (w = 1.5, additive 0.2)";
  e.paper = "Sun, Chen, Giannakis, Yang, NeurIPS 2019, SLAQ (SLAQ.py)";
  e.params = option_docs(kSlaqFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  e.build = [](const MethodSetup& s) { return build(s, Kind::slaq); };
  e.card.certified = false;
  e.check.extra = {"slaq-laq-identity"};
  e.card.notes = "SLAQ: the spec gives no certificate for the stochastic trigger (minibatch noise is not in "
                 "the potential); its runs are reported, not checked";
  return e;
}

}  // namespace commopt
