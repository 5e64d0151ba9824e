#include "theory/one_step.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/rng.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

TinyQuadratics make_tiny_quadratics(int d, int n, std::uint64_t seed) {
  TinyQuadratics q;
  q.d = d;
  q.n = n;
  Rng rng(seed, kServer, 0, Purpose::data);
  q.A_mean = Eigen::MatrixXd::Zero(d, d);
  q.b_mean = Vec::Zero(d);
  for (int i = 0; i < n; ++i) {
    Eigen::MatrixXd A = random_indefinite_symmetric(d, rng);
    Vec b(d);
    for (int r = 0; r < d; ++r) b[r] = rng.normal();
    q.A_mean += A / n;
    q.b_mean += b / n;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
    q.L_i.push_back(es.eigenvalues().cwiseAbs().maxCoeff());
    q.A.push_back(A);
    q.b.push_back(b);
  }
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(q.A_mean);
  q.L = es.eigenvalues().cwiseAbs().maxCoeff();
  double s = 0;
  for (double l : q.L_i) s += l * l;
  q.L_hat = std::sqrt(s / n);
  return q;
}

std::vector<std::vector<int>> all_subsets(int d, int k) {
  std::vector<std::vector<int>> out;
  std::vector<bool> mask(static_cast<std::size_t>(d), false);
  std::fill(mask.begin(), mask.begin() + k, true);
  do {
    std::vector<int> s;
    for (int j = 0; j < d; ++j)
      if (mask[static_cast<std::size_t>(j)]) s.push_back(j);
    out.push_back(s);
  } while (std::prev_permutation(mask.begin(), mask.end()));
  return out;
}

EstimatorState random_estimator_state(const TinyQuadratics& q, Rng& rng) {
  EstimatorState s;
  const double sx = std::pow(10.0, 2 * rng.uniform() - 1);
  s.x = Vec(q.d);
  for (int j = 0; j < q.d; ++j) s.x[j] = sx * rng.normal();
  s.g = Vec::Zero(q.d);
  for (int i = 0; i < q.n; ++i) {
    const double se = std::pow(10.0, 4 * rng.uniform() - 3);
    Vec gi = q.grad_i(i, s.x);
    for (int j = 0; j < q.d; ++j) gi[j] += se * rng.normal();
    s.g += gi / q.n;
    s.g_i.push_back(gi);
  }
  return s;
}

OneStepResult one_step_check(const std::string& method, const TinyQuadratics& q, int k, double gamma_factor,
                             int states, std::uint64_t seed) {
  if (method.rfind("dasha_", 0) == 0)
    return one_step_check_dasha(method, q.d, q.n, k, std::max(1, q.n / 2), gamma_factor, states, seed);
  throw std::invalid_argument("no hand-written one-step model for method '" + method +
                              "' (the certificate runs the shipped code: theory/certificate.hpp)");
}

}  // namespace commopt
