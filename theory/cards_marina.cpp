// The theorem cards of the MARINA family, PAGE, DIANA, FRECON and EF21-PP/BC (lib/methods/marina.cpp,
// diana.cpp, frecon.cpp, ef21_variants.cpp; dasha-family.md §3.6–3.9). MARINA carries the spec's [CERT]
// (one-step tested in theory/one_step_marina.cpp: holds at 1x, fails at 2x); PP-MARINA (s-nice) and
// EF21-PP carry [DERIVED] steps with the same potentials, one-step tested there too; the rest are
// the papers' rules as recalled in the spec and are printed, not binding.
#include "theory/cards.hpp"

namespace commopt {
namespace {

// E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||² summed over t < T.
std::optional<double> two_phi0(const CardInputs& in, double phi0, long long T) {
  if (T <= 0 || in.gamma <= 0) return std::nullopt;
  return 2.0 * phi0 / (in.gamma * static_cast<double>(T));
}

TheoremCard card(const std::string& method, const std::string& paper, Provenance prov) {
  TheoremCard c;
  c.method = method;
  c.paper = paper;
  c.provenance = prov;
  c.potential_monotone_when_deterministic = false;
  return c;
}

const char* kMarina = "Gorbunov, Burlachenko, Li, Richtarik, MARINA, ICML 2021";
const char* kMarinaPhi = "Phi^t = f(x^t) - f_low + gamma/(2p) ||g^t - grad f(x^t)||^2";

}  // namespace

void add_marina_cards(std::vector<TheoremCard>& cards) {
  {
    TheoremCard c = card("marina", kMarina, Provenance::certificate);
    c.theorem = "[CERT] of dasha-family.md 3.6 (tight: fails at 2x); paper Thm 2.1 with L for both L_f and L_hat";
    c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased (omega), independent; shared coin p = 1/(1+omega); "
                "permk: AB inequality A = B = 1 with the Hessian variance L_pm";
    c.stepsize_rule = "gamma = 1/(L + L_hat sqrt((1-p) omega/(p n))); permk: 1/(L + sqrt((1-p)/p) L_pm)";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T), Phi^0 = Delta0 (g^0 = grad f(x^0) sent dense)";
    c.potential = kMarinaPhi;
    c.avg_grad_sq_bound = two_phi0;
    c.notes = "full rounds are sent dense and counted as 32 d bits per worker";
    cards.push_back(c);
  }
  {
    TheoremCard c = card("vr_marina", kMarina, Provenance::paper_recalled);
    c.theorem = "Thm 3.1 (finite sum) = CODE vr_marina; online: Thm 3.3 form, recalled, unverified";
    c.setting = "nonconvex finite sum (B rows without replacement) or online (B, mega-batch B'); C_i unbiased (omega)";
    c.stepsize_rule = "p = min(B/(B+m), 1/(1+omega)), gamma = 1/(L + sqrt((1-p)/(pn)(omega L_hat^2 + (1+omega) L_max^2/B))); "
                      "online: p = min(1/(1+B'), 1/(1+omega)), L_sigma for L_max";
    c.bound = "finite: (1/T) sum E||grad f||^2 <= 2 Phi^0/(gamma T); online adds a sigma^2/(n B') term";
    c.potential = kMarinaPhi;
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = card("pp_marina", kMarina, Provenance::derived);
    c.theorem = "[DERIVED] s-nice form of dasha-family.md 3.6 (paper Thm 4.1 is for i.i.d. sampling with replacement); "
                "one-step tested";
    c.setting = "nonconvex; C_i unbiased (omega); full rounds from all n (prob p), else s-nice compressed rounds";
    c.stepsize_rule = "p = s/(n(1+omega)), gamma = 1/(L + L_hat sqrt((1-p)/p (omega/s + (n-s)/(s(n-1)))))";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T)";
    c.potential = kMarinaPhi;
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = card("page", "Li, Bao, Zhang, Richtarik, PAGE, ICML 2021", Provenance::paper_recalled);
    c.theorem = "Thm 1 (nonconvex finite sum), recalled; run on the mean of the n workers' estimators";
    c.setting = "nonconvex finite sum, average smoothness L_avg (here the rms per-sample L); b' = B rows, p = B/(B+m)";
    c.stepsize_rule = "gamma = 1/(L_avg (1 + sqrt((1-p)/(p B))))";
    c.bound = "(1/T) sum E||grad f||^2 <= 2 Phi^0/(gamma T)";
    c.potential = kMarinaPhi;
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = card("diana", "Mishchenko et al. 2019; Horvath et al. (VR-DIANA nonconvex)", Provenance::paper_recalled);
    c.theorem = "nonconvex VR-DIANA theorem with m = 1 (dasha-family.md 3.9), recalled, unverified";
    c.setting = "nonconvex; C_i unbiased (omega); alpha = 1/(1+omega); h_i^0 = 0";
    c.stepsize_rule = "gamma = 1/(10 L sqrt(1 + omega/n) (m^(2/3) + omega + 1)), m = 1";
    c.bound = "O(Delta0/(gamma T)); constants not reproduced";
    c.potential = "";
    cards.push_back(c);
  }
  {
    TheoremCard c = card("ef21_pp", "Fatkhullin, Sokolov, Gorbunov, Li, Richtarik, EF21 bells & whistles, 2021",
                         Provenance::derived);
    c.theorem = "[DERIVED] dasha-family.md 3.8: EF21 Thm 1 with alpha -> q alpha, q = s/n; one-step tested";
    c.setting = "nonconvex; C contractive (alpha); s-nice participation";
    c.stepsize_rule = "theta_q = 1 - sqrt(1 - q alpha), beta_q = (1 - q alpha)/theta_q, gamma = 1/(L + L_hat sqrt(beta_q/theta_q))";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T) = 2 Delta0/(gamma T) + G^0/(theta_q T)";
    c.potential = "Phi^t = f(x^t) - f_low + gamma/(2 theta_q) (1/n) sum_i ||g_i^t - grad f_i(x^t)||^2";
    c.avg_grad_sq_bound = two_phi0;
    cards.push_back(c);
  }
  {
    TheoremCard c = card("frecon", "Zhao, Burlachenko, Li, Richtarik, FRECON, arXiv 2112.13097", Provenance::paper_recalled);
    c.certified = false;
    c.theorem = "FRECON nonconvex theorem: not reproduced in dasha-family.md 3.9 (the DASHA-PP paper tunes gamma)";
    c.setting = "nonconvex; C_i unbiased (omega); s-nice clients; alpha_u = 1/(1+omega), lambda = s/(2(1+omega)n); g^0 = 0";
    c.stepsize_rule = "heuristic: 1/(L + L_hat sqrt((1-p) omega/(p s))), p = 1/(1+omega)";
    c.bound = "not reproduced";
    c.potential = "";
    cards.push_back(c);
  }
  {
    TheoremCard c = card("ef21_bc", "Fatkhullin, Sokolov, Gorbunov, Li, Richtarik, EF21 bells & whistles, 2021",
                         Provenance::paper_recalled);
    c.certified = false;
    c.theorem = "EF21-BC theorem: not reproduced in dasha-family.md 3.8";
    c.setting = "nonconvex; C_w, C_M contractive; server g += C_M(w - g)";
    c.stepsize_rule = "CODE ef21_bc.py: the EF21 gamma with alpha_w only (no downlink term): not a theorem's rule";
    c.bound = "not reproduced";
    c.potential = "";
    cards.push_back(c);
  }
}

}  // namespace commopt
