// sgd, qsgd_sgd — distributed minibatch SGD, dense or QSGD-compressed uploads:
//   worker i at x^t: g_i = (1/B) Σ_{j∈S_i} ∇f_ij(x^t) (B rows with replacement; batch=0: ∇f_i(x^t));
//                    upload C(g_i) (sgd: dense at the run's value width; qsgd_sgd: Q_s(g_i));
//   server:          ĝ = (1/n) Σ_i decode(C(g_i)), broadcast densely;  x^{t+1} = x^t − η_t ĝ.
// qsgd_sgd is QSGD (Alistarh, Grubic, Li, Tomioka, Vojnovic, NeurIPS 2017, Alg. 1; spec
// ef-local-lazy.md §10.2): Q_s unbiased with ω = min(d/s², √d/s), so E ĝ = ∇f(x^t).
// sgd's bound (derived here, the Ghadimi–Lan step): with E ĝ = ∇f, E||ĝ − ∇f||² ≤ σ²/(nB) (σ² the
// per-sample variance bound of every worker) and η ≤ 1/L, L-smoothness gives
//   E f(x^{t+1}) ≤ f(x^t) − η(1 − Lη/2)||∇f(x^t)||² + Lη²σ²/(2nB) ≤ f(x^t) − (η/2)||∇f||² + Lη²σ²/(2nB),
// so (1/T) Σ_{t<T} E||∇f(x^t)||² ≤ 2(f(x^0) − f_low)/(ηT) + Lησ²/(nB)  (constant η; batch=0: σ-term 0).
// sgd[batch=0] with a constant step is gd (gd.cpp) bit for bit: the same uploads, sums and steps.
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/ef_sgd_family.hpp"
#include "methods/entries.hpp"

namespace commopt {
namespace {

struct SgdOptions {
  long long batch = 16;
};
const std::vector<OptionField<SgdOptions>> kSgdFields = {
    option_field("batch", &SgdOptions::batch, "rows per gradient, drawn with replacement (0 = full local gradient)"),
};

// The workers read the shared replica (one per process); it applies x^t = x^{t−1} − η_{t−1} ĝ.
class SgdWorker final : public ReplicaWorker {
 public:
  SgdWorker(ReplicaPtr replica, CompressorPtr up, long long batch)
      : ReplicaWorker(std::move(replica)), up_(std::move(up)), batch_(batch), rows_(static_cast<std::size_t>(batch)) {}
  void upload(WorkerEnv& env, Message& up) override {
    sample_gradient(env, x(), batch_, rows_, g_);
    Rng rng = env.compress_rng(*up_);
    up_->compress(g_, rng, up);  // C(g_i)
  }

 private:
  Vec g_;
  CompressorPtr up_;
  long long batch_;
  std::vector<int> rows_;
};

class SgdServer final : public ServerLogic {
 public:
  SgdServer(const Vec& x0, CompressorPtr up, int value_bits, int n, const StepSchedule& schedule)
      : x_(x0), g_(Vec::Zero(x0.size())), up_(std::move(up)), down_(dense_codec(static_cast<int>(x0.size()), value_bits)),
        n_(n), schedule_(schedule) {}
  void absorb(std::span<const Message> ups, ServerEnv&) override {
    g_.setZero();
    for (const Message& m : ups)
      if (m.sent) up_->add_decoded(m, 1.0 / n_, g_);  // ĝ = (1/n) Σ_i decode(C(g_i)), in worker order
  }
  void broadcast(ServerEnv& env, Message& down) override {
    Rng rng = env.rng(Purpose::server);
    down_->compress(g_, rng, down);
    down_->add_decoded(down, -schedule_.at(env.round - 1), x_);
  }
  const Vec& model() const override { return x_; }

 private:
  Vec x_, g_;
  CompressorPtr up_, down_;
  int n_;
  StepSchedule schedule_;
};

MethodInstance build(const MethodSetup& s, bool quantized) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  const SgdOptions o = parse_options(s.method, kSgdFields);
  require_option(o.batch >= 0, s.method, "batch", o.batch, ">= 0 (0 = full gradient)");
  const Spec comp = quantized ? s.compressor : Spec::parse("identity", "--compressor");
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["batch"] = o.batch;
  inst.info[kInfoStochastic] = o.batch > 0;
  inst.stepsize = resolve_stepsize(s.method, 1.0 / c.L, "1/L [the SGD descent step eta <= 1/L]", inst.info);
  const StepSchedule sched = parse_schedule(s.method, inst.stepsize);
  record_schedule(sched, inst.info);
  const Vec x0 = p.initial_point();
  // x^t = x^{t−1} − η_{t−1} ĝ: round t's broadcast moves with the step of iteration t − 1.
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, [sched](int t) { return sched.at(t - 1); });
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(
        std::make_unique<SgdWorker>(replica, make_compressor(comp, d, s.value_bits, worker_context(p, i)), o.batch));
  inst.server = std::make_unique<SgdServer>(x0, make_compressor(comp, d, s.value_bits, {0, n, block_sizes(p)}),
                                            s.value_bits, n, sched);
  return inst;
}

MethodInstance build_sgd(const MethodSetup& s) { return build(s, false); }
MethodInstance build_qsgd_sgd(const MethodSetup& s) { return build(s, true); }

std::vector<ParamDoc> sgd_params() {
  std::vector<ParamDoc> v = option_docs(kSgdFields);
  v.insert(v.begin(), kStepsizeParam);
  v.insert(v.end(), kScheduleParams.begin(), kScheduleParams.end());
  return v;
}

}  // namespace

MethodEntry sgd_entry() {
  MethodEntry e;
  e.name = "sgd";
  e.doc = "distributed minibatch SGD: dense minibatch gradients up, their mean down (batch=0: gd)";
  e.paper = "Ghadimi & Lan 2013 (the eta <= 1/L descent step; bound derived in sgd.cpp)";
  e.params = sgd_params();
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = &build_sgd;
  TheoremCard& c = e.card;
  c.paper = "Ghadimi & Lan, SIAM J. Optim. 2013 (nonconvex SGD); bound derived in lib/methods/sgd.cpp";
  c.theorem = "descent lemma in expectation with E||g_hat - grad f||^2 <= sigma^2/(nB)";
  c.provenance = Provenance::derived;
  c.setting = "f L-smooth; per-sample variance <= sigma^2 on every worker; B rows with replacement; constant eta <= 1/L";
  c.stepsize_rule = "eta = 1/L";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2(f(x^0) - f_low)/(eta T) + L eta sigma^2/(n B)";
  c.potential = "";
  c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) -> std::optional<double> {
    const auto head = two_phi0_over_gamma_t(in, phi0, T);
    if (!head || in.gamma > 1.0 / in.constants->L) return std::nullopt;
    if (info_entry(in, "schedule", "sgd").value("text", "") != "constant") return std::nullopt;
    const double B = info_number(in, "batch", "sgd");
    return *head + (B > 0 ? in.constants->L * in.gamma * in.constants->sigma_sq / (in.workers * B) : 0.0);
  };
  c.notes = "binding: the bound along runs; sgd[batch=0] == gd bit for bit; uploads unbiased";
  e.check.runs = {{"sgd[batch=4]", ""}};
  e.check.extra = {"sgd-gd-consistency", "upload-unbiased"};
  return e;
}

MethodEntry qsgd_sgd_entry() {
  MethodEntry e;
  e.name = "qsgd_sgd";
  e.doc = "QSGD: minibatch SGD with QSGD-quantized uploads (any unbiased compressor), dense mean down";
  e.paper = "Alistarh, Grubic, Li, Tomioka, Vojnovic, NeurIPS 2017, Alg. 1, Thm 3.4";
  e.params = sgd_params();
  e.default_compressor = "qsgd[s=16]";
  e.build = &build_qsgd_sgd;
  TheoremCard& c = e.card;
  c.paper = "Alistarh et al., QSGD, NeurIPS 2017";
  c.theorem = "Thm 3.2 (variance) + SGD (Thm 3.4 nonconvex), recalled";
  c.provenance = Provenance::paper_recalled;
  c.setting = "f L-smooth; Q_s unbiased, E||Q_s(v) - v||^2 <= min(d/s^2, sqrt(d)/s)||v||^2; E||g||^2 <= B^2";
  c.stepsize_rule = "eta = O(1/(L sqrt T)) in the paper; commopt's stepsize=theory is 1/L";
  c.bound = "SGD's rate with the second moment B^2 replaced by (1 + min(d/s^2, sqrt(d)/s)) B^2";
  c.potential = "";
  c.notes = "binding: E[decoded upload] = grad f_i(x) (Monte Carlo over seeds; power: a biased compressor fails)";
  e.check.run_checks = false;
  e.check.extra = {"upload-unbiased"};
  return e;
}

}  // namespace commopt
