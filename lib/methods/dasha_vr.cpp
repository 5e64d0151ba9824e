// dasha_page, dasha_mvr, dasha_sync_mvr — DASHA with variance reduction: Tyurin & Richtárik,
// "DASHA: Distributed Nonconvex Optimization with Communication Compression and Optimal Oracle
// Complexity", ICLR 2023 (DASHA-PAGE: Alg. 1 + Thm 6.4; DASHA-MVR: Thm 6.7; DASHA-SYNC-MVR: Alg. 2;
// theorem numbers recalled). Spec ../shared/methods/dasha-family.md §3.2–3.4; the recursion is in
// methods/dasha_family.hpp.
//   DASHA-PAGE: shared coin c ~ Bernoulli(p), p = B/(B+m);
//     c = 1: h_i^{t+1} = ∇f_i(x^{t+1});  c = 0: h_i^{t+1} = h_i^t + (1/B)Σ_{j∈I_i}(∇f_ij(x^{t+1}) − ∇f_ij(x^t));
//     m_i = C_i(h_i^{t+1} − h_i^t − a(g_i^t − h_i^t)), a = 1/(2ω+1).
//     [CERT] γ = 1/(L + sqrt(A)), A = (4ω(4ω+1)/n)[(1+p)L̂² + 3(1−p)L_max²/B] + 2(1−p)L_max²/(p n B),
//     L_max² = max_i (1/m)Σ_j L_ij²; potential Φ = f − f* + γ(2ω+1)||g−h||² + (2γω/n)(1/n)Σ||g_i−h_i||²
//     + (γ/p)||h−∇f||² + (4ω(4ω+1)γ/n)(1/n)Σ||h_i−∇f_i||²,  E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||².
//   DASHA-MVR: h_i^{t+1} = A(x^{t+1}) + (1−b)(h_i^t − A(x^t)), A = mean of B sampled gradients;
//     b = min(1/B', 1/(ω√B')), B_init = ⌊max(B', ω√B')⌋ [CODE config].
//     [CERT] A = (8ω(4ω+1)/n)(L̂² + (1−b)²L_σ²/B) + 4(1−b)²L_σ²/(bnB) + 16bω(4ω+1)(1−b)²L_σ²/(nB),
//     E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f||² + γ[2b + 4b²ω(4ω+1)(1+2b)]σ²/(nB).
//   DASHA-SYNC-MVR: coin p = min(1/B', 1/(ω+1)); c = 1: dense mega-batch sync; c = 0: MVR with b = 0.
//     No theorem in the spec: stepsize=theory uses the PAGE [CERT] form with L_max → L_σ and
//     p = p_sync, a heuristic labelled NOT certified.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "methods/entries.hpp"
#include "methods/dasha_family.hpp"
#include "methods/dasha_potential.hpp"

namespace commopt {
namespace {

double mean_samples(const Objective& p) {
  double m = 0;
  for (int i = 0; i < p.workers(); ++i) m += p.samples(i);
  return m / p.workers();
}

double positive(const Spec& s, const std::string& key, double fallback, bool unit) {
  const double v = s.get_double(key, fallback);
  if (!(v > 0) || (unit && v > 1))
    throw UsageError(fmt::format("--method: {} {}={} must be in {}", s.name(), key, v, unit ? "(0, 1]" : "(0, inf)"));
  return v;
}

// PAGE-type [CERT] of §3.2 with sample smoothness Lm (L_max or L_σ) and coin probability p.
double page_cert_A(double omega, int n, double L_hat, double Lm, double p, double B) {
  const double Lm2 = Lm * Lm;
  return 4 * omega * (4 * omega + 1) / n * ((1 + p) * L_hat * L_hat + 3 * (1 - p) * Lm2 / B) +
         2 * (1 - p) * Lm2 / (p * n * B);
}

MethodInstance build_dasha_page(const MethodSetup& s) {
  const Objective& P = *s.problem;
  const auto& c = P.constants();
  const int n = P.workers();
  MethodInstance inst;
  const double omega = dasha_omega(s);
  DashaConfig cfg;
  cfg.oracle = DashaConfig::Oracle::page;
  cfg.batch = static_cast<int>(positive(s.method, "batch", 1, false));
  const double m = mean_samples(P), B = cfg.batch;
  cfg.p_coin = positive(s.method, "prob", B / (B + m), true);
  cfg.a = positive(s.method, "momentum", 1 / (2 * omega + 1), true);
  cfg.beta = 1;  // coin 1: h_i = ∇f_i(x^{t+1})
  cfg.value_bits = s.value_bits;
  cfg.full_init = dasha_full_init(s, inst.info);
  const double p = cfg.p_coin;
  const double theory = 1 / (c.L + std::sqrt(page_cert_A(omega, n, c.L_hat, c.L_max_sample_rms, p, B)));
  const double Lp = c.L_max_sample;
  const double paper = 1 / (c.L + std::sqrt(48 * omega * (2 * omega + 1) / n * (c.L_hat * c.L_hat + (1 - p) * Lp * Lp / B) +
                                            2 * (1 - p) * Lp * Lp / (p * n * B)));
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["momentum"] = cfg.a;
  inst.info["prob"] = p;
  inst.info[kInfoBatch] = cfg.batch;
  cfg.step = inst.stepsize = resolve_stepsize(
      s.method, theory,
      "1/(L + sqrt((4w(4w+1)/n)[(1+p)L_hat^2 + 3(1-p)L_max^2/B] + 2(1-p)L_max^2/(pnB))), L_max = rms sample "
      "smoothness [CERT, dasha-family.md 3.2]",
      inst.info, paper, "1/(L + sqrt(48w(2w+1)/n (L_hat^2 + (1-p)L_max^2/B) + 2(1-p)L_max^2/(pnB))), L_max = max_ij L_ij");
  build_dasha_family(s, cfg, inst);
  return inst;
}

MethodInstance build_dasha_mvr(const MethodSetup& s) {
  const Objective& P = *s.problem;
  const auto& c = P.constants();
  const int n = P.workers();
  MethodInstance inst;
  const double omega = dasha_omega(s);
  DashaConfig cfg;
  cfg.oracle = DashaConfig::Oracle::mvr;
  cfg.batch = static_cast<int>(positive(s.method, "batch", 1, false));
  const double Bp = positive(s.method, "mega_batch", 100, false), B = cfg.batch;
  const double b = positive(s.method, "b", std::min(1 / Bp, omega > 0 ? 1 / (omega * std::sqrt(Bp)) : 1.0), true);
  cfg.beta = b;
  cfg.batch_init = static_cast<int>(
      positive(s.method, "batch_init", std::max(1.0, std::floor(std::max(Bp, omega * std::sqrt(Bp)))), false));
  cfg.a = positive(s.method, "momentum", 1 / (2 * omega + 1), true);
  cfg.value_bits = s.value_bits;
  cfg.full_init = dasha_full_init(s, inst.info);
  const double Ls2 = c.L_sigma * c.L_sigma, Lh2 = c.L_hat * c.L_hat, w = omega;
  const double A = 8 * w * (4 * w + 1) / n * (Lh2 + (1 - b) * (1 - b) * Ls2 / B) + 4 * (1 - b) * (1 - b) * Ls2 / (b * n * B) +
                   16 * b * w * (4 * w + 1) * (1 - b) * (1 - b) * Ls2 / (n * B);
  const double paper =
      1 / (c.L + std::sqrt(48 * w * (2 * w + 1) / n * (Lh2 + (1 - b) * (1 - b) * Ls2 / B) + 12 * Ls2 / (b * n * B)));
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["momentum"] = cfg.a;
  inst.info[kInfoB] = b;
  inst.info[kInfoBatch] = cfg.batch;
  inst.info[kInfoBatchInit] = cfg.batch_init;
  inst.info["noise_term"] = "+ [4b + 8b^2 w(4w+1)(1+2b)] sigma^2/(nB) [CERT]";
  cfg.step = inst.stepsize = resolve_stepsize(
      s.method, 1 / (c.L + std::sqrt(A)),
      "1/(L + sqrt((8w(4w+1)/n)(L_hat^2 + (1-b)^2 L_s^2/B) + 4(1-b)^2 L_s^2/(bnB) + 16bw(4w+1)(1-b)^2 L_s^2/(nB))) "
      "[CERT, dasha-family.md 3.3]",
      inst.info, paper, "1/(L + sqrt(48w(2w+1)/n (L_hat^2 + (1-b)^2 L_s^2/B) + 12 L_s^2/(bnB)))");
  build_dasha_family(s, cfg, inst);
  return inst;
}

MethodInstance build_dasha_sync_mvr(const MethodSetup& s) {
  const Objective& P = *s.problem;
  const auto& c = P.constants();
  const int n = P.workers();
  MethodInstance inst;
  const double omega = dasha_omega(s);
  DashaConfig cfg;
  cfg.oracle = DashaConfig::Oracle::sync_mvr;
  cfg.batch = static_cast<int>(positive(s.method, "batch", 1, false));
  const double Bp = positive(s.method, "mega_batch", 100, false), B = cfg.batch;
  cfg.p_coin = positive(s.method, "prob", std::min(1 / Bp, 1 / (omega + 1)), true);
  cfg.batch_init = static_cast<int>(positive(s.method, "batch_init", std::max(Bp, omega), false));
  cfg.beta = 0;
  cfg.a = positive(s.method, "momentum", 1 / (2 * omega + 1), true);
  cfg.value_bits = s.value_bits;
  cfg.full_init = dasha_full_init(s, inst.info);
  inst.info["constants"] = constants_json(c);
  inst.info["omega"] = omega;
  inst.info["momentum"] = cfg.a;
  inst.info["prob"] = cfg.p_coin;
  inst.info[kInfoBatch] = cfg.batch;
  inst.info[kInfoBatchInit] = cfg.batch_init;
  const double theory = 1 / (c.L + std::sqrt(page_cert_A(omega, n, c.L_hat, c.L_sigma, cfg.p_coin, B)));
  cfg.step = inst.stepsize = resolve_stepsize(
      s.method, theory,
      "heuristic, NOT certified: the PAGE [CERT] form of dasha-family.md 3.2 with L_max -> L_sigma, p = p_sync",
      inst.info);
  build_dasha_family(s, cfg, inst);
  return inst;
}

}  // namespace

MethodEntry dasha_page_entry() {
  MethodEntry e;
  e.name = "dasha_page";
  e.doc = "DASHA-PAGE (finite sum): PAGE estimator with a shared coin, B rows with replacement";
  e.paper = "Tyurin & Richtarik, ICLR 2023, DASHA-PAGE; step size from the [CERT] of 3.2 (paper rule: stepsize=paper)";
  e.params = {kStepsizePaperParam, kDashaMomentumParam, {"batch", "1", "B, rows per minibatch (with replacement)"},
              {"prob", "B/(B+m)", "p, probability of the full-gradient coin (shared by all workers)"}, kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_page;
  TheoremCard& c = e.card = dasha_family_card(kDashaPaper);
  c.theorem = "[CERT] of dasha-family.md 3.2 (shared coin; paper: DASHA-PAGE theorem, recalled)";
  c.setting = "nonconvex finite sum; f_ij L_ij-smooth; C_i unbiased (omega), independent; B rows with replacement";
  c.stepsize_rule = "a = 1/(2w+1), p = B/(B+m), gamma = 1/(L + sqrt((4w(4w+1)/n)[(1+p)L_hat^2 + 3(1-p)L_max^2/B] + "
                    "2(1-p)L_max^2/(pnB))), L_max^2 = max_i mean_j L_ij^2  [paper, recalled: 48w(2w+1)/n (L_hat^2 + "
                    "(1-p)L_max^2/B) + 2(1-p)L_max^2/(pnB), L_max = max_ij L_ij]";
  c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 with exact init";
  c.potential = "Phi = f - f* + gamma(2w+1)||g-h||^2 + (2 gamma w/n) mean||g_i-h_i||^2 + (gamma/p)||h - grad f||^2 + "
                "(4w(4w+1) gamma/n) mean||h_i - grad f_i||^2 (from the full state: methods/dasha_potential.cpp)";
  c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) {
    return dasha_two_phi0(in, phi0, T, "dasha_page");
  };
  set_dasha_state_potential(c, DashaPotential::dasha_page);
  e.check.runs = {{"", "randk[k={k}]"}};
  // The shipped code with the full-state potential (card.state_potential); d = 3, n = 2, m = 2 keeps
  // the enumeration small (coin 1: 3^2 RandK masks; coin 0: 2^2 rows x 3^2 masks).
  e.check.one_step = OneStepPlan{.method = "dasha_page", .compressor = "randk[k=1]", .power_factor = 4,
                                 .dim = 3, .workers = 2, .rows = 2};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

MethodEntry dasha_mvr_entry() {
  static constexpr const char* kName = "dasha_mvr";
  MethodEntry e;
  e.name = kName;
  e.doc = "DASHA-MVR (stochastic): momentum variance reduction with B samples, mega-batch init";
  e.paper = "Tyurin & Richtarik, ICLR 2023, DASHA-MVR; step size from the [CERT] of 3.3 (paper rule: stepsize=paper)";
  e.params = {kStepsizePaperParam, kDashaMomentumParam, {"b", "min(1/B', 1/(omega sqrt B'))", "MVR momentum b"},
              {"batch", "1", "B, samples per step"}, {"mega_batch", "100", "B', stands for sigma^2/(n eps B)"},
              {"batch_init", "floor(max(B', omega sqrt B'))", "samples of h_i^0"}, kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_mvr;
  TheoremCard& c = e.card = dasha_family_card(kDashaPaper);
  c.theorem = "[CERT] of dasha-family.md 3.3 (paper: DASHA-MVR theorem, recalled; same shape)";
  c.setting = "nonconvex stochastic; sigma^2, L_sigma (one sample); C_i unbiased (omega); batch B, mega-batch init B_init";
  c.stepsize_rule = "a = 1/(2w+1), b = min(1/B', 1/(w sqrt B')), gamma = 1/(L + sqrt((8w(4w+1)/n)(L_hat^2 + "
                    "(1-b)^2 L_s^2/B) + 4(1-b)^2 L_s^2/(bnB) + 16bw(4w+1)(1-b)^2 L_s^2/(nB)))  [paper, recalled: "
                    "48w(2w+1)/n (L_hat^2 + (1-b)^2 L_s^2/B) + 12 L_s^2/(bnB)]";
  c.bound = "(1/T) sum E||grad f||^2 <= 2 Delta0/(gamma T) + (2/b) sigma^2/(n B_init T) + (8bw(4w+1)/n) sigma^2/(B_init T) "
            "+ [4b + 8b^2 w(4w+1)(1+2b)] sigma^2/(nB)";
  c.potential = "Phi = f - f* + gamma(2w+1)||g-h||^2 + (2 gamma w/n) mean||g_i-h_i||^2 + (gamma/b)||h - grad f||^2 + "
                "(4bw(4w+1) gamma/n) mean||h_i - grad f_i||^2";
  c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) -> std::optional<double> {
    const auto head = dasha_two_phi0(in, phi0, T, kName);
    if (!head || !in.info) return std::nullopt;
    const double w = in.compressor.omega, n = in.workers, s2 = in.constants->sigma_sq;
    const double b = info_number(in, kInfoB, kName), B = info_number(in, kInfoBatch, kName),
                 Bi = info_number(in, kInfoBatchInit, kName), t = static_cast<double>(T);
    return *head + 2 / b * s2 / (n * Bi * t) + 8 * b * w * (4 * w + 1) / n * s2 / (Bi * t) +
           (4 * b + 8 * b * b * w * (4 * w + 1) * (1 + 2 * b)) * s2 / (n * B);
  };
  set_dasha_state_potential(c, DashaPotential::dasha_mvr);
  e.check.runs = {{"", "randk[k={k}]"}};
  e.check.extra = {"mvr-oracle"};  // oracle calls against epsilon vs the theorem's 3/2 (theory/mvr_oracle.hpp)
  // The sigma^2 allowance (card.state_potential_noise) makes 4x violations rare, so the power check runs at 6x.
  e.check.one_step = OneStepPlan{.method = kName, .compressor = "randk[k=1]", .power_factor = 6,
                                 .dim = 3, .workers = 2, .rows = 2};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

MethodEntry dasha_sync_mvr_entry() {
  MethodEntry e;
  e.name = "dasha_sync_mvr";
  e.doc = "DASHA-SYNC-MVR: MVR with b = 0 and dense mega-batch sync rounds with probability p";
  e.paper = "Tyurin & Richtarik, ICLR 2023, Alg. 2; no certified step size (theory = heuristic, NOT certified)";
  e.params = {kStepsizeParam, kDashaMomentumParam, {"prob", "min(1/B', 1/(omega+1))", "p, sync probability (shared coin)"},
              {"batch", "1", "B, samples per step"}, {"mega_batch", "100", "B'"},
              {"batch_init", "max(B', omega)", "samples of the init and of each sync"}, kDashaInitParam};
  e.default_compressor = "randk[ratio=0.01]";
  e.build = &build_dasha_sync_mvr;
  TheoremCard& c = e.card = dasha_family_card(kDashaPaper);
  c.provenance = Provenance::paper_recalled;
  c.certified = false;
  c.theorem = "Alg. 2; its theorem is not reproduced in dasha-family.md 3.4";
  c.setting = "nonconvex stochastic; shared sync coin p = min(1/B', 1/(w+1)); dense mega-batch syncs";
  c.stepsize_rule = "heuristic, NOT certified: the PAGE [CERT] form with L_max -> L_sigma and p = p_sync";
  c.bound = "(none certified)";
  c.notes = "not certified: dasha-family.md 3.4 gives no theorem; derive one with the 7 template first. Binding "
            "instead: invariant:g-mean and invariant:replicas on every round, and the exact expectation of a round "
            "(expectation row: with probability p the mega-batch reset, else MVR with b = 0)";
  e.check.runs = {{"", "randk[k={k}]"}};
  e.invariants = {estimator_mean_invariant(), model_replicas_invariant()};
  return e;
}

}  // namespace commopt
