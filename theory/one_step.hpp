// The hand-written one-step models of the DASHA family (dasha_page, dasha_mvr, dasha_pp, dasha_pp_mvr).
// `commopt check` no longer uses them: those cards give their [CERT] potentials from the full state
// (TheoremCard::state_potential) and the certificate runs the shipped code (theory/certificate.hpp).
// They stay as an independent oracle for the tests (tests/test_one_step.cpp) and for a plan that sets
// model_only. The exact one-step potential test (§7): on tiny nonconvex quadratics (d ≈ 6, n ≈ 4, symmetric indefinite A_i) and many random states,
// E[Φ^{t+1} | state] is computed exactly — every RandK subset of every worker is enumerated and
// independence across workers gives E||mean||² = ||E mean||² + Σ_i Var_i / n² — and the test asserts
//   E Φ^{t+1} − Φ^t + (γ/2)||∇f(x^t)||² ≤ tolerance.
// The power check runs the same test at a multiple of the step size and must find a violation.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/rng.hpp"
#include "core/types.hpp"

namespace commopt {

// f_i(x) = ½ xᵀA_i x − b_iᵀx with symmetric indefinite A_i (nonconvex f_i and f).
struct TinyQuadratics {
  int d = 6, n = 4;
  std::vector<Eigen::MatrixXd> A;
  std::vector<Vec> b;
  Eigen::MatrixXd A_mean;
  Vec b_mean;
  std::vector<double> L_i;  // ||A_i||_2
  double L = 0, L_hat = 0;  // ||Ā||_2, sqrt(mean L_i²)
  Vec grad_i(int i, const Vec& x) const { return A[static_cast<std::size_t>(i)] * x - b[static_cast<std::size_t>(i)]; }
  Vec grad(const Vec& x) const { return A_mean * x - b_mean; }
  double f(const Vec& x) const { return 0.5 * x.dot(A_mean * x) - b_mean.dot(x); }
};
TinyQuadratics make_tiny_quadratics(int d, int n, std::uint64_t seed);

struct OneStepResult {
  std::string method;
  double gamma = 0;          // the step size tested
  double gamma_factor = 1;   // multiple of the theory step size
  int states = 0;
  double worst_slack = 0;    // max over states of (E Φ^{t+1} − Φ^t + (γ/2)||∇f||²) / scale(state)
  int violations = 0;        // states with slack above the tolerance
};

// Enumeration helpers shared by the one-step models: every k-subset of {0..d-1} (the RandK
// outcomes, and the s-nice participation sets).
std::vector<std::vector<int>> all_subsets(int d, int k);

// A random estimator state: x at a log-uniform scale, g_i = ∇f_i(x) + noise at a log-uniform
// scale (EF21/DASHA/MARINA allow arbitrary g_i), and g = mean g_i.
struct EstimatorState {
  Vec x, g;
  std::vector<Vec> g_i;
};
EstimatorState random_estimator_state(const TinyQuadratics& q, Rng& rng);

// The DASHA family's hand-written models (below) by name, with s = n/2; std::invalid_argument for
// any other method: gd, ef21, dasha, marina, pp_marina and ef21_pp are certified on their shipped
// code (theory/certificate.hpp), whose potentials are complete.
OneStepResult one_step_check(const std::string& method, const TinyQuadratics& q, int k, double gamma_factor,
                             int states, std::uint64_t seed);

// The DASHA family's models (theory/one_step_dasha.cpp): "dasha_page", "dasha_mvr", "dasha_pp",
// "dasha_pp_mvr" on tiny finite sums (d, n, m = 3 rows per worker, B = 1) with RandK k and, for
// the PP variants, s-nice participation (1 <= s <= n). one_step_check dispatches them with s = n/2.
OneStepResult one_step_check_dasha(const std::string& method, int d, int n, int k, int s, double gamma_factor,
                                   int states, std::uint64_t seed);

}  // namespace commopt
