// mem_sgd — MEM-SGD, sparsified SGD with memory: Stich, Cordonnier, Jaggi, "Sparsified SGD with
// Memory", NeurIPS 2018, Alg. 1 and Thm 2.4 (spec ef-local-lazy.md §3), distributed over n workers,
// each with its own memory (the paper's parallel experiments; the algorithm box is the one of
// ef_sgd_family.hpp, shared with ef_sgd):
//   v_i = m_i + η_t ∇f_{i,B}(x^t);   send comp_k(v_i);   m_i ← v_i − comp_k(v_i);
//   x^{t+1} = x^t − (1/n) Σ_i comp_k(v_i).
// Step size of Thm 2.4 [PAPER-R]: η_t = 8/(μ(a + t)) with the shift a ≥ (α+1)d/k + ρ, α > 4,
// ρ = 4α/((α−4)(α+1)²); here a = (α+1)/δ + ρ with δ the compressor's contraction (k/d for top-k and
// unscaled rand-k), i.e. schedule=inv[a] with η = 8/(μa). The theorem bounds the weighted average
//   x̄_T = (1/S_T) Σ_{t<T} w_t x_t,  w_t = (a + t)²,  S_T = Σ_{t<T} w_t,
// which the trace does not carry (its model is x_t): theory/ef_checks.cpp's mem-sgd-rate row forms
// x̄_T from the iterates with the recorded a and fits the log-log slope of f(x̄_T) − f*.
#include <cmath>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/card_helpers.hpp"
#include "methods/ef_sgd_family.hpp"
#include "methods/entries.hpp"

namespace commopt {
namespace {

const std::vector<OptionField<MemSgdOptions>> kMemSgdFields = {
    option_field("memory", &MemSgdOptions::memory, "on: MEM-SGD; off: the paper's 'no memory' ablation"),
    option_field("batch", &MemSgdOptions::batch, "rows per stochastic gradient (the paper: 1; 0 = full gradient)"),
    option_field("alpha", &MemSgdOptions::alpha, "Thm 2.4's free constant alpha > 4 in the shift a = (alpha+1)/delta + rho"),
};

MethodInstance build_mem_sgd(const MethodSetup& s) {
  const Objective& p = *s.problem;
  const MemSgdOptions o = parse_options(s.method, kMemSgdFields);
  require_option(o.batch >= 0, s.method, "batch", o.batch, ">= 0 (0 = full gradient)");
  require_option(o.alpha > 4, s.method, "alpha", o.alpha, "> 4 (Thm 2.4)");
  const CompressorConstants cc = make_compressor(s.compressor, p.dim(), s.value_bits, worker_context(p, 0))->constants();
  const bool lossless = cc.kind == CompressorConstants::Kind::unbiased && cc.omega == 0;
  if (cc.kind != CompressorConstants::Kind::contractive && !lossless)
    throw UsageError(fmt::format("--compressor {}: mem_sgd needs a contractive compressor (comp_k: topk[k=K] or the "
                                 "unscaled randk_biased[k=K]); scaled unbiased ones are not covered by Thm 2.4",
                                 s.compressor.str()));
  const double delta = lossless ? 1.0 : cc.alpha;
  const double rho = 4 * o.alpha / ((o.alpha - 4) * (o.alpha + 1) * (o.alpha + 1));
  const double a = (o.alpha + 1) / delta + rho;  // a ≥ (α+1)d/k + ρ
  MethodInstance inst;
  const auto& c = p.constants();
  inst.info["constants"] = constants_json(c);
  inst.info["alpha"] = o.alpha;
  inst.info["delta"] = delta;
  inst.info["shift_a"] = a;
  inst.info["averaging"] = "x_bar_T = sum_t (a+t)^2 x_t / S_T (Thm 2.4), formed from the iterates by theory's "
                           "mem-sgd-rate check; the trace reports x_t";
  // The schedule first (its shift a_s, default the theorem's a), then η = 8/(μ a_s).
  const StepSchedule shape = parse_schedule(s.method, 1.0, fmt::format("inv[a={:.17g}]", a));
  const double a_s = shape.kind == StepSchedule::Kind::inv ? shape.a : a;
  const bool sc = c.mu > 0;
  inst.stepsize = resolve_stepsize(
      s.method, sc ? 8.0 / (c.mu * a_s) : 1.0 / (2.0 * c.L),
      sc ? fmt::format("eta_0 = 8/(mu a), a = {:.6g} [MEM-SGD Thm 2.4, PAPER-recalled]", a_s)
         : std::string("1/(2L) heuristic: Thm 2.4 needs mu > 0 (this problem is not strongly convex)"),
      inst.info);
  StepSchedule sched = shape;
  sched.base = inst.stepsize;
  build_ef_sgd_instance(s, {s.compressor, parse_memory(s.method, o.memory), o.batch, sched}, inst);
  return inst;
}

}  // namespace

MethodEntry mem_sgd_entry() {
  MethodEntry e;
  e.name = "mem_sgd";
  e.doc = "MEM-SGD: top-k/rand-k SGD with memory, eta_t = 8/(mu(a+t)), shift a ~ d/k (schedule=inv[a=1]: no shift)";
  e.paper = "Stich, Cordonnier, Jaggi, NeurIPS 2018, Alg. 1, Thm 2.4";
  e.params = option_docs(kMemSgdFields);
  e.params.insert(e.params.begin(),
                  ParamDoc{"stepsize", "theory", "theory (eta_0 = 8/(mu a), Thm 2.4), theory*C, or a number"});
  e.params.push_back({"schedule", "inv[a=(alpha+1)/delta+rho]",
                      "step-size schedule: inv[a=A] (eta_t = eta A/(A+t)), constant, step[at=..,factor=..]"});
  e.params.push_back(kScheduleParams[1]);
  e.default_compressor = "topk[ratio=0.05]";
  e.build = &build_mem_sgd;
  TheoremCard& c = e.card;
  c.paper = "Stich, Cordonnier, Jaggi, Sparsified SGD with Memory, NeurIPS 2018";
  c.theorem = "Thm 2.4 (strongly convex, recalled); virtual sequence x~ = x - mean m_i (exact, ef-local-lazy.md 3)";
  c.provenance = Provenance::paper_recalled;
  c.setting = "f L-smooth, mu-strongly convex; E||grad f_i(x_t)||^2 <= G^2; comp_k k-contractive "
              "(E||x - comp_k(x)||^2 <= (1 - k/d)||x||^2); single worker in the theorem";
  c.stepsize_rule = "eta_t = 8/(mu(a+t)), a >= (alpha+1)d/k + rho, alpha > 4, rho = 4 alpha/((alpha-4)(alpha+1)^2)";
  c.bound = "E f(x_bar_T) - f* <= 4T(T+2a) G^2/(mu S_T) + mu a^3 ||x_0-x*||^2/(8 S_T) + "
            "64 T (1+2L/mu) (4 alpha/(alpha-4)) (d^2/k^2) G^2/(mu S_T), x_bar_T = sum w_t x_t/S_T, w_t = (a+t)^2, "
            "S_T >= T^3/3: O(G^2/(mu T)) once T >> d/k; memory E||m_t||^2 <= eta_t^2 (4 alpha/(alpha-4)) d^2 G^2/k^2";
  c.potential = "";
  c.notes = "binding check: the exact virtual-sequence identity across the decaying eta_t (power: memory=off); "
            "informational: the log-log slope of f(x_bar_T) - f* (expect about -1 once T >> d/k)";
  e.check.run_checks = false;
  e.check.runs = {{"", ""}, {"", "randk_biased[k={k}]"}};
  e.check.extra = {"ef-virtual-sequence", "mem-sgd-rate"};
  return e;
}

}  // namespace commopt
