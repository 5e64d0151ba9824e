// The DASHA family's theorem cards (lib/methods/dasha_vr.cpp, dasha_pp.cpp; dasha-family.md §3.2–3.5).
// Certified settings carry the spec's [CERT] (one-step tested in theory/one_step_dasha.cpp); the
// bounds read the run's parameters (b, B, B_init, K̃, Ẽ) from CardInputs::info. With init=none
// Φ^0 is not f(x^0) − f_low, so the bounds decline (nullopt) rather than guess.
#include <cmath>

#include "theory/cards.hpp"

namespace commopt {
namespace {

double num(const CardInputs& in, const char* key, double fallback) {
  if (!in.info || !in.info->contains(key) || !(*in.info)[key].is_number()) return fallback;
  return (*in.info)[key].get<double>();
}
bool exact_init(const CardInputs& in) {
  return !in.info || !in.info->contains("init") || (*in.info)["init"] == "full";
}

std::optional<double> two_phi0(const CardInputs& in, double phi0, long long T) {
  if (T <= 0 || in.gamma <= 0 || !exact_init(in)) return std::nullopt;
  return 2.0 * phi0 / (in.gamma * static_cast<double>(T));
}

TheoremCard base(const std::string& method, const std::string& paper) {
  TheoremCard c;
  c.method = method;
  c.paper = paper;
  c.provenance = Provenance::certificate;
  c.potential_monotone_when_deterministic = false;
  return c;
}

const char* kIclr = "Tyurin & Richtarik, DASHA, ICLR 2023";
const char* kPP = "Tyurin & Richtarik, DASHA-PP, NeurIPS 2023";

}  // namespace

void add_dasha_cards(std::vector<TheoremCard>& cards) {
  {
    TheoremCard c = base("dasha_page", kIclr);
    c.theorem = "[CERT] of dasha-family.md 3.2 (shared coin; paper: DASHA-PAGE theorem, recalled)";
    c.setting = "nonconvex finite sum; f_ij L_ij-smooth; C_i unbiased (omega), independent; B rows with replacement";
    c.stepsize_rule = "a = 1/(2w+1), p = B/(B+m), gamma = 1/(L + sqrt((4w(4w+1)/n)[(1+p)L_hat^2 + 3(1-p)L_max^2/B] + "
                      "2(1-p)L_max^2/(pnB))), L_max^2 = max_i mean_j L_ij^2  [paper, recalled: 48w(2w+1)/n (L_hat^2 + "
                      "(1-p)L_max^2/B) + 2(1-p)L_max^2/(pnB), L_max = max_ij L_ij]";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 with exact init";
    c.potential = "Phi = f - f* + gamma(2w+1)||g-h||^2 + (2 gamma w/n) mean||g_i-h_i||^2 + (gamma/p)||h - grad f||^2 + "
                  "(4w(4w+1) gamma/n) mean||h_i - grad f_i||^2 (needs h_i: not logged along runs)";
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = base("dasha_mvr", kIclr);
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
      const auto head = two_phi0(in, phi0, T);
      if (!head || !in.info) return std::nullopt;
      const double w = in.compressor.omega, n = in.workers, s2 = in.constants->sigma_sq;
      const double b = num(in, "b", 1), B = num(in, "batch", 1), Bi = num(in, "batch_init", 1), t = static_cast<double>(T);
      return *head + 2 / b * s2 / (n * Bi * t) + 8 * b * w * (4 * w + 1) / n * s2 / (Bi * t) +
             (4 * b + 8 * b * b * w * (4 * w + 1) * (1 + 2 * b)) * s2 / (n * B);
    };
    cards.push_back(c);
  }
  {
    TheoremCard c = base("dasha_sync_mvr", kIclr);
    c.provenance = Provenance::paper_recalled;
    c.certified = false;
    c.theorem = "Alg. 2; its theorem is not reproduced in dasha-family.md 3.4";
    c.setting = "nonconvex stochastic; shared sync coin p = min(1/B', 1/(w+1)); dense mega-batch syncs";
    c.stepsize_rule = "heuristic, NOT certified: the PAGE [CERT] form with L_max -> L_sigma and p = p_sync";
    c.bound = "(none certified)";
    c.notes = "not certified: dasha-family.md 3.4 gives no theorem; derive one with the 7 template first";
    cards.push_back(c);
  }
  {
    TheoremCard c = base("dasha_pp", kPP);
    c.theorem = "[CERT] of dasha-family.md 3.5, gradient setting (paper: main theorem, recalled)";
    c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased (omega); participation with p_a, p_aa <= p_a^2 (s-nice or independent)";
    c.stepsize_rule = "a = pa/(2w+1), b = pa/(2-pa), gamma = 1/(L + sqrt(4(4-3pa)/(2-pa) Q/(n pa^2)) L_hat), "
                      "Q = 2w(4w+1) + (2w+2-pa)(1-paa/pa)  [paper, recalled: sqrt(48w(2w+1)/(n pa^2) + "
                      "16(1-paa/pa)/(n pa^2)) L_hat]";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 with exact init";
    c.potential = "Phi = f - f* + (gamma(2w+1)/pa)||g-h||^2 + gamma[(1-paa/pa)+2w]/(n pa) mean||g_i-h_i||^2 + "
                  "(gamma(2-pa)/pa)||h - grad f||^2 + (2 gamma Q/((2-pa) n pa)) mean||h_i - grad f_i||^2";
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = base("dasha_pp_page", kPP);
    c.provenance = Provenance::paper_recalled;
    c.certified = false;
    c.theorem = "Alg. 1, PAGE setting: NOT certified (dasha-family.md 3.5: the shared coin correlates the nodes)";
    c.setting = "nonconvex finite sum; shared coin p_page = B/(B+m); b/p_page = pa/(2-pa) [CODE]";
    c.stepsize_rule = "heuristic, NOT certified: gradient-setting [CERT] with L_hat^2 -> L_hat^2 + (1-p)L_max^2/B, "
                      "plus 2(1-p)L_max^2/(p n B pa)";
    c.bound = "(none certified; the paper's constants are not reproduced in the spec)";
    c.notes = "not certified: dasha-family.md 3.5 says the PAGE setting is not certified";
    cards.push_back(c);
  }
  {
    TheoremCard c = base("dasha_pp_mvr", kPP);
    c.theorem = "[CERT] of dasha-family.md 3.5, MVR setting (paper: recalled, constants not reproduced)";
    c.setting = "nonconvex stochastic; sigma^2, L_sigma; C_i unbiased (omega); participation p_a, p_aa <= p_a^2; 0 < b <= pa/(2-pa)";
    c.stepsize_rule = "a = pa/(2w+1), b = pa min(1/B', 1/(w sqrt B')), gamma = 1/(L + sqrt(4L_hat^2(1 + 2b(1-pa)/pa)K + "
                      "4(1-b)^2 (L_s^2/B) E)), K = Q_b/(n pa^2), Q_b = 2w(4w+1) + (2w + pa/b)(1-paa/pa), "
                      "E = [2w(4w+1) + 2w(1-paa/pa)]/(n pa^2) + 1/(b n pa) + 2bK/pa";
    c.bound = "(1/T) sum E||grad f||^2 <= 2 Delta0/(gamma T) + (2/b) sigma^2/(n B_init T) + 4bK sigma^2/(B_init T) + 4 b^2 E sigma^2/B";
    c.potential = "Phi = f - f* + (gamma(2w+1)/pa)||g-h||^2 + gamma[(1-paa/pa)+2w]/(n pa) mean||g_i-h_i||^2 + "
                  "(gamma/b)||h - grad f||^2 + 2b gamma K mean||h_i - grad f_i||^2";
    c.avg_grad_sq_bound = [](const CardInputs& in, double phi0, long long T) -> std::optional<double> {
      const auto head = two_phi0(in, phi0, T);
      if (!head || !in.info || !in.info->contains("E_tilde")) return std::nullopt;
      const double n = in.workers, s2 = in.constants->sigma_sq, t = static_cast<double>(T);
      const double b = num(in, "b", 1), B = num(in, "batch", 1), Bi = num(in, "batch_init", 1);
      const double K = num(in, "K_tilde", 0), E = num(in, "E_tilde", 0);
      return *head + 2 / b * s2 / (n * Bi * t) + 4 * b * K * s2 / (Bi * t) + 4 * b * b * E * s2 / B;
    };
    cards.push_back(c);
  }
}

}  // namespace commopt
