// Power iteration for λ_max of PSD operators, and dense Gram matrices of CSR data.
#include "problems/spectral.hpp"

#include <cmath>

#include "core/rng.hpp"

namespace commopt {

PowerIterationResult power_iteration(const std::function<void(const Vec&, Vec&)>& apply, Index dim,
                                     const PowerIterationOptions& opts) {
  PowerIterationResult res;
  if (dim <= 0) return res;
  Rng rng(opts.seed, -1, 0, Purpose::data);
  Vec v(dim), w(dim);
  for (Index k = 0; k < dim; ++k) v[k] = rng.normal();
  v.normalize();
  double prev = 0;
  for (int it = 1; it <= opts.max_iter; ++it) {
    apply(v, w);
    const double rq = v.dot(w);  // Rayleigh quotient, |v| = 1
    const double norm = w.norm();
    res.iterations = it;
    res.value = rq;
    if (norm == 0 || !std::isfinite(norm)) {  // v in the kernel (M = 0) or overflow
      res.converged = norm == 0;
      break;
    }
    if (it > 1 && std::abs(rq - prev) <= opts.rel_tol * std::abs(rq)) {
      res.converged = true;
      break;
    }
    prev = rq;
    v = w / norm;
  }
  return res;
}

Eigen::MatrixXd dense_gram(const Csr& A) {
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(A.cols(), A.cols());
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  const double* val = A.valuePtr();
  for (Index r = 0; r < A.rows(); ++r) {
    for (int p = outer[r]; p < outer[r + 1]; ++p) {
      const double vp = val[p];
      double* col = G.col(inner[p]).data();  // symmetric: fill column inner[p]
      for (int q = outer[r]; q < outer[r + 1]; ++q) col[inner[q]] += vp * val[q];
    }
  }
  return G;
}

}  // namespace commopt
