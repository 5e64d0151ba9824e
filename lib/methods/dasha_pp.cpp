// dasha_pp, dasha_pp_page, dasha_pp_mvr — DASHA-PP: Tyurin & Richtárik, "A Computation and
// Communication Efficient Method for Distributed Nonconvex Problems in the Partial Participation
// Setting", NeurIPS 2023, Alg. 1 (gradient, PAGE and MVR settings). Spec
// ../shared/methods/dasha-family.md §3.5, followed literally (the recursion: methods/dasha_family.hpp):
//   S^t drawn from Rng(seed, kServer, t, participation): s-nice (p_a = s/n, p_aa = s(s−1)/(n(n−1)))
//   or independent Bernoulli(p) (p_aa = p²); i ∈ S^t: h_i += k_i/p_a, m_i = C_i((k_i − a(g_i − h_i))/p_a),
//   g_i += m_i; server g += (1/n)Σ_{i∈S^t} m_i; a = p_a/(2ω+1).
//   gradient: k_i = ∇f_i(x^{t+1}) − ∇f_i(x^t) − b(h_i − ∇f_i(x^t)), b = p_a/(2−p_a) [CODE].
//     [CERT] γ = 1/(L + sqrt(A)), A = 4(4−3p_a)/(2−p_a)·Q·L̂²/(n p_a²), Q = 2ω(4ω+1) + (2ω+2−p_a)(1−p_aa/p_a);
//     Φ = f − f* + (γ(2ω+1)/p_a)||g−h||² + γ[(1−p_aa/p_a)+2ω]/(n p_a)·(1/n)Σ||g_i−h_i||²
//       + (γ(2−p_a)/p_a)||h−∇f||² + (2γQ/((2−p_a)n p_a))·(1/n)Σ||h_i−∇f_i||²;  E Φ⁺ ≤ Φ − (γ/2)||∇f||².
//   PAGE: shared coin p_page = B/(B+m); c = 1: k_i on full gradients with b/p_page = p_a/(2−p_a);
//     c = 0: k_i = (1/B)Σ_{j∈I_i}(∇f_ij(x^{t+1}) − ∇f_ij(x^t)).  NOT certified (spec §3.5): stepsize=theory
//     is a heuristic (the gradient [CERT] with L̂² → L̂² + (1−p)L_max²/B, plus 2(1−p)L_max²/(p n B p_a)).
//   MVR: k_i = A(x^{t+1}) − A(x^t) − b(h_i − A(x^t)), A = mean of B sampled gradients (same samples),
//     b = p_a·min(1/B', 1/(ω√B')) ≤ p_a/(2−p_a), B_init = ⌊max(B', ω√B')/√p_a⌋ [CODE config].
//     [CERT] Q_b = 2ω(4ω+1) + (2ω + p_a/b)(1−p_aa/p_a), K̃ = Q_b/(n p_a²),
//     Ẽ = [2ω(4ω+1) + 2ω(1−p_aa/p_a)]/(n p_a²) + 1/(b n p_a) + 2bK̃/p_a,
//     A = 4L̂²(1 + 2b(1−p_a)/p_a)K̃ + 4(1−b)²(L_σ²/B)Ẽ;  E Φ⁺ ≤ Φ − (γ/2)||∇f||² + 2γb²Ẽσ²/B.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "methods/participation_spec.hpp"
#include "methods/entries.hpp"
#include "methods/dasha_family.hpp"
#include "methods/dasha_potential.hpp"

namespace commopt {
namespace {

// pp_marina's old `s=K` spelling, accepted here too (participation_spec.hpp).
const ParamDoc kDeprecatedS{"s", "(deprecated)", "old spelling of participation=snice[s=K]"};

Participation parse_participation(const Spec& m, int n) {
  const Spec ps = Spec::parse(participation_text(m, m.name()), "--method participation");
  Participation part;
  part.n = n;
  if (ps.name() == "full") {
    ps.check_keys({});
  } else if (ps.name() == "snice") {
    ps.check_keys({{"s", "", "workers per round"}});
    part.kind = Participation::Kind::snice;
    part.s = static_cast<int>(ps.get_int("s", n));
    if (part.s < 1 || part.s > n)
      throw UsageError(fmt::format("--method: participation=snice[s={}] needs 1 <= s <= n = {}", part.s, n));
  } else if (ps.name() == "independent") {
    ps.check_keys({{"p", "", "participation probability"}});
    part.kind = Participation::Kind::independent;
    part.p = ps.get_double("p", 1.0);
    if (!(part.p > 0 && part.p <= 1))
      throw UsageError(fmt::format("--method: participation=independent[p={}] needs 0 < p <= 1", part.p));
  } else {
    throw UsageError("--method: participation=" + ps.str() + " is not known; use full, snice[s=..] or independent[p=..]");
  }
  return part;
}

struct PP {
  DashaConfig cfg;
  double omega, pa, paa, n;
};

PP common(const MethodSetup& s, MethodInstance& inst, DashaConfig::Oracle oracle) {
  PP r;
  r.omega = dasha_omega(s);
  r.n = s.problem->workers();
  r.cfg.oracle = oracle;
  r.cfg.part = parse_participation(s.method, s.problem->workers());
  r.pa = r.cfg.part.p_a();
  r.paa = r.cfg.part.p_aa();
  r.cfg.a = s.method.get_double("momentum", r.pa / (2 * r.omega + 1));
  if (!(r.cfg.a > 0 && r.cfg.a <= 1)) throw UsageError("--method: momentum must be in (0, 1]");
  r.cfg.value_bits = s.value_bits;
  r.cfg.full_init = dasha_full_init(s, inst.info);
  inst.info["constants"] = constants_json(s.problem->constants());
  inst.info["omega"] = r.omega;
  inst.info["momentum"] = r.cfg.a;
  inst.info["participation"] = participation_text(s.method, s.method.name());
  inst.info["p_a"] = r.pa;
  inst.info["p_aa"] = r.paa;
  return r;
}

// The gradient-setting [CERT] A (without the L̂² factor).
double pp_cert_A_over_L2(double w, double pa, double paa, double n) {
  const double Q = 2 * w * (4 * w + 1) + (2 * w + 2 - pa) * (1 - paa / pa);
  return 4 * (4 - 3 * pa) / (2 - pa) * Q / (n * pa * pa);
}

double pp_paper(const ProblemConstants& c, double w, double pa, double paa, double n) {
  return 1 / (c.L + std::sqrt(48 * w * (2 * w + 1) / (n * pa * pa) + 16 * (1 - paa / pa) / (n * pa * pa)) * c.L_hat);
}

int batch_of(const Spec& m) {
  const long long B = m.get_int("batch", 1);
  if (B < 1) throw UsageError("--method: batch must be >= 1");
  return static_cast<int>(B);
}

MethodInstance build_dasha_pp(const MethodSetup& s) {
  MethodInstance inst;
  PP r = common(s, inst, DashaConfig::Oracle::gradient);
  const auto& c = s.problem->constants();
  r.cfg.beta = r.pa / (2 - r.pa);  // b = p_a/(2 − p_a), hard-coded in the code
  inst.info[kInfoB] = r.cfg.beta;
  // One algorithm, one certified step (issue 15 item 4). At p_a = 1 (participation=full, or s = n)
  // b = p_a/(2−p_a) = 1 gives k_i = ∇f_i(x^{t+1}) − h_i, so h_i^{t+1} = ∇f_i(x^{t+1}), and
  // a = 1/(2ω+1): the recursion is DASHA's (dasha.cpp), iterate for iterate (tests/test_tightness.cpp
  // compares the traces). The PP [CERT] at p_a = p_aa = 1 has Q = 2ω(4ω+1), A = 4Q L̂²/n =
  // 8ω(4ω+1)L̂²/n and Φ = f + γ(2ω+1)||g−h||² + (2γω/n)(1/n)Σ||g_i−h_i||² + (h-terms, all 0 here):
  // twice DASHA's g-coefficients, bought by the factor 4(4−3p_a)/(2−p_a) = 4 that pays for the
  // h-terms, which vanish at p_a = 1. DASHA's [CERT] (half the coefficients) gives A = 2ω(4ω+1)L̂²/n,
  // 4x smaller, and `commopt check` verifies it EXACTLY over all states of its tiny instances (the
  // one-step row of dasha; `check --tightness`: safe multiple 1.2). So at p_a = 1 dasha_pp takes
  // DASHA's step (on mushrooms, n = 5, K = 10: 1.9x the PP formula's); for p_a < 1 the PP [CERT]
  // stands (its h-terms are then needed).
  const bool full = r.pa == 1.0 && r.paa == 1.0;
  const double theory = full ? 1 / (c.L + std::sqrt(2 * r.omega * (4 * r.omega + 1) / r.n) * c.L_hat)
                             : 1 / (c.L + std::sqrt(pp_cert_A_over_L2(r.omega, r.pa, r.paa, r.n)) * c.L_hat);
  r.cfg.step = inst.stepsize = resolve_stepsize(
      s.method, theory,
      full ? "p_a = 1: DASHA's 1/(L + sqrt(2 omega (4 omega + 1)/n) L_hat) [CERT, dasha-family.md 3.1; the same iterates]"
           : "1/(L + sqrt(4(4-3pa)/(2-pa) Q/(n pa^2)) L_hat), Q = 2w(4w+1) + (2w+2-pa)(1-paa/pa) [CERT, dasha-family.md 3.5]",
      inst.info, pp_paper(c, r.omega, r.pa, r.paa, r.n),
      "1/(L + sqrt(48w(2w+1)/(n pa^2) + 16(1-paa/pa)/(n pa^2)) L_hat)");
  build_dasha_family(s, r.cfg, inst);
  return inst;
}

MethodInstance build_dasha_pp_page(const MethodSetup& s) {
  MethodInstance inst;
  PP r = common(s, inst, DashaConfig::Oracle::page);
  const auto& c = s.problem->constants();
  const Objective& P = *s.problem;
  r.cfg.batch = batch_of(s.method);
  double m = 0;
  for (int i = 0; i < P.workers(); ++i) m += P.samples(i) / r.n;
  const double B = r.cfg.batch;
  r.cfg.p_coin = s.method.get_double("prob", B / (B + m));
  if (!(r.cfg.p_coin > 0 && r.cfg.p_coin <= 1)) throw UsageError("--method: prob must be in (0, 1]");
  r.cfg.beta = r.pa / (2 - r.pa);  // b/p_page = p_a/(2 − p_a) [CODE]
  const double p = r.cfg.p_coin, Lm2 = c.L_max_sample_rms * c.L_max_sample_rms;
  inst.info["prob"] = p;
  inst.info[kInfoBatch] = r.cfg.batch;
  inst.info[kInfoB] = p * r.cfg.beta;
  const double A = pp_cert_A_over_L2(r.omega, r.pa, r.paa, r.n) * (c.L_hat * c.L_hat + (1 - p) * Lm2 / B) +
                   2 * (1 - p) * Lm2 / (p * r.n * B * r.pa);
  r.cfg.step = inst.stepsize = resolve_stepsize(
      s.method, 1 / (c.L + std::sqrt(A)),
      "heuristic, NOT certified (dasha-family.md 3.5: PAGE setting not certified): the gradient-setting [CERT] "
      "with L_hat^2 -> L_hat^2 + (1-p)L_max^2/B, plus 2(1-p)L_max^2/(p n B pa)",
      inst.info);
  build_dasha_family(s, r.cfg, inst);
  return inst;
}

MethodInstance build_dasha_pp_mvr(const MethodSetup& s) {
  MethodInstance inst;
  PP r = common(s, inst, DashaConfig::Oracle::mvr);
  const auto& c = s.problem->constants();
  r.cfg.batch = batch_of(s.method);
  const double Bp = s.method.get_double("mega_batch", 100), B = r.cfg.batch, w = r.omega, pa = r.pa, paa = r.paa;
  if (!(Bp >= 1)) throw UsageError("--method: mega_batch must be >= 1");
  const double b = s.method.get_double("b", pa * std::min(1 / Bp, w > 0 ? 1 / (w * std::sqrt(Bp)) : 1.0));
  if (!(b > 0 && b <= pa / (2 - pa) + 1e-15))
    throw UsageError(fmt::format("--method: dasha_pp_mvr needs 0 < b <= p_a/(2 - p_a) = {}; got b = {}", pa / (2 - pa), b));
  r.cfg.beta = b;
  r.cfg.batch_init = static_cast<int>(
      s.method.get_int("batch_init", static_cast<long long>(std::max(1.0, std::floor(std::max(Bp, w * std::sqrt(Bp)) / std::sqrt(pa))))));
  const double Qb = 2 * w * (4 * w + 1) + (2 * w + pa / b) * (1 - paa / pa), K = Qb / (r.n * pa * pa);
  const double E = (2 * w * (4 * w + 1) + 2 * w * (1 - paa / pa)) / (r.n * pa * pa) + 1 / (b * r.n * pa) + 2 * b * K / pa;
  const double Ls2 = c.L_sigma * c.L_sigma;
  const double A = 4 * c.L_hat * c.L_hat * (1 + 2 * b * (1 - pa) / pa) * K + 4 * (1 - b) * (1 - b) * Ls2 / B * E;
  inst.info[kInfoB] = b;
  inst.info[kInfoBatch] = r.cfg.batch;
  inst.info[kInfoBatchInit] = r.cfg.batch_init;
  inst.info["noise_term"] = "+ 4 b^2 E_tilde sigma^2/B [CERT]";
  inst.info[kInfoKTilde] = K;
  inst.info[kInfoETilde] = E;
  r.cfg.step = inst.stepsize = resolve_stepsize(
      s.method, 1 / (c.L + std::sqrt(A)),
      "1/(L + sqrt(4L_hat^2(1 + 2b(1-pa)/pa)K + 4(1-b)^2 (L_s^2/B) E)) [CERT, dasha-family.md 3.5 MVR]", inst.info);
  build_dasha_family(s, r.cfg, inst);
  return inst;
}

}  // namespace

MethodEntry dasha_pp_entry() {
  MethodEntry e;
  e.name = "dasha_pp";
  e.doc = "DASHA-PP (gradient setting) with partial participation; b = p_a/(2-p_a), a = p_a/(2 omega+1)";
  e.paper = "Tyurin & Richtarik, NeurIPS 2023, Alg. 1; step size from the [CERT] of 3.5 (paper rule: stepsize=paper)";
  e.params = {kStepsizePaperParam, kParticipationParam, kDeprecatedS, {"momentum", "p_a/(2 omega+1)", "the momentum a"},
              kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_pp;
  TheoremCard& c = e.card = dasha_family_card(kDashaPpPaper);
  c.theorem = "[CERT] of dasha-family.md 3.5, gradient setting (paper: main theorem, recalled)";
  c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased (omega); participation with p_a, p_aa <= p_a^2 (s-nice or independent)";
  c.stepsize_rule = "a = pa/(2w+1), b = pa/(2-pa), gamma = 1/(L + sqrt(4(4-3pa)/(2-pa) Q/(n pa^2)) L_hat), "
                    "Q = 2w(4w+1) + (2w+2-pa)(1-paa/pa); at p_a = 1 DASHA's [CERT] step (same iterates)  [paper, recalled: sqrt(48w(2w+1)/(n pa^2) + "
                    "16(1-paa/pa)/(n pa^2)) L_hat]";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 with exact init";
  c.potential = "Phi = f - f* + (gamma(2w+1)/pa)||g-h||^2 + gamma[(1-paa/pa)+2w]/(n pa) mean||g_i-h_i||^2 + "
                "(gamma(2-pa)/pa)||h - grad f||^2 + (2 gamma Q/((2-pa) n pa)) mean||h_i - grad f_i||^2";
  c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) {
    return dasha_two_phi0(in, phi0, T, "dasha_pp");
  };
  set_dasha_state_potential(c, DashaPotential::dasha_pp);
  e.check.runs = {{"dasha_pp[participation=snice[s=1]]", "randk[k={k}]"}};
  // The shipped code with the full-state potential, s = 2 of n = 3 workers.
  e.check.one_step =
      OneStepPlan{.method = "dasha_pp[participation=snice[s=2]]", .compressor = "randk[k=1]", .power_factor = 4,
                  .dim = 3, .workers = 3, .rows = 2};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

MethodEntry dasha_pp_page_entry() {
  MethodEntry e;
  e.name = "dasha_pp_page";
  e.doc = "DASHA-PP-PAGE (finite sum) with partial participation; NOT certified";
  e.paper = "Tyurin & Richtarik, NeurIPS 2023, Alg. 1 (PAGE); no certified step size (theory = heuristic)";
  e.params = {kStepsizeParam, kParticipationParam, kDeprecatedS, {"momentum", "p_a/(2 omega+1)", "the momentum a"},
              {"batch", "1", "B, rows per minibatch (with replacement)"}, {"prob", "B/(B+m)", "p_page, shared coin"},
              kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_pp_page;
  TheoremCard& c = e.card = dasha_family_card(kDashaPpPaper);
  c.provenance = Provenance::paper_recalled;
  c.certified = false;
  c.theorem = "Alg. 1, PAGE setting: NOT certified (dasha-family.md 3.5: the shared coin correlates the nodes)";
  c.setting = "nonconvex finite sum; shared coin p_page = B/(B+m); b/p_page = pa/(2-pa) [CODE]";
  c.stepsize_rule = "heuristic, NOT certified: gradient-setting [CERT] with L_hat^2 -> L_hat^2 + (1-p)L_max^2/B, "
                    "plus 2(1-p)L_max^2/(p n B pa)";
  c.bound = "(none certified; the paper's constants are not reproduced in the spec)";
  c.notes = "not certified: dasha-family.md 3.5 says the PAGE setting is not certified. Binding instead: "
            "invariant:g-mean and invariant:replicas on every round, and the exact expectation of a round (expectation "
            "row: over participation, PAGE coin, rows and RandK it is the full-participation DASHA update with "
            "b = p p_a/(2 - p_a))";
  e.check.runs = {{"dasha_pp_page[participation=snice[s=2]]", "randk[k={k}]"}};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

MethodEntry dasha_pp_mvr_entry() {
  static constexpr const char* kName = "dasha_pp_mvr";
  MethodEntry e;
  e.name = kName;
  e.doc = "DASHA-PP-MVR (stochastic) with partial participation";
  e.paper = "Tyurin & Richtarik, NeurIPS 2023, Alg. 1 (MVR); step size from the [CERT] of 3.5";
  e.params = {kStepsizeParam, kParticipationParam, kDeprecatedS, {"momentum", "p_a/(2 omega+1)", "the momentum a"},
              {"b", "p_a min(1/B', 1/(omega sqrt B'))", "MVR momentum, <= p_a/(2-p_a)"}, {"batch", "1", "B"},
              {"mega_batch", "100", "B'"}, {"batch_init", "floor(max(B', omega sqrt B')/sqrt p_a)", "samples of h_i^0"},
              kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_pp_mvr;
  TheoremCard& c = e.card = dasha_family_card(kDashaPpPaper);
  c.theorem = "[CERT] of dasha-family.md 3.5, MVR setting (paper: recalled, constants not reproduced)";
  c.setting = "nonconvex stochastic; sigma^2, L_sigma; C_i unbiased (omega); participation p_a, p_aa <= p_a^2; 0 < b <= pa/(2-pa)";
  c.stepsize_rule = "a = pa/(2w+1), b = pa min(1/B', 1/(w sqrt B')), gamma = 1/(L + sqrt(4L_hat^2(1 + 2b(1-pa)/pa)K + "
                    "4(1-b)^2 (L_s^2/B) E)), K = Q_b/(n pa^2), Q_b = 2w(4w+1) + (2w + pa/b)(1-paa/pa), "
                    "E = [2w(4w+1) + 2w(1-paa/pa)]/(n pa^2) + 1/(b n pa) + 2bK/pa";
  c.bound = "(1/T) sum E||grad f||^2 <= 2 Delta0/(gamma T) + (2/b) sigma^2/(n B_init T) + 4bK sigma^2/(B_init T) + 4 b^2 E sigma^2/B";
  c.potential = "Phi = f - f* + (gamma(2w+1)/pa)||g-h||^2 + gamma[(1-paa/pa)+2w]/(n pa) mean||g_i-h_i||^2 + "
                "(gamma/b)||h - grad f||^2 + 2b gamma K mean||h_i - grad f_i||^2";
  c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) -> std::optional<double> {
    const auto head = dasha_two_phi0(in, phi0, T, kName);
    if (!head || !in.info) return std::nullopt;
    const double n = in.workers, s2 = in.constants->sigma_sq, t = static_cast<double>(T);
    const double b = info_number(in, kInfoB, kName), B = info_number(in, kInfoBatch, kName),
                 Bi = info_number(in, kInfoBatchInit, kName);
    const double K = info_number(in, kInfoKTilde, kName), E = info_number(in, kInfoETilde, kName);
    return *head + 2 / b * s2 / (n * Bi * t) + 4 * b * K * s2 / (Bi * t) + 4 * b * b * E * s2 / B;
  };
  set_dasha_state_potential(c, DashaPotential::dasha_pp_mvr);
  e.check.runs = {{"dasha_pp_mvr[participation=snice[s=2]]", "randk[k={k}]"}};
  // As DASHA-MVR: the sigma^2 allowance makes 4x violations rare, so 6x.
  e.check.one_step =
      OneStepPlan{.method = "dasha_pp_mvr[participation=snice[s=1]]", .compressor = "randk[k=1]", .power_factor = 6,
                  .dim = 3, .workers = 2, .rows = 2};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

}  // namespace commopt
