// dist_ef_sgd, dist_ef_sgdm, dist_ef_blocksgd, dist_ef_blocksgdm — Zheng, Huang, Kwok,
// "Communication-Efficient Distributed Blockwise Momentum SGD with Error-Feedback", NeurIPS 2019,
// Algorithm 1 (dist-EF-SGD) and its Nesterov-momentum version (dist-EF-SGDM); Thm 1 (fixed η),
// Thm 2 (decreasing η_t), Thm 3 (momentum) — spec ../shared/methods/ef-local-lazy.md §6, §13.
// One algorithm, four registered names: the Block variants default to the blockwise scaled sign
// (block_sign: the problem's parameter blocks, or block_size=S) on both sides. Iteration t, step η_t
// from the schedule, errors in GRADIENT units, so they are rescaled by r_t = η_{t−1}/η_t (§6.1):
//   worker: m_i = μ m_i + g_i(x^t);  p_i = μ m_i + g_i + r_t e_i;  Δ_i = C(p_i);  e_i ← p_i − Δ_i
//   server: p̃ = (1/n) Σ_i Δ_i + r_t ẽ;   Δ̃ = C̃(p̃);   ẽ ← p̃ − Δ̃;   broadcast Δ̃
//   all:    w ← μ w + wd·x^t;  x^{t+1} = x^t − η_t (Δ̃ + wd·x^t + μ w)   (wd outside the compressed path)
// μ = 0, wd = 0 is Algorithm 1. rescale=off drops r_t (the ablation of §(a).5(i)). Virtual sequence
// [DERIVED, exact]: x̃^t = x^t − η_{t−1}((1/n)Σ_i e_i + ẽ) satisfies
//   x̃^{t+1} = x̃^t − η_t ((1/n)Σ_i (μ m_i + g_i) + wd·x^t + μ w)
// (sum the two error updates: ē' + ẽ' = mean(μ m + g) + r_t (ē + ẽ) − Δ̃); theory/identity_checks.cpp.
// Weight decay: our problems' regularizers are already inside g_i; weight_decay=wd (default 0) adds
// the official code's decoupled decay (mxnet DistEFSGD optimizer), applied by every replica, no bits.
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/common.hpp"
#include "methods/entries.hpp"
#include "methods/options.hpp"
#include "methods/schedule.hpp"

namespace commopt {
namespace {

struct DistEfOptions {
  std::string down;     // the broadcast's compressor spec; "" = the --compressor
  long long batch = 0;  // rows per gradient; 0 = full local gradient
  std::string rescale = "on";
  double momentum = 0;      // μ (the M variants default to 0.9)
  double weight_decay = 0;  // wd
  long long block_size = 0; // Block variants: blocks of S coordinates (0 = the problem's blocks)
};
const std::vector<OptionField<DistEfOptions>> kBaseFields = {
    option_field("down", &DistEfOptions::down, "compressor of the server's broadcast", "(the --compressor)"),
    option_field("batch", &DistEfOptions::batch, "rows per gradient, drawn with replacement (0 = full local gradient)"),
    option_field("rescale", &DistEfOptions::rescale,
                 "on: errors times eta_{t-1}/eta_t when the step changes (paper); off: the ablation"),
};
const std::vector<OptionField<DistEfOptions>> kMomentumFields = {
    option_field("momentum", &DistEfOptions::momentum, "Nesterov momentum mu on the workers, in [0, 1)", "0.9"),
    option_field("weight_decay", &DistEfOptions::weight_decay,
                 "decoupled weight decay wd outside the compressed path (with its own momentum)"),
};
const std::vector<OptionField<DistEfOptions>> kBlockFields = {
    option_field("block_size", &DistEfOptions::block_size,
                 "blocks of S coordinates for block_sign (0 = the problem's parameter blocks)"),
};

// Which registered name is being built: the momentum and block fields and the defaults differ.
struct Variant {
  bool momentum = false;
  bool block = false;
};

// The decoupled weight decay and the step, applied identically by the server and every worker:
//   w ← μ w + wd·x;  x ← x − η (wd·x + μ w) − η decode(Δ̃).
struct StepRule {
  StepSchedule schedule;
  bool rescale = true;
  double mu = 0, wd = 0;
  // r_t = η_{t−1}/η_t for the errors of iteration t (1 at t = 0 and with rescale=off).
  double ratio(int t) const { return rescale && t > 0 ? schedule.at(t - 1) / schedule.at(t) : 1.0; }
  void apply(const Compressor& codec, const Message& down, int round, Vec& x, Vec& w) const {
    const double eta = schedule.at(round - 1);  // the broadcast of round t moves x^{t−1} to x^t
    if (wd != 0) {
      w = mu * w + wd * x;
      x -= eta * (wd * x + mu * w);
    }
    codec.add_decoded(down, -eta, x);
  }
};

// The workers read the shared replica (one per process): it applies StepRule::apply to x and the
// weight-decay buffer w, which every worker would otherwise hold identically.
class DistEfWorker final : public ReplicaWorker {
 public:
  DistEfWorker(ReplicaPtr replica, CompressorPtr up, const StepRule& rule, int batch)
      : ReplicaWorker(std::move(replica)), up_(std::move(up)), rule_(rule), batch_(batch),
        rows_(static_cast<std::size_t>(batch)), e_(Vec::Zero(x().size())), m_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    Vec& g = rule_.mu != 0 ? g_ : p_;  // without momentum p_i starts as g_i itself
    sample_gradient(env, x(), batch_, rows_, g);
    if (rule_.mu != 0) {
      m_ = rule_.mu * m_ + g_;  // m_i = μ m_i + g_i
      p_ = rule_.mu * m_ + g_;  // Nesterov: p_i = μ m_i + g_i
    }
    const double r = rule_.ratio(env.round);
    if (r != 1.0) e_ *= r;  // errors in gradient units: e_i ← (η_{t−1}/η_t) e_i
    p_ += e_;
    Rng rng = env.compress_rng(*up_);
    up_->compress(p_, rng, up);
    e_ = p_;
    up_->add_decoded(up, -1.0, e_);  // e_i = p_i − decode(Δ_i)
  }
  const Vec* error_memory() const override { return &e_; }

 private:
  CompressorPtr up_;
  StepRule rule_;
  int batch_;
  std::vector<int> rows_;
  Vec p_, g_, e_, m_;
};

// The workers' replica: x and w move by StepRule::apply with the broadcast's codec.
ReplicaPtr step_rule_replica(const Vec& x0, CompressorPtr down, const StepRule& rule) {
  std::shared_ptr<const Compressor> codec = std::move(down);
  return custom_replica(x0, [rule, codec, w = Vec(Vec::Zero(x0.size()))](int t, const Message& m, Vec& x) mutable {
    rule.apply(*codec, m, t, x, w);
  });
}

class DistEfServer final : public ServerLogic {
 public:
  DistEfServer(const Vec& x0, CompressorPtr up, CompressorPtr down, const StepRule& rule, int n)
      : x_(x0), p_(Vec::Zero(x0.size())), e_(Vec::Zero(x0.size())), w_(Vec::Zero(x0.size())), up_(std::move(up)),
        down_(std::move(down)), rule_(rule), n_(n) {}
  void absorb(std::span<const Message> ups, ServerEnv& env) override {
    const double r = rule_.ratio(env.round);
    p_ = e_;  // p̃ = (η_{t−1}/η_t) ẽ + (1/n) Σ_i Δ_i
    if (r != 1.0) p_ *= r;
    for (const Message& m : ups)
      if (m.sent) up_->add_decoded(m, 1.0 / n_, p_);
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    down_->compress(p_, rng, down);
    e_ = p_;
    down_->add_decoded(down, -1.0, e_);  // ẽ = p̃ − decode(Δ̃)
    rule_.apply(*down_, down, env.round, x_, w_);
  }
  const Vec& model() const override { return x_; }
  const Vec* error_memory() const override { return &e_; }

 private:
  Vec x_, p_, e_, w_;
  CompressorPtr up_, down_;
  StepRule rule_;
  int n_;
};

// `spec` with block_size=S added; block_size= only applies to a block_sign without its own blocks.
Spec with_block_size(const Spec& spec, long long size, const Spec& method, const char* which) {
  require_option(spec.name() == "block_sign" && !spec.has("blocks") && !spec.has("block_size"), method, "block_size",
                 size, fmt::format("used with a plain block_sign {}", which),
                 fmt::format("drop block_size= or give the blocks in the compressor spec ({})", spec.str()));
  std::string text = "block_sign[block_size=" + std::to_string(size);
  for (const auto& [k, v] : spec.values()) text += "," + k + "=" + v;
  return Spec::parse(text + "]", which);
}

MethodInstance build(const MethodSetup& s, Variant v) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  MethodInstance inst;
  const auto& c = p.constants();
  DistEfOptions opts = parse_options(s.method, kBaseFields);
  if (v.momentum) {
    opts.momentum = 0.9;
    for (const auto& f : kMomentumFields) f.read(s.method, opts);
  }
  if (v.block)
    for (const auto& f : kBlockFields) f.read(s.method, opts);
  const Spec& m = s.method;
  require_option(opts.batch >= 0, m, "batch", opts.batch, ">= 0 (0 = full gradient)");
  require_option(opts.rescale == "on" || opts.rescale == "off", m, "rescale", opts.rescale, "on or off");
  require_option(opts.momentum >= 0 && opts.momentum < 1, m, "momentum", opts.momentum, "in [0, 1)");
  require_option(opts.weight_decay >= 0, m, "weight_decay", opts.weight_decay, ">= 0");
  require_option(opts.block_size >= 0 && opts.block_size <= d, m, "block_size", opts.block_size,
                 fmt::format("in [0, d = {}] (0 = the problem's blocks)", d));
  Spec up = s.compressor;
  Spec down = !opts.down.empty() ? Spec::parse(opts.down, "--method down=") : s.compressor;
  if (opts.block_size > 0) {
    up = with_block_size(up, opts.block_size, m, "--compressor");
    if (opts.down.empty() || down.name() == "block_sign") down = with_block_size(down, opts.block_size, m, "down=");
  }
  inst.info["constants"] = constants_json(c);
  inst.info["compressor_up"] = up.str();
  inst.info["down"] = down.str();
  inst.info["batch"] = opts.batch;
  inst.info["rescale"] = opts.rescale;
  inst.info["momentum"] = opts.momentum;
  inst.info["weight_decay"] = opts.weight_decay;
  inst.info[kInfoStochastic] = opts.batch > 0;
  // Nesterov momentum multiplies the steady-state step by 1/(1−μ): the heuristic divides it back out.
  inst.stepsize = resolve_stepsize(
      m, (1.0 - opts.momentum) / (2.0 * c.L),
      opts.momentum == 0 ? "1/(2L) heuristic: dist-EF-SGD Thm 1 constants are recalled, low confidence"
                         : "(1-mu)/(2L) heuristic: dist-EF-SGDM Thm 3 constants are recalled, low confidence",
      inst.info);
  StepRule rule{parse_schedule(m, inst.stepsize), opts.rescale == "on", opts.momentum, opts.weight_decay};
  record_schedule(rule.schedule, inst.info);
  const Vec x0 = p.initial_point();
  const CompressorContext server_ctx{0, 1, block_sizes(p)};
  const ReplicaPtr replica = step_rule_replica(x0, make_compressor(down, d, s.value_bits, server_ctx), rule);
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<DistEfWorker>(
        replica, make_compressor(up, d, s.value_bits, worker_context(p, i)), rule, static_cast<int>(opts.batch)));
  inst.server = std::make_unique<DistEfServer>(x0, make_compressor(up, d, s.value_bits, worker_context(p, 0)),
                                               make_compressor(down, d, s.value_bits, server_ctx), rule, n);
  return inst;
}
MethodInstance build_sgd(const MethodSetup& s) { return build(s, {false, false}); }
MethodInstance build_sgdm(const MethodSetup& s) { return build(s, {true, false}); }
MethodInstance build_blocksgd(const MethodSetup& s) { return build(s, {false, true}); }
MethodInstance build_blocksgdm(const MethodSetup& s) { return build(s, {true, true}); }

// The entry shared by the four names: parameters, card and check plan.
MethodEntry make_entry(const std::string& name, Variant v, MethodInstance (*b)(const MethodSetup&)) {
  MethodEntry e;
  e.name = name;
  const std::string base = v.momentum ? "dist-EF-SGDM" : "dist-EF-SGD";
  e.doc = (v.block ? "dist-EF-BlockSGD" + std::string(v.momentum ? "M" : "") : base) +
          ": two-way compression with error feedback on workers and server" +
          (v.momentum ? ", Nesterov momentum on the workers" : "") +
          (v.block ? ", blockwise scaled sign per parameter block" : "");
  e.paper = std::string("Zheng, Huang, Kwok, NeurIPS 2019, Alg. 1") + (v.momentum ? " with Nesterov momentum" : "");
  e.params = option_docs(kBaseFields);
  if (v.momentum) for (const auto& d : option_docs(kMomentumFields)) e.params.push_back(d);
  if (v.block) for (const auto& d : option_docs(kBlockFields)) e.params.push_back(d);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  e.default_compressor = v.block ? "block_sign" : "scaled_sign";
  e.build = b;
  TheoremCard& c = e.card;
  c.paper = "Zheng, Huang, Kwok, NeurIPS 2019 (arXiv 1905.10936)";
  c.theorem = std::string(v.momentum ? "Thm 3 (momentum)" : "Thm 1 (fixed eta), Thm 2 (decreasing eta_t)") +
              " recalled, low confidence on constants; virtual-sequence identity exact (derived, dist_ef_sgd.cpp)";
  c.provenance = Provenance::paper_recalled;
  c.setting = "L-smooth; unbiased stochastic gradients (sigma^2); E||g||^2 <= G^2; C delta-approximate both ways" +
              std::string(v.block ? "; blockwise: delta = min_b ||x_Gb||_1^2/(d_b ||x_Gb||^2) >= 1/max_b d_b" : "");
  c.stepsize_rule = v.momentum ? "eta_t from the schedule (default (1-mu)/(2L), a heuristic), eta_{t-1}/eta_t bounded"
                               : "eta_t from the schedule (default 1/(2L), a heuristic), eta_{t-1}/eta_t bounded";
  c.bound = std::string("E||grad F(x_o)||^2 <= 2(F(x_0)-F*)/(eta T) + L eta sigma^2/M + "
                        "O(eta^2 L^2 (1-delta) G^2/delta^2 (1 + c/delta^2))") +
            (v.momentum ? ", with an extra 1/(1-mu)-type factor (Thm 3)" : "") +
            "; with eta ~ sqrt(M/T): O(1/sqrt(MT)) + O(M/T), the rate of full-precision SGD";
  c.potential = "";
  c.notes = "binding check: the virtual-sequence identity x~^{t+1} = x~^t - eta_t (1/n) sum_i (mu m_i + g_i) "
            "(+ the weight-decay terms) across a step-size drop; power: rescale=off breaks it at the drop";
  // The recalled bound is not checked along runs; the exact virtual-sequence identity is, with a
  // step decay inside the checked rounds (the rescaling is what keeps it exact there).
  e.check.run_checks = false;
  e.check.runs = {{"", ""}, {name + "[schedule=step[at=20,factor=0.5]]", ""}};
  e.check.extra = {"virtual-sequence"};
  return e;
}

}  // namespace

MethodEntry dist_ef_sgd_entry() { return make_entry("dist_ef_sgd", {false, false}, &build_sgd); }
MethodEntry dist_ef_sgdm_entry() { return make_entry("dist_ef_sgdm", {true, false}, &build_sgdm); }
MethodEntry dist_ef_blocksgd_entry() { return make_entry("dist_ef_blocksgd", {false, true}, &build_blocksgd); }
MethodEntry dist_ef_blocksgdm_entry() { return make_entry("dist_ef_blocksgdm", {true, true}, &build_blocksgdm); }

}  // namespace commopt
