// cser, csea, cser_pl — Xie, Zheng, Koyejo, Gupta, Li, Lin, "CSER: Communication-efficient SGD
// with Error Reset", NeurIPS 2020 (arXiv 2007.13221v3); spec ../shared/methods/ef-local-lazy.md §7.
// One engine round = one iteration t (round 0 = iteration 0). Worker i holds x_i, e_i, u_i; with
// the GRBS block A_t (ratio R_grad) and B_t (ratio R_reset) drawn from the shared stream, and
// reset steps those with (t+1) mod H = 0 (the H-th, 2H-th, ... iteration):
//   local NAG step (MXNet nag, the official code):  u_i ← μ u_i + g_i(x_i);  d_i = η_t (g_i + μ u_i)
//   form=model_avg (official ERSGD2TrainerV2, §7.2): x_i ← x_i − d_i, e_i ← e_i − d_i; then ONE
//     block is averaged across workers, B_t at reset steps, A_t at the others ("instead"):
//     x_i[blk] ← (1/n) Σ_j x_j[blk],  e_i[blk] ← 0,  x̂[blk] ← (1/n) Σ_j x_j[blk].
//   form=error (§7.1, third-party error form): c = (1/n) Σ_j C_A(d_j), r_i = d_i − C_A(d_i),
//     x_i ← x_i − c − r_i, e_i ← e_i − r_i (x̂ ← x̂ − c); at reset steps additionally
//     c2 = (1/n) Σ_j C_B(e_j), x_i ← x_i − C_B(e_i) + c2, e_i ← e_i − C_B(e_i) (x̂ ← x̂ + c2).
// Worker i uploads its blocks' values at round t (x_i in model_avg, d_i and e_i in the error form;
// part A then part B, |A|+|B| values, no index bits: the blocks come from the shared stream); the
// server averages them and broadcasts the averages in round t+1, which completes iteration t.
// Invariants (§7.1, derived): x̂ = x_i − e_i is the same on every worker (the server's model);
// x̄ = (1/n) Σ_i x_i follows x̄ ← x̄ − (1/n) Σ_i d_i (plain averaged SGD); with R_reset = 1 the
// error is exactly 0 after every reset. The trace reports x̂, the model all workers agree on.
// csea = cser with H = 1 (ERSGDTrainerV2: a block of x averaged every step, at ratio R_reset);
// cser_pl = partial local SGD (PartialLocalSGDTrainerV1): model_avg without the per-step sync.
// Overall ratio (§7.3): R_C = 1/(1/R_grad + 1/(R_reset H)) — exact for the error form; model_avg
// syncs (H−1)/H of the steps at R_grad and 1/H at R_reset, R_C,exact = H/((H−1)/R_grad + 1/R_reset).
#include "methods/cser.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

#include "compress/grbs.hpp"
#include "core/error.hpp"
#include "methods/common.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/schedule.hpp"

namespace commopt {
namespace {

struct CserOptions {
  std::string form = "model_avg";  // model_avg (official) | error (§7.1)
  double R_grad = 8;               // per-step block ratio (GRBS keeps d/R_grad coordinates)
  double R_reset = 1;              // reset block ratio, every H-th step (1 = identity reset)
  long long H = 4;                 // reset period
  std::string reset = "grbs";      // grbs | off (ablation: no error reset)
  double momentum = 0;             // local Nesterov momentum μ (official NAG: 0.9)
  long long batch = 0;             // rows per gradient; 0 = full local gradient
};
using F = OptionField<CserOptions>;
const F kForm = option_field("form", &CserOptions::form, "model_avg (official: partial model averaging) | error (two compressors, error form)");
const F kRgrad = option_field("R_grad", &CserOptions::R_grad, "ratio of the per-step GRBS block (>= 1; 1 = all of it)");
const F kRreset = option_field("R_reset", &CserOptions::R_reset, "ratio of the reset GRBS block (>= 1; 1 = identity reset)");
const F kH = option_field("H", &CserOptions::H, "reset period: the reset block every H-th iteration");
const F kReset = option_field("reset", &CserOptions::reset, "grbs (GRBS at ratio R_reset) | off (ablation: no reset)");
const F kMomentum = option_field("momentum", &CserOptions::momentum, "local Nesterov momentum mu in [0,1)");
const F kBatch = option_field("batch", &CserOptions::batch, "rows per gradient, drawn with replacement (0 = full local gradient)");
const std::vector<F> kCserFields = {kForm, kRgrad, kRreset, kH, kReset, kMomentum, kBatch};
constexpr double kCseaR = 4;  // csea's default ratio (R_reset = 1 would be full averaging every step)
const std::vector<F> kCseaFields = {
    kForm, option_field("R_grad", &CserOptions::R_grad, "ratio of the per-step block of d_i (form=error only)"),
    option_field("R_reset", &CserOptions::R_reset, "ratio of the GRBS block averaged every step", "4"),
    kReset, kMomentum, kBatch};
const std::vector<F> kCserPlFields = {
    option_field("R", &CserOptions::R_reset, "ratio of the GRBS block of x averaged every H-th iteration (>= 1)"),
    option_field("H", &CserOptions::H, "averaging period"),
    option_field("reset", &CserOptions::reset, "grbs | off (ablation: the blocks are never averaged)"), kMomentum, kBatch};

enum class Variant { cser, csea, cser_pl };

// Which parts iteration t sends.
struct Plan {
  bool model_avg = true, grad_sync = true, reset_on = true;
  long long H = 1;
  bool reset_step(long long t) const { return reset_on && (t + 1) % H == 0; }
  bool grad_part(long long t) const { return grad_sync && !(model_avg && reset_step(t)); }
};

using Block = std::pair<int, int>;  // [first, first + size)

class CserWorker final : public WorkerLogic, public CserWorkerState {
 public:
  CserWorker(const Vec& x0, Plan plan, GrbsCompressor a, GrbsCompressor b, ValueCodec codec,
             StepSchedule sched, double mu, int batch)
      : plan_(plan), a_(a), b_(b), codec_(codec), sched_(std::move(sched)), mu_(mu), batch_(batch), x_(x0),
        e_(Vec::Zero(x0.size())), u_(Vec::Zero(x0.size())), d_(Vec::Zero(x0.size())), sent_(Vec::Zero(x0.size())),
        rows_(static_cast<std::size_t>(batch)) {}

  void upload(WorkerEnv& env, Message& up) override {
    const long long t = env.round;
    sample_gradient(env, x_, batch_, rows_, g_);
    u_ *= mu_;
    u_ += g_;                                                 // u_i ← μ u_i + g_i
    d_.noalias() = sched_.at(t) * (g_ + mu_ * u_);            // d_i = η_t (g_i + μ u_i)
    Rng shared = env.compress_rng(a_);                        // the shared stream of round t
    const std::uint64_t ka = shared.key(), kb = shared.key();
    has_a_ = plan_.grad_part(t), has_b_ = plan_.reset_step(t);
    BitWriter w(up.bytes);
    if (plan_.model_avg) {
      x_ -= d_;
      e_ -= d_;
      if (has_a_) put_model(w, blk_a_ = a_.block_of(ka));
      if (has_b_) put_model(w, blk_b_ = b_.block_of(kb));
    } else {
      blk_a_ = a_.block_of(ka);
      for (int i = blk_a_.first; i < blk_a_.first + blk_a_.second; ++i) {
        codec_.put(w, d_[i]);
        d_[i] -= codec_.round(d_[i]);                         // r_i = d_i − C_A(d_i)
      }
      x_ -= d_;                                               // x_i ← x_i − r_i (− c on apply)
      e_ -= d_;                                               // e_i ← e_i − r_i
      if (has_b_) {
        blk_b_ = b_.block_of(kb);
        for (int i = blk_b_.first; i < blk_b_.first + blk_b_.second; ++i) {
          codec_.put(w, e_[i]);
          const double c = codec_.round(e_[i]);
          x_[i] -= c;                                         // x_i ← x_i − C_B(e_i) (+ c2 on apply)
          e_[i] -= c;                                         // e_i ← e_i − C_B(e_i)
        }
      }
    }
    up.shared_key = ka;
    up.bits = w.bits();
    up.sent = has_a_ || has_b_;
  }

  void apply(const Message& down, WorkerEnv&) override {
    BitReader r = down.reader();
    if (has_a_) take(r, blk_a_, -1.0);
    if (has_b_) take(r, blk_b_, +1.0);
    has_a_ = has_b_ = false;
  }
  const Vec* error_memory() const override { return &e_; }
  double potential_term(const Vec&) const override { return e_.squaredNorm(); }  // the ||e|| diagnostic
  const Vec& local_model() const override { return x_; }
  const Vec& error() const override { return e_; }

 private:
  void put_model(BitWriter& w, Block blk) {
    for (int i = blk.first; i < blk.first + blk.second; ++i) {
      codec_.put(w, x_[i]);
      sent_[i] = codec_.round(x_[i]);
    }
  }
  // model_avg: x_i[blk] ← avg (keeping what rounding did not send), e_i[blk] ← that remainder;
  // error form: x_i ← x_i + sign·avg (−c for part A, +c2 for part B).
  void take(BitReader& r, Block blk, double sign) {
    for (int i = blk.first; i < blk.first + blk.second; ++i) {
      const double v = codec_.get(r);
      if (plan_.model_avg) {
        const double rest = x_[i] - sent_[i];
        x_[i] = rest + v;
        e_[i] = rest;
      } else {
        x_[i] += sign * v;
      }
    }
  }
  Plan plan_;
  GrbsCompressor a_, b_;
  ValueCodec codec_;
  StepSchedule sched_;
  double mu_;
  int batch_;
  Vec x_, e_, u_, d_, sent_, g_;
  std::vector<int> rows_;
  bool has_a_ = false, has_b_ = false;
  Block blk_a_{0, 0}, blk_b_{0, 0};
};

// Averages the uploaded blocks (worker order) and broadcasts the averages; keeps x̂.
class CserServer final : public ServerLogic {
 public:
  CserServer(const Vec& x0, Plan plan, GrbsCompressor a, GrbsCompressor b, ValueCodec codec, int n)
      : plan_(plan), a_(a), b_(b), codec_(codec), n_(n), x_(x0), avg_a_(Vec::Zero(x0.size())),
        avg_b_(Vec::Zero(x0.size())) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    const long long t = env.round;
    Rng shared = env.rng(Purpose::shared);
    const std::uint64_t ka = shared.key(), kb = shared.key();
    has_a_ = plan_.grad_part(t), has_b_ = plan_.reset_step(t);
    if (has_a_) blk_a_ = a_.block_of(ka), avg_a_.segment(blk_a_.first, blk_a_.second).setZero();
    if (has_b_) blk_b_ = b_.block_of(kb), avg_b_.segment(blk_b_.first, blk_b_.second).setZero();
    for (const Message& m : ups) {
      if (!m.sent) continue;
      BitReader r = m.reader();
      if (has_a_) add(r, blk_a_, avg_a_);
      if (has_b_) add(r, blk_b_, avg_b_);
    }
  }
  void broadcast(ServerEnv&, Message& down) override {
    down.sent = has_a_ || has_b_;
    if (!down.sent) return;
    BitWriter w(down.bytes);
    if (has_a_) send(w, blk_a_, avg_a_, -1.0);
    if (has_b_) send(w, blk_b_, avg_b_, +1.0);
    down.bits = w.bits();
    has_a_ = has_b_ = false;
  }
  const Vec& model() const override { return x_; }
  // The trace's potential column carries the diagnostic (1/n) Σ_i ||e_i||² (not a Lyapunov function).
  std::optional<double> potential(double, const Vec&, double mean_error_sq) const override { return mean_error_sq; }

 private:
  void add(BitReader& r, Block blk, Vec& acc) const {
    for (int i = blk.first; i < blk.first + blk.second; ++i) acc[i] += (1.0 / n_) * codec_.get(r);
  }
  void send(BitWriter& w, Block blk, const Vec& avg, double sign) {
    for (int i = blk.first; i < blk.first + blk.second; ++i) {
      codec_.put(w, avg[i]);
      const double v = codec_.round(avg[i]);
      if (plan_.model_avg) x_[i] = v; else x_[i] += sign * v;   // x̂[blk] ← avg | x̂ ← x̂ − c + c2
    }
  }
  Plan plan_;
  GrbsCompressor a_, b_;
  ValueCodec codec_;
  int n_;
  Vec x_, avg_a_, avg_b_;
  bool has_a_ = false, has_b_ = false;
  Block blk_a_{0, 0}, blk_b_{0, 0};
};

// The GRBS block length for ratio R, as grbs[ratio=1/R]: K = max(1, round(d/R)).
int grbs_block(int d, double R) { return std::max(1, static_cast<int>(std::lround((1.0 / R) * d))); }

MethodInstance build(const MethodSetup& s, Variant v) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const auto& fields = v == Variant::cser ? kCserFields : v == Variant::csea ? kCseaFields : kCserPlFields;
  CserOptions o = parse_options(s.method, fields);
  if (v == Variant::csea) o.H = 1, o.R_reset = s.method.has("R_reset") ? o.R_reset : kCseaR;
  if (v == Variant::cser_pl) o.R_grad = 1;  // unused: no per-step sync
  const Spec& sp = s.method;
  require_option(o.form == "model_avg" || o.form == "error", sp, "form", o.form, "model_avg or error");
  require_option(o.R_grad >= 1, sp, "R_grad", o.R_grad, ">= 1 (GRBS keeps d/R coordinates)");
  require_option(o.R_reset >= 1, sp, v == Variant::cser_pl ? "R" : "R_reset", o.R_reset, ">= 1 (1 = identity)");
  require_option(o.H >= 1, sp, "H", o.H, ">= 1");
  require_option(o.reset == "grbs" || o.reset == "off", sp, "reset", o.reset,
                 "grbs or off (the error form all-reduces the reset part: it needs the same support on every worker)");
  require_option(o.momentum >= 0 && o.momentum < 1, sp, "momentum", o.momentum, "in [0, 1)");
  require_option(o.batch >= 0, sp, "batch", o.batch, ">= 0 (0 = full gradient)");
  Plan plan{o.form == "model_avg", v != Variant::cser_pl, o.reset == "grbs", o.H};
  const ValueCodec codec{s.value_bits};
  const GrbsCompressor a(d, grbs_block(d, o.R_grad), codec), b(d, grbs_block(d, o.R_reset), codec);
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["form"] = o.form;
  inst.info["R_grad"] = plan.grad_sync ? o.R_grad : 0.0;
  inst.info["R_reset"] = o.R_reset;
  inst.info["H"] = o.H;
  inst.info["reset"] = o.reset;
  inst.info["momentum"] = o.momentum;
  inst.info["batch"] = o.batch;
  inst.info[kInfoStochastic] = o.batch > 0;
  // Fractions of the iterations that send part A / part B, and the expected bits per iteration
  // and worker (exact: a GRBS block is one of N aligned blocks, uniformly, so E|block| = d/N).
  const double Hd = static_cast<double>(o.H);
  const double fa = !plan.grad_sync ? 0.0 : plan.model_avg && plan.reset_on ? (Hd - 1) / Hd : 1.0;
  const double fb = plan.reset_on ? 1.0 / Hd : 0.0;
  const double inv_rc = (plan.grad_sync ? 1.0 / o.R_grad : 0.0) + (plan.reset_on ? 1.0 / (o.R_reset * Hd) : 0.0);
  inst.info["R_C"] = inv_rc > 0 ? 1.0 / inv_rc : INFINITY;  // §7.3: 1/(1/R_grad + 1/(R_reset H))
  inst.info["R_C_exact"] = fa / o.R_grad + fb / o.R_reset > 0 ? 1.0 / (fa / o.R_grad + fb / o.R_reset) : INFINITY;
  inst.info["grbs_grad"] = {{"K", a.block_size()}, {"N", a.blocks()}, {"fraction", fa}};
  inst.info["grbs_reset"] = {{"K", b.block_size()}, {"N", b.blocks()}, {"fraction", fb}};
  inst.info["expected_bits_per_iteration"] =
      s.value_bits * (fa * d / a.blocks() + fb * d / b.blocks());
  inst.stepsize = resolve_stepsize(sp, (1.0 - o.momentum) / (2.0 * c.L),
                                   "(1-momentum)/(2L) heuristic (recalled Thm: eta <= 1/L; momentum mu multiplies "
                                   "the effective step by 1/(1-mu))", inst.info);
  const StepSchedule sched = parse_schedule(sp, inst.stepsize);
  record_schedule(sched, inst.info);
  const Vec x0 = p.initial_point();
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<CserWorker>(x0, plan, a, b, codec, sched, o.momentum,
                                                        static_cast<int>(o.batch)));
  inst.server = std::make_unique<CserServer>(x0, plan, a, b, codec, n);
  return inst;
}

MethodInstance build_cser(const MethodSetup& s) { return build(s, Variant::cser); }
MethodInstance build_csea(const MethodSetup& s) { return build(s, Variant::csea); }
MethodInstance build_cser_pl(const MethodSetup& s) { return build(s, Variant::cser_pl); }

// The entry shared by the three: the card is §7.5 as recalled (not binding); the binding checks
// are the exact invariants and the bit count (theory/cser_checks.cpp).
MethodEntry entry(const char* name, const char* doc, const std::vector<F>& fields, MethodInstance (*b)(const MethodSetup&),
                  std::vector<CheckRun> runs) {
  MethodEntry e;
  e.name = name;
  e.doc = doc;
  e.paper = "Xie, Zheng, Koyejo, Gupta, Li, Lin, CSER, NeurIPS 2020 (official code: partial model averaging)";
  e.params = option_docs(fields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  e.uses_compressor = false;  // GRBS at the ratios R_grad / R_reset is part of the method
  e.default_compressor = "identity";
  e.build = b;
  TheoremCard& c = e.card;
  c.paper = "Xie, Zheng, Koyejo, Gupta, Li, Lin, CSER: Communication-efficient SGD with Error Reset, NeurIPS 2020";
  c.theorem = "main theorem (recalled, low confidence on constants; ef-local-lazy.md 7.5); M-CSER analysed similarly";
  c.provenance = Provenance::paper_recalled;
  c.setting = "nonconvex F L-smooth; stochastic gradients with variance V, bounded second moment; GRBS-type "
              "compressors (delta_1, delta_2)";
  c.stepsize_rule = "eta <= 1/L (commopt default (1-mu)/(2L), a heuristic)";
  c.bound = "(1/T) sum_t E||grad F(xbar_t)||^2 <= 2(F(x_0)-F*)/(eta T) + eta L V/n + eta^2 L^2 (error term growing "
            "with H and the (1-delta) factors, no 1/delta^2 blow-up); corollary O(1/sqrt(nT))";
  c.potential = "diagnostic, not a Lyapunov function: (1/n) sum_i ||e_i||^2 (the error norm of 7.1 / (a).4)";
  c.potential_monotone_when_deterministic = false;
  c.notes = "binding checks: x_i - e_i equal on all workers and equal to the server's model; the average model "
            "follows averaged SGD; e = 0 after each identity reset; uplink bits = their exact expectation from "
            "R_grad, R_reset, H. The trace reports the common model xhat = x_i - e_i (the theorem bounds xbar); its "
            "potential column is (1/n) sum_i ||e_i||^2 after the uploads. Choices where the spec is unsure: local "
            "momentum is MXNet NAG (official code) in both forms (the third-party error form uses heavy ball); GRBS "
            "is global over x (the official code draws one block per tensor, with layer_sparse skipping); the "
            "reset compressor is GRBS (R_reset = 1: identity) or off, the only compressors whose averages all "
            "workers can all-reduce with the same support.";
  e.check.run_checks = false;
  e.check.runs = std::move(runs);
  e.check.extra = {"cser-invariants", "cser-bits", "cser-rate"};
  return e;
}

}  // namespace

MethodEntry cser_entry() {
  return entry("cser", "CSER: error reset with partial synchronisation (form=model_avg official | error)", kCserFields,
               &build_cser,
               {{"cser[form=model_avg,R_grad=4,R_reset=1,H=3]", ""}, {"cser[form=error,R_grad=4,R_reset=1,H=3]", ""},
                {"cser[form=error,R_grad=4,R_reset=2,H=2,momentum=0.5]", ""}});
}
MethodEntry csea_entry() {
  return entry("csea", "CSEA: CSER with H = 1 (a GRBS block of the model averaged every step)", kCseaFields,
               &build_csea, {{"csea[R_reset=4]", ""}});
}
MethodEntry cser_pl_entry() {
  return entry("cser_pl", "CSER-PL: partial local SGD (a GRBS block of the model averaged every H steps)",
               kCserPlFields, &build_cser_pl, {{"cser_pl[R=1,H=4]", ""}, {"cser_pl[R=2,H=2]", ""}});
}

}  // namespace commopt
