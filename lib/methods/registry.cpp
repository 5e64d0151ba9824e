// The method registry: the spec parser, `commopt list methods` and the docs read this one table.
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/builders.hpp"

namespace commopt {

namespace {
const ParamDoc kStepsize{"stepsize", "theory", "theory (the method's rule), theory*C, or a number"};
// DASHA family (dasha_vr.cpp, dasha_pp.cpp).
const ParamDoc kStepsizePaper{"stepsize", "theory",
                              "theory ([CERT] rule), paper (the paper's recalled rule, unverified), theory*C, or a number"};
const ParamDoc kDashaMomentum{"momentum", "1/(2 omega+1)", "the momentum a"};
const ParamDoc kDashaInit{"init", "full", "full: g_i^0 = h_i^0 sent dense; none: g_i^0 = 0, h_i^0 = grad f_i(x^0), nothing sent"};
const ParamDoc kParticipation{"participation", "full",
                              "full | snice[s=..] (s workers without replacement) | independent[p=..]"};
}

const std::vector<MethodEntry>& method_registry() {
  static const std::vector<MethodEntry> entries = {
      {"gd", "distributed gradient descent, dense uplink and downlink",
       "Nesterov 2004, Thm 2.1.14 (gamma = 1/L)", {kStepsize}, false, "identity", &build_gd},
      {"ef21", "EF21 error feedback with a contractive compressor (g_i += C(grad f_i - g_i))",
       "Richtarik, Sokolov, Fatkhullin, NeurIPS 2021, Thm 1",
       {kStepsize, {"init", "full", "full: g_i^0 = grad f_i(x^0) sent dense; compressed: g_i^0 = C(grad f_i(x^0))"}},
       true, "topk[ratio=0.01]", &build_ef21},
      {"dasha", "DASHA (gradient setting): unbiased compression with momentum a = 1/(2 omega + 1)",
       "Tyurin & Richtarik, ICLR 2023, Alg. 1, Thm 6.1; step size from the [CERT] potential",
       {kStepsize,
        {"momentum", "1/(2 omega+1)", "the momentum a"},
        {"init", "full", "full: g_i^0 = h_i^0 = grad f_i(x^0) sent dense; none: g_i^0 = 0"}},
       true, "randk[ratio=0.01]", &build_dasha},
      // DASHA family (dasha_vr.cpp, dasha_pp.cpp; dasha-family.md 3.2-3.5). Papers' plots: DASHA uses
      // "#bits / n" = the max over workers (trace column bits_up_max); DASHA-PP plots communication rounds.
      {"dasha_page", "DASHA-PAGE (finite sum): PAGE estimator with a shared coin, B rows with replacement",
       "Tyurin & Richtarik, ICLR 2023, DASHA-PAGE; step size from the [CERT] of 3.2 (paper rule: stepsize=paper)",
       {kStepsizePaper, kDashaMomentum, {"batch", "1", "B, rows per minibatch (with replacement)"},
        {"prob", "B/(B+m)", "p, probability of the full-gradient coin (shared by all workers)"}, kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_page},
      {"dasha_mvr", "DASHA-MVR (stochastic): momentum variance reduction with B samples, mega-batch init",
       "Tyurin & Richtarik, ICLR 2023, DASHA-MVR; step size from the [CERT] of 3.3 (paper rule: stepsize=paper)",
       {kStepsizePaper, kDashaMomentum, {"b", "min(1/B', 1/(omega sqrt B'))", "MVR momentum b"},
        {"batch", "1", "B, samples per step"}, {"mega_batch", "100", "B', stands for sigma^2/(n eps B)"},
        {"batch_init", "floor(max(B', omega sqrt B'))", "samples of h_i^0"}, kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_mvr},
      {"dasha_sync_mvr", "DASHA-SYNC-MVR: MVR with b = 0 and dense mega-batch sync rounds with probability p",
       "Tyurin & Richtarik, ICLR 2023, Alg. 2; no certified step size (theory = heuristic, NOT certified)",
       {kStepsize, kDashaMomentum, {"prob", "min(1/B', 1/(omega+1))", "p, sync probability (shared coin)"},
        {"batch", "1", "B, samples per step"}, {"mega_batch", "100", "B'"},
        {"batch_init", "max(B', omega)", "samples of the init and of each sync"}, kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_sync_mvr},
      {"dasha_pp", "DASHA-PP (gradient setting) with partial participation; b = p_a/(2-p_a), a = p_a/(2 omega+1)",
       "Tyurin & Richtarik, NeurIPS 2023, Alg. 1; step size from the [CERT] of 3.5 (paper rule: stepsize=paper)",
       {kStepsizePaper, kParticipation, {"momentum", "p_a/(2 omega+1)", "the momentum a"}, kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_pp},
      {"dasha_pp_page", "DASHA-PP-PAGE (finite sum) with partial participation; NOT certified",
       "Tyurin & Richtarik, NeurIPS 2023, Alg. 1 (PAGE); no certified step size (theory = heuristic)",
       {kStepsize, kParticipation, {"momentum", "p_a/(2 omega+1)", "the momentum a"},
        {"batch", "1", "B, rows per minibatch (with replacement)"}, {"prob", "B/(B+m)", "p_page, shared coin"}, kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_pp_page},
      {"dasha_pp_mvr", "DASHA-PP-MVR (stochastic) with partial participation",
       "Tyurin & Richtarik, NeurIPS 2023, Alg. 1 (MVR); step size from the [CERT] of 3.5",
       {kStepsize, kParticipation, {"momentum", "p_a/(2 omega+1)", "the momentum a"},
        {"b", "p_a min(1/B', 1/(omega sqrt B'))", "MVR momentum, <= p_a/(2-p_a)"}, {"batch", "1", "B"},
        {"mega_batch", "100", "B'"}, {"batch_init", "floor(max(B', omega sqrt B')/sqrt p_a)", "samples of h_i^0"},
        kDashaInit},
       true, "randk[ratio=0.01]", &build_dasha_pp_mvr},
      {"lag", "LAG-WK lazily aggregated gradient: a worker skips when its gradient barely changed",
       "Chen, Giannakis, Sun, Yin, NeurIPS 2018, Alg. 1 (LAG-WK), Thm 1",
       {kStepsize, {"D", "10", "number of past moves in the trigger"},
        {"xi", "0.025", "trigger weight xi_d = xi for every d (Thm 1 needs D*xi < 1)"}},
       false, "identity", &build_lag},
      {"local_sgd", "local SGD: H local minibatch steps, then the models are averaged",
       "Basu et al., NeurIPS 2019 (Qsparse-local-SGD with identity compressor), Thm 1 condition",
       {kStepsize, {"H", "5", "local steps per communication"},
        {"batch", "64", "rows per local step, drawn with replacement (0 = full local gradient)"}},
       false, "identity", &build_local_sgd},
      {"dist_ef_sgd", "dist-EF-SGD: two-way compression with error feedback on workers and server",
       "Zheng, Huang, Kwok, NeurIPS 2019, Alg. 1",
       {kStepsize, {"down", "(the --compressor)", "compressor of the server's broadcast"},
        {"batch", "0", "rows per gradient, drawn with replacement (0 = full local gradient)"}},
       true, "scaled_sign", &build_dist_ef_sgd},
      {"marina", "MARINA: shared coin p; full rounds send dense gradients, else compressed gradient differences",
       "Gorbunov et al., ICML 2021, Alg. 1, Thm 2.1; step size from the [CERT] potential (permk: Szlendak et al.)",
       {kStepsizePaper, {"p", "1/(1+omega)", "probability of a full (dense) round"}}, true, "randk[ratio=0.01]",
       &build_marina},
      {"vr_marina", "VR-MARINA: MARINA with minibatch gradient differences (finite sum or online oracle)",
       "Gorbunov et al., ICML 2021, Alg. 2/3, Thm 3.1 (finite; online: paper form, unverified)",
       {kStepsizePaper, {"oracle", "finite", "finite (B rows without replacement) or online (with replacement); "
                                             "stepsize=paper: finite only"},
        {"batch", "1", "B: rows per compressed difference"},
        {"mega_batch", "100", "B': rows of a full round, oracle=online"},
        {"p", "min(B/(B+m), 1/(1+omega)); online min(1/(1+B'), 1/(1+omega))", "probability of a full round"}},
       true, "randk[ratio=0.01]", &build_vr_marina},
      {"pp_marina", "PP-MARINA: full rounds from all n workers, compressed rounds from s-nice samples",
       "Gorbunov et al., ICML 2021, Alg. 4; s-nice step size [DERIVED]",
       {kStepsize, {"s", "ceil(n/2)", "workers per compressed round (s-nice)"},
        {"p", "s/(n(1+omega))", "probability of a full round"}},
       true, "randk[ratio=0.01]", &build_pp_marina},
      {"page", "PAGE estimator on the mean: full gradients w.p. p, else dense minibatch gradient differences",
       "Li, Bao, Zhang, Richtarik, ICML 2021, Alg. 1, Thm 1 [PAPER-recalled]",
       {kStepsize, {"batch", "1", "b': rows per difference (without replacement)"},
        {"p", "B/(B+m)", "probability of a full round"}},
       false, "identity", &build_page},
      {"diana", "DIANA: compressed differences to learned shifts h_i, h_i += alpha C(.)",
       "Mishchenko et al. 2019; nonconvex VR-DIANA step (m = 1) [PAPER-recalled]",
       {kStepsize, {"alpha", "1/(1+omega)", "shift learning rate"}}, true, "randk[ratio=0.01]", &build_diana},
      {"ef21_pp", "EF21-PP: EF21 where s workers (s-nice) update and send each round",
       "Fatkhullin et al., arXiv 2110.03294, EF21-PP; step with alpha_q = (s/n) alpha [DERIVED]",
       {kStepsize, {"s", "ceil(n/2)", "participating workers per round"}}, true, "topk[ratio=0.01]", &build_ef21_pp},
      {"ef21_bc", "EF21-BC: EF21 uplink plus an EF21-compressed broadcast C_M(w - g)",
       "Fatkhullin et al., arXiv 2110.03294, EF21-BC; code step size (no theorem checked)",
       {kStepsize, {"down", "(the --compressor)", "contractive compressor of the broadcast"}}, true,
       "topk[ratio=0.01]", &build_ef21_bc},
      {"frecon", "FRECON: s-nice clients send C(grad difference) and C'(grad - y_i) on the same indices",
       "Zhao, Burlachenko, Li, Richtarik, arXiv 2112.13097 (the DASHA-PP paper's baseline); gamma tuned (heuristic theory)",
       {kStepsize, {"s", "ceil(n/2)", "participating workers per round (s-nice)"}}, true, "randk[ratio=0.01]",
       &build_frecon},
  };
  return entries;
}

const MethodEntry& find_method(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : method_registry()) {
    if (e.name == name) return e;
    names.push_back(e.name);
  }
  throw UsageError("--method: " + unknown_name_message("method", name, names));
}

MethodInstance make_method(const MethodSetup& setup) {
  const MethodEntry& entry = find_method(setup.method.name());
  setup.method.check_keys(entry.params);
  MethodInstance inst = entry.build(setup);
  const int end = setup.worker_end < 0 ? static_cast<int>(inst.workers.size()) : setup.worker_end;
  for (int i = 0; i < static_cast<int>(inst.workers.size()); ++i)
    if (i < setup.worker_begin || i >= end) inst.workers[static_cast<std::size_t>(i)].reset();
  inst.info["method"] = setup.method.str();
  inst.info["paper"] = entry.paper;
  return inst;
}

}  // namespace commopt
