// Kernels of a logged logistic round (see logistic_kernels.hpp).
#include "problems/logistic_kernels.hpp"

#include <algorithm>
#include <cmath>

namespace commopt {

bool unit_values(const Csr& A) {
  return std::all_of(A.valuePtr(), A.valuePtr() + A.nonZeros(), [](double v) { return v == 1.0; });
}

namespace {

// Eigen's sparse_time_dense_product for a row-major A zero-fills z and adds 1.0 × the row's sum,
// tmp = 0.0, tmp += a_rk v_k over the row's entries in storage order: z_r = 0.0 + ((0.0 + a_r1 v_c1)
// + a_r2 v_c2) + .... The same operations in the same order here, for four rows at a time: a row's
// sum is one chain of dependent additions, and four independent chains keep the adder busy where one
// waits on the latency of the last.
template <bool kUnit>
void csr_times_impl(const Csr& A, const Vec& v, Vec& z) {
  const Index rows = A.rows();
  z.resize(rows);
  const int* outer = A.outerIndexPtr();
  const int* in = A.innerIndexPtr();
  const double* val = A.valuePtr();
  const double* x = v.data();
  Index r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int b0 = outer[r], b1 = outer[r + 1], b2 = outer[r + 2], b3 = outer[r + 3], end = outer[r + 4];
    const int common = std::min(std::min(b1 - b0, b2 - b1), std::min(b3 - b2, end - b3));
    double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
    for (int k = 0; k < common; ++k) {
      t0 += scaled<kUnit>(val, b0 + k, x[in[b0 + k]]);
      t1 += scaled<kUnit>(val, b1 + k, x[in[b1 + k]]);
      t2 += scaled<kUnit>(val, b2 + k, x[in[b2 + k]]);
      t3 += scaled<kUnit>(val, b3 + k, x[in[b3 + k]]);
    }
    for (int p = b0 + common; p < b1; ++p) t0 += scaled<kUnit>(val, p, x[in[p]]);
    for (int p = b1 + common; p < b2; ++p) t1 += scaled<kUnit>(val, p, x[in[p]]);
    for (int p = b2 + common; p < b3; ++p) t2 += scaled<kUnit>(val, p, x[in[p]]);
    for (int p = b3 + common; p < end; ++p) t3 += scaled<kUnit>(val, p, x[in[p]]);
    z[r] = 0.0 + t0;
    z[r + 1] = 0.0 + t1;
    z[r + 2] = 0.0 + t2;
    z[r + 3] = 0.0 + t3;
  }
  for (; r < rows; ++r) {
    double t = 0.0;
    for (int p = outer[r]; p < outer[r + 1]; ++p) t += scaled<kUnit>(val, p, x[in[p]]);
    z[r] = 0.0 + t;
  }
}

// Eigen's product with the transpose of a row-major A (a column-major view): g zero-filled, then
// per row r, y = 1.0 × z_r and g_c += a_rc y over the row's entries in storage order. The same here,
// the zero-fill left to the caller.
template <bool kUnit>
void csr_transpose_add_impl(const Csr& A, const Vec& z, Vec& g) {
  const int* outer = A.outerIndexPtr();
  const int* in = A.innerIndexPtr();
  const double* val = A.valuePtr();
  double* out = g.data();
  for (Index r = 0; r < A.rows(); ++r) {
    const double y = z[r];
    for (int p = outer[r]; p < outer[r + 1]; ++p) out[in[p]] += scaled<kUnit>(val, p, y);
  }
}

}  // namespace

void csr_times(const Csr& A, const Vec& v, Vec& z, bool unit) {
  unit ? csr_times_impl<true>(A, v, z) : csr_times_impl<false>(A, v, z);
}

void csr_transpose_times(const Csr& A, const Vec& z, Vec& g, bool unit) {
  g.setZero(A.cols());
  csr_transpose_add(A, z, g, unit);
}

void csr_transpose_add(const Csr& A, const Vec& z, Vec& g, bool unit) {
  unit ? csr_transpose_add_impl<true>(A, z, g) : csr_transpose_add_impl<false>(A, z, g);
}

// Lanes of exact double counts (integers below 2^53 add exactly): a form the compiler vectorizes.
long count_correct(const Vec& z, const Vec& b) {
  const Index m = z.size();
  double lane[kLog1pLanes] = {};
  Index j = 0;
  for (; j + kLog1pLanes <= m; j += kLog1pLanes)
    for (int l = 0; l < kLog1pLanes; ++l) lane[l] += (z[j + l] >= 0.0 ? 1.0 : -1.0) == b[j + l] ? 1.0 : 0.0;
  long correct = 0;
  for (; j < m; ++j) correct += (z[j] >= 0.0 ? 1.0 : -1.0) == b[j];
  for (const double c : lane) correct += static_cast<long>(c);
  return correct;
}

// Σ_j log1p(e_j) = log1p(q) with 1 + q = Π_j (1 + e_j), by q ← q + e_j (1 + q) from q = 0, on L =
// kLog1pLanes interleaved accumulators (independent chains the compiler vectorizes), merged per block
// by 1 + q = (1 + q_a)(1 + q_b), i.e. q = (q_a + q_b) + q_a q_b, then one log1p per block. No 1 + e_j
// is rounded on its own, so small e_j keep their digits (Σ ≈ Σ e_j where the data is separated).
//
// Error, to first order in u = 2^-53. A step computes X = q + e(1 + q) as two nonnegative terms, the
// second with two roundings, so X̂ = X + θ with |θ| <= 3u X, and 1 + X̂ = (1 + q)(1 + e)(1 + θ/(1 + X)):
// the step adds log1p(e) and an error |θ|/(1 + X) <= 3u X/(1 + X) <= 3u log1p(X) to log(1 + q). In
// the log domain the errors add, each at most 3u × the lane's final log1p(q_l), so a lane of k
// entries errs by <= 3k u log1p(q_l). A merge likewise errs by <= 2u log1p(q_a + q_b + q_a q_b): <= 2u
// of the block's sum per level, 3 levels. log1p itself: <= 2u. With k = kLog1pBlock / L = 64 a block's
// logarithm is within (3·64 + 6 + 2)u = 200u of its Σ log1p(e_j), relative (every term is >= 0), and
// the sum of B block logarithms adds (B − 1)u. An error ε in an e_j moves log1p(e_j) by <= ε log1p(e_j)
// (e/(1 + e) <= log1p(e)). Overflow: a lane's 1 + q <= 2^64 (e_j <= 1), a block's <= 2^512.
double log1p_sum(const Vec& e) {
  constexpr int kPerLane = kLog1pBlock / kLog1pLanes;
  static_assert(kPerLane * kLog1pLanes == kLog1pBlock && kLog1pBlock <= 1000, "a block's 1 + q <= 2^1000");
  const Index m = e.size();
  double q[kLog1pLanes];
  double logs = 0.0;
  for (Index j = 0; j < m;) {
    const Index block_end = std::min<Index>(m, j + kLog1pBlock);
    for (double& ql : q) ql = 0.0;
    for (; j + kLog1pLanes <= block_end; j += kLog1pLanes)
      for (int l = 0; l < kLog1pLanes; ++l) q[l] += e[j + l] * (1.0 + q[l]);
    for (int l = 0; j < block_end; ++j, ++l) q[l] += e[j] * (1.0 + q[l]);  // the last < L entries
    for (int width = kLog1pLanes / 2; width >= 1; width /= 2)
      for (int l = 0; l < width; ++l) q[l] = (q[l] + q[l + width]) + q[l] * q[l + width];
    logs += std::log1p(q[0]);
  }
  return logs;
}

}  // namespace commopt
