// vr_marina, pp_marina, page — the entries, theorem cards and check plans of MARINA's variants; their
// code is marina.cpp's build_marina_variant (the algorithm box and step sizes are at its top).
//   vr_marina: Gorbunov et al., ICML 2021, Alg. 2/3, Thm 3.1 (finite sum = CODE vr_marina) and
//     Thm 3.3 (online, recalled);
//   pp_marina: Gorbunov et al., Alg. 4 with s-nice sampling: step size [DERIVED], dasha-family.md 3.6;
//   page: Li, Bao, Zhang, Richtárik, "PAGE", ICML 2021, Alg. 1, Thm 1 [PAPER-recalled].
#include "methods/entries.hpp"
#include "methods/marina_family.hpp"

namespace commopt {
namespace {
MethodInstance build_vr_marina(const MethodSetup& s) { return build_marina_variant(s, MarinaVariant::vr_marina); }
MethodInstance build_pp_marina(const MethodSetup& s) { return build_marina_variant(s, MarinaVariant::pp_marina); }
MethodInstance build_page(const MethodSetup& s) { return build_marina_variant(s, MarinaVariant::page); }
}  // namespace

MethodEntry vr_marina_entry() {
  MethodEntry e;
  e.name = "vr_marina";
  e.doc = "VR-MARINA: MARINA with minibatch gradient differences (finite sum or online oracle)";
  e.paper = "Gorbunov et al., ICML 2021, Alg. 2/3, Thm 3.1 (finite; online: paper form, unverified)";
  e.params = {kStepsizePaperParam,
              {"oracle", "finite", "finite (B rows without replacement) or online (with replacement); "
                                   "stepsize=paper: finite only"},
              {"batch", "1", "B: rows per compressed difference"},
              {"mega_batch", "100", "B': rows of a full round, oracle=online"},
              {"p", "min(B/(B+m), 1/(1+omega)); online min(1/(1+B'), 1/(1+omega))", "probability of a full round"}};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_vr_marina;
  TheoremCard& c = e.card = marina_family_card(Provenance::paper_recalled);
  c.theorem = "Thm 3.1 (finite sum) = CODE vr_marina; online: Thm 3.3 form, recalled, unverified";
  c.setting = "nonconvex finite sum (B rows without replacement) or online (B, mega-batch B'); C_i unbiased (omega)";
  c.stepsize_rule = "p = min(B/(B+m), 1/(1+omega)), gamma = 1/(L + sqrt((1-p)/(pn)(omega L_hat^2 + (1+omega) L_max^2/B))); "
                    "online: p = min(1/(1+B'), 1/(1+omega)), L_sigma for L_max";
  c.bound = "finite: (1/T) sum E||grad f||^2 <= 2 Phi^0/(gamma T); online adds a sigma^2/(n B') term";
  e.check.runs = {{"vr_marina[batch=4]", "randk[k={k}]"}};
  e.invariants = marina_invariants();
  return e;
}

MethodEntry pp_marina_entry() {
  MethodEntry e;
  e.name = "pp_marina";
  e.doc = "PP-MARINA: full rounds from all n workers, compressed rounds from s-nice samples";
  e.paper = "Gorbunov et al., ICML 2021, Alg. 4; s-nice step size [DERIVED]";
  e.params = {kStepsizeParam, {"participation", "snice[s=ceil(n/2)]", "workers per compressed round: snice[s=K] or full"},
              {"s", "(deprecated)", "old spelling of participation=snice[s=K]"},
              {"p", "s/(n(1+omega))", "probability of a full round"}};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_pp_marina;
  TheoremCard& c = e.card = marina_family_card(Provenance::derived);
  c.theorem = "[DERIVED] s-nice form of dasha-family.md 3.6 (paper Thm 4.1 is for i.i.d. sampling with replacement); "
              "one-step tested";
  c.setting = "nonconvex; C_i unbiased (omega); full rounds from all n (prob p), else s-nice compressed rounds";
  c.stepsize_rule = "p = s/(n(1+omega)), gamma = 1/(L + L_hat sqrt((1-p)/p (omega/s + (n-s)/(s(n-1)))))";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T)";
  e.check.runs = {{"pp_marina[participation=snice[s=2]]", "randk[k={k}]"}};
  // Tight like MARINA's [CERT] (measured): the power check runs at 2x; the model draws s = n/2 of 4.
  e.check.one_step = OneStepPlan{.method = "pp_marina[participation=snice[s=1]]", .compressor = "randk[k=1]", .power_factor = 2};
  e.invariants = marina_invariants();
  return e;
}

MethodEntry page_entry() {
  MethodEntry e;
  e.name = "page";
  e.doc = "PAGE estimator on the mean: full gradients w.p. p, else dense minibatch gradient differences";
  e.paper = "Li, Bao, Zhang, Richtarik, ICML 2021, Alg. 1, Thm 1 [PAPER-recalled]";
  e.params = {kStepsizeParam, {"batch", "1", "b': rows per difference (without replacement)"},
              {"p", "B/(B+m)", "probability of a full round"}};
  e.uses_compressor = false;
  e.default_compressor = "identity";
  e.build = &build_page;
  TheoremCard& c = e.card =
      marina_family_card(Provenance::paper_recalled, "Li, Bao, Zhang, Richtarik, PAGE, ICML 2021");
  c.theorem = "Thm 1 (nonconvex finite sum), recalled; run on the mean of the n workers' estimators";
  c.setting = "nonconvex finite sum, average smoothness L_avg (here the rms per-sample L); b' = B rows, p = B/(B+m)";
  c.stepsize_rule = "gamma = 1/(L_avg (1 + sqrt((1-p)/(p B))))";
  c.bound = "(1/T) sum E||grad f||^2 <= 2 Phi^0/(gamma T)";
  e.check.runs = {{"page[batch=4]", ""}};
  e.invariants = marina_invariants();
  return e;
}

}  // namespace commopt
