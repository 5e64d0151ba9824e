// Largest eigenvalues of Gram operators by power iteration: the smoothness constants of
// data-driven problems (dasha-family.md §4). Values are upper-bound estimates for step sizes.
#pragma once
#include <cstdint>
#include <functional>

#include "core/types.hpp"
#include "problems/libsvm.hpp"

namespace commopt {

struct PowerIterationOptions {
  double rel_tol = 1e-10;  // stop when the Rayleigh quotient changes by less than this, relatively
  int max_iter = 1000;
  std::uint64_t seed = 0;  // start vector: Gaussian from Rng(seed, -1, 0, Purpose::data)
};

struct PowerIterationResult {
  double value = 0;  // Rayleigh quotient at the last iterate (a lower bound of λ_max)
  int iterations = 0;
  bool converged = false;
};

// λ_max of a symmetric positive semidefinite operator `apply(v, out)` (out = M v) on R^dim.
PowerIterationResult power_iteration(const std::function<void(const Vec&, Vec&)>& apply, Index dim,
                                     const PowerIterationOptions& opts = {});

// Operators below this dimension are iterated on an explicit dense Gram matrix (one pass over the
// data to build it, then p² per iteration) instead of two sparse products per iteration.
constexpr Index kDenseGramMaxDim = 1024;

// Dense A^T A (p×p) for a CSR A, accumulated row by row.
Eigen::MatrixXd dense_gram(const Csr& A);

// Relative margin applied to converged power-iteration values so that they can be used as upper
// bounds: the Rayleigh quotient approaches λ_max from below, and after convergence to 1e-10 the
// remaining gap is far below 1e-6 unless the top two eigenvalues nearly coincide.
constexpr double kPowerIterationMargin = 1e-6;

}  // namespace commopt
