// ef_sgd, ef_signsgd, topk_sgd — error-feedback SGD: Karimireddy, Rebjock, Stich, Jaggi, "Error
// Feedback Fixes SignSGD and other Gradient Compression Schemes", ICML 2019, Alg. 2 (EF-SGD) and
// Thm II (nonconvex), in the distributed form of spec ef-local-lazy.md §4 / §10.3 (the algorithm
// box is in ef_sgd_family.hpp):
//   p_i = η_t g_i + e_i;   Δ_i = C(p_i);   e_i ← p_i − Δ_i;   x^{t+1} = x^t − (1/n) Σ_i Δ_i.
// ef_signsgd is EF-SGD with the scaled sign C(p) = (||p||_1/d) sign(p), per parameter block of the
// problem (block_sign, the official code compresses per tensor) or over all of x (scaled_sign).
// topk_sgd is TopK-SGD with error compensation (§10.3): the same algorithm with C = Top_k; it is a
// thin entry of the same code (Qsparse-local-SGD with H = 1 and no quantization reduces to it).
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/ef_sgd_family.hpp"
#include "methods/entries.hpp"
#include "methods/step_server.hpp"

namespace commopt {

bool parse_memory(const Spec& method, const std::string& text) {
  require_option(text == "on" || text == "off", method, "memory", text, "on or off", "memory=off is the ablation");
  return text == "on";
}

namespace {

class EfSgdWorker final : public ReplicaWorker {
 public:
  // The broadcast is the dense mean of the Δ_i in η-scaled units: the replica applies
  // x ← x − 1·decode(down).
  EfSgdWorker(ReplicaPtr replica, CompressorPtr up, const EfSgdConfig& cfg)
      : ReplicaWorker(std::move(replica)), up_(std::move(up)),
        memory_(cfg.memory), batch_(cfg.batch), schedule_(cfg.schedule), rows_(static_cast<std::size_t>(cfg.batch)),
        e_(Vec::Zero(x().size())) {}

  void upload(WorkerEnv& env, Message& up) override {
    sample_gradient(env, x(), batch_, rows_, g_);
    p_ = e_ + schedule_.at(env.round) * g_;  // p_i = η_t g_i + e_i
    Rng rng = env.compress_rng(*up_);
    up_->compress(p_, rng, up);               // Δ_i = C(p_i)
    if (memory_) {
      e_ = p_;
      up_->add_decoded(up, -1.0, e_);         // e_i = p_i − decode(Δ_i)
    }
  }
  const Vec* error_memory() const override { return &e_; }

 private:
  CompressorPtr up_;
  bool memory_;
  long long batch_;
  StepSchedule schedule_;
  std::vector<int> rows_;
  Vec g_, p_, e_;
};

}  // namespace

void build_ef_sgd_instance(const MethodSetup& s, const EfSgdConfig& cfg, MethodInstance& inst) {
  const Objective& p = *s.problem;
  const int d = p.dim(), n = p.workers();
  inst.info["memory"] = cfg.memory ? "on" : "off";
  inst.info["batch"] = cfg.batch;
  inst.info[kInfoStochastic] = cfg.batch > 0;
  inst.info["memory_units"] = "eta-scaled (no rescaling when eta_t changes)";
  record_schedule(cfg.schedule, inst.info);
  const Vec x0 = p.initial_point();
  const ReplicaPtr replica = dense_replica(x0, s.value_bits, 1.0);  // one per process
  for (int i = 0; i < n; ++i)
    inst.workers.push_back(std::make_unique<EfSgdWorker>(
        replica, make_compressor(cfg.compressor, d, s.value_bits, worker_context(p, i)), cfg));
  // x^{t+1} = x^t − decode(mean Δ): the StepServer averaging the decoded uploads, step 1.
  const CompressorContext ctx{0, n, block_sizes(p)};
  inst.server = std::make_unique<StepServer>(x0, make_compressor(cfg.compressor, d, s.value_bits, ctx),
                                             make_compressor(cfg.compressor, d, s.value_bits, ctx), s.value_bits, 1.0,
                                             n, StepServer::Mode::replace);
}

namespace {

const std::vector<OptionField<EfSgdOptions>> kEfSgdFields = {
    option_field("memory", &EfSgdOptions::memory, "on: error feedback; off: the ablation (e_i stays 0)"),
    option_field("batch", &EfSgdOptions::batch, "rows per gradient, drawn with replacement (0 = full local gradient)"),
};

// The three entries differ in their default compressor and in which compressors they accept.
enum class Variant { any, sign, topk };

MethodInstance build_variant(const MethodSetup& s, Variant v) {
  const Objective& p = *s.problem;
  const EfSgdOptions o = parse_options(s.method, kEfSgdFields);
  require_option(o.batch >= 0, s.method, "batch", o.batch, ">= 0 (0 = full gradient)");
  const std::string cname = s.compressor.name();
  if (v == Variant::sign && cname != "block_sign" && cname != "scaled_sign")
    throw UsageError(fmt::format("--compressor {}: {} compresses with the scaled sign; use block_sign (per problem "
                                 "block) or scaled_sign (one block), or ef_sgd for other compressors",
                                 s.compressor.str(), s.method.name()));
  if (v == Variant::topk && cname != "topk")
    throw UsageError(fmt::format("--compressor {}: topk_sgd compresses with topk[k=K]; use ef_sgd for other "
                                 "compressors", s.compressor.str()));
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  EfSgdConfig cfg{s.compressor, parse_memory(s.method, o.memory), o.batch, {}};
  inst.stepsize = resolve_stepsize(
      s.method, 1.0 / (2.0 * c.L),
      "1/(2L) heuristic: EF-SGD Thm II's gamma = 1/sqrt(T+1) needs the horizon T (recalled)", inst.info);
  cfg.schedule = parse_schedule(s.method, inst.stepsize);
  build_ef_sgd_instance(s, cfg, inst);
  return inst;
}

MethodInstance build_ef_sgd(const MethodSetup& s) { return build_variant(s, Variant::any); }
MethodInstance build_ef_signsgd(const MethodSetup& s) { return build_variant(s, Variant::sign); }
MethodInstance build_topk_sgd(const MethodSetup& s) { return build_variant(s, Variant::topk); }

// The shared card of Thm II (recalled, spec §4).
void ef_card(TheoremCard& c) {
  c.paper = "Karimireddy, Rebjock, Stich, Jaggi, Error Feedback Fixes SignSGD..., ICML 2019";
  c.theorem = "Thm II (nonconvex, recalled); virtual sequence x~ = x - mean e_i (exact, ef-local-lazy.md 4)";
  c.provenance = Provenance::paper_recalled;
  c.setting = "f L-smooth; E g = grad f, E||g||^2 <= sigma^2 (second moment); C delta-approximate; the paper's "
              "analysis is single-worker, the mean over n workers here is UNSURE to carry the same constants";
  c.stepsize_rule = "gamma = 1/sqrt(T+1) (needs the horizon; commopt's stepsize=theory is the 1/(2L) heuristic)";
  c.bound = "min_{t<=T} E||grad f(x_t)||^2 <= 2(f(x_0)-f*)/(gamma(T+1)) + gamma L sigma^2/2 + "
            "4 gamma^2 L^2 sigma^2 (1-delta)/delta^2; error lemma E||e_t||^2 <= 4(1-delta) gamma^2 sigma^2/delta^2";
  c.potential = "";
  c.notes = "binding check: the exact virtual-sequence identity x~^{t+1} = x~^t - eta_t mean_i g_i (power: memory=off)";
}

MethodEntry base_entry(const char* name) {
  MethodEntry e;
  e.name = name;
  e.params = option_docs(kEfSgdFields);
  e.params.insert(e.params.begin(), kStepsizeParam);
  e.params.insert(e.params.end(), kScheduleParams.begin(), kScheduleParams.end());
  ef_card(e.card);
  // The recalled bound is not checked along runs; the exact identity is, across a step-size drop.
  e.check.run_checks = false;
  e.check.extra = {"ef-virtual-sequence"};
  return e;
}

}  // namespace

MethodEntry ef_sgd_entry() {
  MethodEntry e = base_entry("ef_sgd");
  e.doc = "EF-SGD: error feedback on each worker (p = eta g + e, send C(p), keep e = p - C(p)), any compressor";
  e.paper = "Karimireddy, Rebjock, Stich, Jaggi, ICML 2019, Alg. 2, Thm II";
  e.default_compressor = "scaled_sign";
  e.build = &build_ef_sgd;
  e.check.runs = {{"ef_sgd[schedule=step[at=100:200,factor=0.5]]", "topk[k={k}]"}, {"ef_sgd", "grbs[k={k}]"}};
  return e;
}

MethodEntry ef_signsgd_entry() {
  MethodEntry e = base_entry("ef_signsgd");
  e.doc = "EF-signSGD: EF-SGD with the scaled sign (||p||_1/d_b) sign(p) per problem block (block_sign) or whole "
          "(scaled_sign)";
  e.paper = "Karimireddy, Rebjock, Stich, Jaggi, ICML 2019, Alg. 2 with the scaled sign, Thm II";
  e.default_compressor = "block_sign";
  e.build = &build_ef_signsgd;
  e.card.setting += "; scaled sign: delta(x) = ||x||_1^2/(d||x||^2) >= 1/d (per block: >= 1/max_b d_b)";
  e.card.notes += "; memory=off is the paper's (scaled) signSGD";
  e.check.runs = {{"ef_signsgd[schedule=step[at=150,factor=0.3]]", ""}};
  return e;
}

MethodEntry topk_sgd_entry() {
  MethodEntry e = base_entry("topk_sgd");
  e.doc = "TopK-SGD with error compensation (the baseline of Qsparse/DGC papers): EF-SGD with C = topk";
  e.paper = "ef-local-lazy.md 10.3: MEM-SGD per worker with averaging (Stich et al. 2018; Karimireddy et al. 2019)";
  e.default_compressor = "topk[ratio=0.05]";
  e.build = &build_topk_sgd;
  e.card.theorem = "EF-SGD Thm II with delta = k/d (recalled); virtual sequence (exact)";
  e.card.setting += "; Top_k: delta = k/d";
  e.check.runs = {{"topk_sgd[schedule=step[at=150,factor=0.5]]", "topk[k={k}]"}};
  return e;
}

}  // namespace commopt
