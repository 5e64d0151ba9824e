// The cards of the methods in lib/methods/. Formulas cite the spec section they come from
// (../shared/methods/dasha-family.md, ef-local-lazy.md) and the method file's header comment.
#include "theory/cards.hpp"

namespace commopt {

namespace {

// The common nonconvex bound of every potential of the form E Φ^{t+1} ≤ Φ^t − (γ/2)||∇f(x^t)||²:
// summing over t < T gives (1/T) Σ ||∇f(x^t)||² ≤ 2 Φ^0 / (γ T).
std::optional<double> two_phi0_over_gamma_t(const CardInputs& in, double phi0, long long T) {
  if (T <= 0 || in.gamma <= 0) return std::nullopt;
  return 2.0 * phi0 / (in.gamma * static_cast<double>(T));
}

std::vector<TheoremCard> make_cards() {
  std::vector<TheoremCard> cards;
  {
    TheoremCard c;
    c.method = "gd";
    c.paper = "Nesterov, Introductory Lectures on Convex Optimization (2004)";
    c.theorem = "Thm 2.1.14 (descent lemma) and Thm 2.1.15 (strongly convex)";
    c.provenance = Provenance::paper;
    c.setting = "f L-smooth; nonconvex, or mu-strongly convex for the rate";
    c.stepsize_rule = "gamma = 1/L";
    c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Phi^0/(gamma T); strongly convex: f(x^t)-f* <= (1-gamma mu)^t (f(x^0)-f*)";
    c.potential = "Phi^t = f(x^t) - f_low";
    c.avg_grad_sq_bound = two_phi0_over_gamma_t;
    c.linear_rate = [](const CardInputs& in) -> std::optional<double> {
      if (in.constants->mu <= 0 || in.gamma > 1.0 / in.constants->L) return std::nullopt;
      return 1.0 - in.gamma * in.constants->mu;
    };
    cards.push_back(c);
  }
  {
    TheoremCard c;
    c.method = "ef21";
    c.paper = "Richtarik, Sokolov, Fatkhullin, EF21, NeurIPS 2021";
    c.theorem = "Theorem 1 (dasha-family.md 3.8: PAPER, confident; CERT-checked)";
    c.provenance = Provenance::paper;
    c.setting = "nonconvex; f_i L_i-smooth; C contractive with alpha";
    c.stepsize_rule = "theta = 1 - sqrt(1-alpha), beta = (1-alpha)/theta, gamma = 1/(L + L_hat sqrt(beta/theta))";
    c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Delta0/(gamma T) + G^0/(theta T) = 2 Phi^0/(gamma T)";
    c.potential = "Phi^t = f(x^t) - f_low + gamma/(2 theta) (1/n) sum_i ||g_i^t - grad f_i(x^t)||^2";
    c.avg_grad_sq_bound = two_phi0_over_gamma_t;
    cards.push_back(c);
  }
  {
    TheoremCard c;
    c.method = "dasha";
    c.paper = "Tyurin & Richtarik, DASHA, ICLR 2023";
    c.theorem = "[CERT] of dasha-family.md 3.1 (paper: Thm 6.1, recalled)";
    c.provenance = Provenance::certificate;
    c.setting = "nonconvex; f_i L_i-smooth; C_i unbiased with omega, independent across workers";
    c.stepsize_rule = "a = 1/(2 omega + 1), gamma = 1/(L + sqrt(2 omega (4 omega + 1)/n) L_hat)  "
                      "[paper, recalled: 1/(L + sqrt(16 omega (2 omega+1)/n) L_hat)]";
    c.bound = "(1/T) sum_{t<T} E||grad f(x^t)||^2 <= 2 Phi^0/(gamma T)";
    c.potential = "Phi^t = f - f_low + gamma(2 omega+1)/2 ||g^t - grad f||^2 + (gamma omega/n)(1/n) sum_i ||g_i^t - grad f_i||^2";
    c.potential_monotone_when_deterministic = true;
    c.avg_grad_sq_bound = two_phi0_over_gamma_t;
    cards.push_back(c);
  }
  {
    TheoremCard c;
    c.method = "lag";
    c.paper = "Chen, Giannakis, Sun, Yin, LAG, NeurIPS 2018";
    c.theorem = "Thm 1 (recalled); potential derived in lib/methods/lag.cpp";
    c.provenance = Provenance::derived;
    c.setting = "f L-smooth; LAG-WK trigger with xi_d = xi, D*xi < 1";
    c.stepsize_rule = "gamma = (1 - sqrt(D xi))/L (needs gamma <= (1 - D xi)/L for the potential)";
    c.bound = "(1/T) sum_{t<T} ||grad f(x^t)||^2 <= 2 Phi^0/(gamma T); strongly convex (recalled): "
              "f - f* <= (1 - (mu/L)(1 - sqrt(D xi)))^t V^0";
    c.potential = "Phi^t = f(x^t) - f_low + sum_{d=1}^D beta_d ||x^{t+1-d} - x^{t-d}||^2, beta_d = sum_{j>=d} xi_j/(2 gamma)";
    c.avg_grad_sq_bound = two_phi0_over_gamma_t;
    cards.push_back(c);
  }
  {
    TheoremCard c;
    c.method = "local_sgd";
    c.paper = "Basu, Data, Karakus, Diggavi, Qsparse-local-SGD, NeurIPS 2019 (identity compressor)";
    c.theorem = "Thm 1 (recalled: structure reliable, constants to verify)";
    c.provenance = Provenance::paper_recalled;
    c.setting = "nonconvex; L-smooth; E||grad f_i(x; xi)||^2 <= G^2; minibatch variance sigma^2/b";
    c.stepsize_rule = "eta = C/sqrt(T) <= 1/(2L)";
    c.bound = "E||grad f(z_T)||^2 <= [(f(x^0)-f*)/C + C L sum_r sigma_r^2/(b_r R^2)] 4/sqrt(T) + 8(4(1-g^2)/g^2 + 1) C^2 L^2 G^2 H^2 / T";
    c.potential = "";
    c.notes = "not binding: the constants are recalled; needs G and sigma estimates";
    cards.push_back(c);
  }
  {
    TheoremCard c;
    c.method = "dist_ef_sgd";
    c.paper = "Zheng, Huang, Kwok, NeurIPS 2019";
    c.theorem = "Thm 1 (recalled, low confidence on constants); virtual sequence identity (exact, ef-local-lazy.md 6.1)";
    c.provenance = Provenance::paper_recalled;
    c.setting = "L-smooth; unbiased stochastic gradients (sigma^2); E||g||^2 <= G^2; C delta-approximate both ways";
    c.stepsize_rule = "fixed eta (the commopt default 1/(2L) is a heuristic)";
    c.bound = "E||grad F(x_o)||^2 <= 2(F(x_0)-F*)/(eta T) + L eta sigma^2/M + O(eta^2 L^2 (1-delta) G^2/delta^2 (1 + c/delta^2))";
    c.potential = "";
    c.notes = "binding check: the virtual-sequence identity x~^{t+1} = x~^t - eta (1/n) sum_i g_i";
    cards.push_back(c);
  }
  add_dasha_cards(cards);
  add_marina_cards(cards);
  return cards;
}

}  // namespace

const std::vector<TheoremCard>& theorem_cards() {
  static const std::vector<TheoremCard> cards = make_cards();
  return cards;
}

const TheoremCard* find_card(const std::string& method) {
  for (const auto& c : theorem_cards())
    if (c.method == method) return &c;
  return nullptr;
}

}  // namespace commopt
