// The per-row kernels of a logged logistic round (LogisticProblem::loss_grad_count, issue 13): the
// product z = A x with Eigen's bits, accuracy's count, and Σ_j log1p(e_j) with one logarithm per
// block of rows. Each is exact where the trajectory depends on it (the product, the count) and within
// a stated bound where only the logged loss does (the sum).
#pragma once
#include "core/types.hpp"
#include "problems/libsvm.hpp"

namespace commopt {

// Whether every stored value of A is exactly 1.0 (0/1 features: a9a, w8a, mushrooms, …). The products
// below then skip the values: 1.0 × y = y exactly (−0.0, ±inf and NaN included), so the bits are the
// same and a pass reads 4 bytes per entry instead of 12.
bool unit_values(const Csr& A);

// a_p × y, or y itself where every value is 1.0 (kUnit: the same bits, the value not read).
template <bool kUnit>
inline double scaled(const double* val, int p, double y) {
  if constexpr (kUnit) {
    return y;
  } else {
    return val[p] * y;
  }
}

// z = A v for a compressed row-major A, bit for bit Eigen's `z.noalias() = A * v` (each row summed
// from 0.0 in storage order), several rows at a time. `unit`: unit_values(A).
void csr_times(const Csr& A, const Vec& v, Vec& z, bool unit);

// g = Aᵀ z for a compressed row-major A, bit for bit Eigen's `g.noalias() = A.transpose() * z` (g
// zero-filled, then g_c += a_rc z_r row by row, entries in storage order). `unit`: unit_values(A).
void csr_transpose_times(const Csr& A, const Vec& z, Vec& g, bool unit);

// g_c += a_rc z_r row by row, entries in storage order: csr_transpose_times without its zero-fill
// (the touched-columns gradient, which zeroes only the columns A uses). `unit`: unit_values(A).
void csr_transpose_add(const Csr& A, const Vec& z, Vec& g, bool unit);

// The rows with (z_j >= 0 ? 1 : −1) == b_j: accuracy()'s rule (z_j = 0 predicts +1).
long count_correct(const Vec& z, const Vec& b);

// Σ_j log1p(e_j) for e_j >= 0, with one log1p per block of kLog1pBlock entries; NaN if an e_j is NaN,
// +inf if one is. Relative error <= (3·kLog1pBlock/kLog1pLanes + 7 + blocks)·2^-53 = (199 + blocks)·2^-53
// plus the relative error of the e_j themselves (the derivation is at the definition).
inline constexpr int kLog1pLanes = 8;
inline constexpr int kLog1pBlock = 512;  // entries per logarithm: 64 per lane
double log1p_sum(const Vec& e);

}  // namespace commopt
