// Full-state potentials (methods/dasha_potential.hpp). All terms at time t, h = (1/n)Σ h_i, g the
// server's estimator (= (1/n)Σ g_i, invariant:g-mean), ∇f_i at the server's x^t; info keys are the
// builders' (omega, prob, b, p_a, p_aa, K_tilde, batch).
//   dasha [CERT §3.1]:     Φ = f − f* + (γ(2ω+1)/2)||g − ∇f||² + (γω/n)(1/n)Σ||g_i − ∇f_i||²
//                          (the server's own potential, recomputed from the state);
//   dasha_page [CERT §3.2]: Φ = f − f* + γ(2ω+1)||g−h||² + (2γω/n)(1/n)Σ||g_i−h_i||² + (γ/p)||h−∇f||²
//                          + (4ω(4ω+1)γ/n)(1/n)Σ||h_i−∇f_i||²;
//   dasha_mvr [CERT §3.3]: as dasha_page with γ/b for γ/p and 4bω(4ω+1)γ/n for the last term;
//                          noise allowance γ[2b + 4b²ω(4ω+1)(1+2b)]σ²/(nB);
//   dasha_pp [CERT §3.5]:  Φ = f − f* + (γ(2ω+1)/p_a)||g−h||² + γ[(1−p_aa/p_a)+2ω]/(n p_a)(1/n)Σ||g_i−h_i||²
//                          + (γ(2−p_a)/p_a)||h−∇f||² + (2γQ/((2−p_a) n p_a))(1/n)Σ||h_i−∇f_i||²,
//                          Q = 2ω(4ω+1) + (2ω+2−p_a)(1−p_aa/p_a); at p_a = p_aa = 1 dasha_pp runs
//                          DASHA's iterates with DASHA's step (dasha_pp.cpp), so DASHA's potential;
//   dasha_pp_mvr [CERT §3.5]: the dasha_pp g-terms, (γ/b)||h−∇f||² + 2bγK̃(1/n)Σ||h_i−∇f_i||²;
//                          noise allowance 2γb²Ẽσ²/B.
// DIANA [DERIVED here; dasha-family.md §3.9 gives no potential]: with α ≤ 1/(1+ω), independent
// C_i ∈ U(ω) and h = (1/n)Σh_i (invariant:h-mean), g = h + (1/n)ΣC_i(∇f_i − h_i) has E g = ∇f and
// E||g − ∇f||² = (ω/n)D, D = (1/n)Σ||h_i − ∇f_i(x)||²; E||h_i⁺ − ∇f_i(x)||² ≤ (1 − 2α + α²(1+ω))D_i
// ≤ (1−α)D_i; Young with s = α/2 and L̂: E D⁺ ≤ (1−α/2)D + (3/α)L̂²γ²(||∇f||² + (ω/n)D). With the
// descent lemma, Ψ(x, h) = f(x) − f* + c D, c = 2Lγ²ω/(nα), satisfies
//   E Ψ⁺ ≤ Ψ − (γ/2)||∇f(x)||²   whenever 2Lγ ≤ 1 and 12ωL̂²γ² ≤ nα²
// (D's coefficient: Lγ²ω/(2n) = cα/4 and (3c/α)L̂²γ²ω/n ≤ cα/4; ∇f's: Lγ/2 + 3cL̂²γ/α ≤ Lγ ≤ 1/2).
// The shipped worker updates h_i at x^t in round t, so the state after round t is (x^t, g^t, h^{t+1})
// and Ψ is evaluated at the point round t+1 starts from, x^{t+1} = x^t − γg^t (state_potential_lead
// = 1). Outside the two conditions the inequality is not claimed (TheoremCard::state_potential_claimed).
#include "methods/dasha_potential.hpp"

#include <cmath>

#include "methods/state_potential.hpp"

namespace commopt {
namespace {

struct Coefs {
  double c1 = 0, c2 = 0, c3 = 0, c4 = 0;  // ||g−h||², mean||g_i−h_i||², ||h−∇f||², mean||h_i−∇f_i||²
};

double phi(const EstimatorTerms& t, const Coefs& c) {
  return t.gap + c.c1 * t.g_h + c.c2 * t.dev_gh + c.c3 * t.h_f + c.c4 * t.dev_hf;
}

// The g-terms of the PP [CERT]s (gradient and MVR).
void pp_g_terms(const StatePotentialInput& in, const char* m, double g, Coefs& c) {
  const double w = state_info(in, "omega", m), pa = state_info(in, "p_a", m), paa = state_info(in, "p_aa", m);
  const double n = in.problem->workers();
  c.c1 = g * (2 * w + 1) / pa;
  c.c2 = g * ((1 - paa / pa) + 2 * w) / (n * pa);
}

std::optional<double> dasha_phi(const StatePotentialInput& in) {
  const double g = in.gamma, w = state_info(in, "omega", "dasha"), n = in.problem->workers();
  const EstimatorTerms t = estimator_terms(in, "g", "h");
  return t.gap + g * (2 * w + 1) / 2 * t.g_f + g * w / n * t.dev_gf;
}

}  // namespace

void set_dasha_state_potential(TheoremCard& card, DashaPotential which) {
  switch (which) {
    case DashaPotential::dasha:
      card.state_potential = dasha_phi;
      return;
    case DashaPotential::dasha_page:
      card.state_potential = [](const StatePotentialInput& in) -> std::optional<double> {
        const char* m = "dasha_page";
        const double g = in.gamma, w = state_info(in, "omega", m), p = state_info(in, "prob", m), n = in.problem->workers();
        const Coefs c{g * (2 * w + 1), 2 * g * w / n, g / p, 4 * w * (4 * w + 1) * g / n};
        return phi(estimator_terms(in, "g", "h"), c);
      };
      return;
    case DashaPotential::dasha_mvr:
      card.state_potential = [](const StatePotentialInput& in) -> std::optional<double> {
        const char* m = "dasha_mvr";
        const double g = in.gamma, w = state_info(in, "omega", m), b = state_info(in, "b", m), n = in.problem->workers();
        const Coefs c{g * (2 * w + 1), 2 * g * w / n, g / b, 4 * b * w * (4 * w + 1) * g / n};
        return phi(estimator_terms(in, "g", "h"), c);
      };
      card.state_potential_noise = [](const StatePotentialInput& in) {
        const char* m = "dasha_mvr";
        const double w = state_info(in, "omega", m), b = state_info(in, "b", m), B = state_info(in, "batch", m);
        return in.gamma * (2 * b + 4 * b * b * w * (4 * w + 1) * (1 + 2 * b)) / (in.problem->workers() * B);
      };
      return;
    case DashaPotential::dasha_pp:
      card.state_potential = [](const StatePotentialInput& in) -> std::optional<double> {
        const char* m = "dasha_pp";
        const double pa = state_info(in, "p_a", m), paa = state_info(in, "p_aa", m);
        if (pa == 1.0 && paa == 1.0) return dasha_phi(in);  // DASHA's iterates and step (dasha_pp.cpp)
        const double g = in.gamma, w = state_info(in, "omega", m), n = in.problem->workers();
        const double Q = 2 * w * (4 * w + 1) + (2 * w + 2 - pa) * (1 - paa / pa);
        Coefs c;
        pp_g_terms(in, m, g, c);
        c.c3 = g * (2 - pa) / pa;
        c.c4 = 2 * g * Q / ((2 - pa) * n * pa);
        return phi(estimator_terms(in, "g", "h"), c);
      };
      return;
    case DashaPotential::dasha_pp_mvr:
      card.state_potential = [](const StatePotentialInput& in) -> std::optional<double> {
        const char* m = "dasha_pp_mvr";
        const double g = in.gamma, b = state_info(in, "b", m), K = state_info(in, "K_tilde", m);
        Coefs c;
        pp_g_terms(in, m, g, c);
        c.c3 = g / b;
        c.c4 = 2 * b * g * K;
        return phi(estimator_terms(in, "g", "h"), c);
      };
      card.state_potential_noise = [](const StatePotentialInput& in) {
        const char* m = "dasha_pp_mvr";
        const double b = state_info(in, "b", m), E = state_info(in, "E_tilde", m), B = state_info(in, "batch", m);
        return 2 * in.gamma * b * b * E / B;
      };
      return;
  }
}

void set_diana_state_potential(TheoremCard& card) {
  card.state_potential_lead = 1;
  card.state_potential_claimed = [](const StatePotentialInput& in) {
    const char* m = "diana";
    const auto& k = in.problem->constants();
    const double g = in.gamma, w = state_info(in, "omega", m), a = state_info(in, "alpha", m), n = in.problem->workers();
    return a <= 1 / (1 + w) && 2 * k.L * g <= 1 && 12 * w * k.L_hat * k.L_hat * g * g <= n * a * a;
  };
  card.state_potential = [](const StatePotentialInput& in) -> std::optional<double> {
    const char* m = "diana";
    const auto& k = in.problem->constants();
    const double g = in.gamma, w = state_info(in, "omega", m), a = state_info(in, "alpha", m), n = in.problem->workers();
    const EstimatorTerms t = estimator_terms(in, nullptr, "h", /*lead=*/true);
    return t.gap + 2 * k.L * g * g * w / (n * a) * t.dev_hf;
  };
}

}  // namespace commopt
