// Logistic regression objectives (see logistic.hpp). The hot paths (loss, loss_grad,
// minibatch_grad) allocate nothing once `out` has the right size: z = A_i x goes into the
// worker's own scratch vector, is turned into the loss weights in place, and g = A_i^T s + reg'(x).
#include "problems/logistic.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "problems/constants_cache.hpp"
#include "problems/logistic_kernels.hpp"

namespace commopt {

namespace {

// For t = -b a^T x: e = exp(-|t|) is the one exponential per sample;
// softplus(t) = log(1 + e^t) = max(t, 0) + log1p(e) and σ(t) = 1/(1+e) (t ≥ 0) or e/(1+e) (t < 0).
struct SampleTerms {
  double loss;
  double sigma;
};
inline SampleTerms sample_terms(double t) {
  const double e = std::exp(-std::abs(t));
  const double inv = 1.0 / (1.0 + e);
  return {std::max(t, 0.0) + std::log1p(e), t >= 0 ? inv : e * inv};
}

// The loss of one sample, and ψ with d/dz loss = −b ψ, from SampleTerms at t = −b z (s = σ(−b z)):
// logistic/softmax: softplus(t), ψ = s;  sigmoid_lsq: s², ψ = 2 s² (1 − s).
inline double sample_loss(LossKind k, const SampleTerms& st) {
  return k == LossKind::sigmoid_lsq ? st.sigma * st.sigma : st.loss;
}
inline double sample_psi(LossKind k, double s) { return k == LossKind::sigmoid_lsq ? 2 * s * s * (1 - s) : s; }

// The touched-columns gradient pays where the data is wide and a worker's rows use few of its
// columns: then the O(d) zero-fill and the read-modify-write regulariser pass cost more than saving
// and restoring the touched sums. Measured (bench_gradient touched_columns, news20 as binary,
// d = 62061, touched/dense time): 0.93 at 41% touched, 1.14 at 24%, 1.06 at 13%, 0.88 at 5.4%,
// 0.84 at 1.5%; a9a (d = 123) regressed by 1.06x at n = 1000. So: d >= 4096 and at most d/16 touched.
constexpr int kTouchedMinDim = 4096;
constexpr int kTouchedMaxFractionInverse = 16;  // at most d/16 touched columns
bool touched_columns_pay(std::size_t touched, int dim) {
  return dim >= kTouchedMinDim && touched * kTouchedMaxFractionInverse <= static_cast<std::size_t>(dim);
}

std::vector<int> distinct_columns(const Csr& A) {
  std::vector<int> cols(A.innerIndexPtr(), A.innerIndexPtr() + A.nonZeros());
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
  return cols;
}

}  // namespace

LogisticProblem::LogisticProblem(std::shared_ptr<const LibsvmData> data, int workers, const LogisticOptions& opts,
                                 std::string name)
    : name_(std::move(name)), opts_(opts), checksum_(data->info.content_key()) {
  if (!data->info.binary)
    throw UsageError(fmt::format("{}: dataset '{}' has {} distinct labels; logistic regression needs two: add "
                                 "labels=upto:T (labels <= T become +1) or labels=onevsrest:C (label C becomes +1)",
                                 name_, data->info.name, data->info.labels.size()));
  if (!std::isfinite(opts.lambda) || opts.lambda < 0)
    throw UsageError(fmt::format("{}: lambda={} must be a finite number >= 0", name_, opts.lambda));
  const Split split = make_split(data->b, workers, opts.split, opts.seed);
  features_ = static_cast<int>(data->A.cols()) + (opts.bias ? 1 : 0);
  dim_ = opts.loss == LossKind::softmax ? 2 * features_ : features_;
  w_.resize(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) m_.push_back(static_cast<int>(split.rows(i).size()));
  const int end = opts.worker_end < 0 ? workers : opts.worker_end;
  for (int i = opts.worker_begin; i < end; ++i) {  // every worker unless this process holds a block
    Worker& w = w_[static_cast<std::size_t>(i)];
    const auto rows = split.rows(i);
    w.A = gather_rows(data->A, rows, opts.bias);
    w.b.resize(static_cast<Index>(rows.size()));
    for (std::size_t j = 0; j < rows.size(); ++j) w.b[static_cast<Index>(j)] = data->b[rows[j]];
    w.unit_values = opts.skip_unit_values && unit_values(w.A);
    w.z.resize(static_cast<Index>(rows.size()));
    w.e.resize(static_cast<Index>(rows.size()));
    if (opts.loss == LossKind::softmax) {
      w.u.resize(features_);
      w.gu.resize(features_);
    } else {
      std::vector<int> cols = distinct_columns(w.A);
      const bool touched = opts.gradient_path == GradientPath::touched_columns ||
                           (opts.gradient_path == GradientPath::automatic && touched_columns_pay(cols.size(), dim_));
      if (touched) {
        w.touched = std::move(cols);
        w.touched_sum.resize(static_cast<Index>(w.touched.size()));
      }
    }
  }
}

void LogisticProblem::check(int i, const Vec& x) const {
  if (i < 0 || i >= workers() || x.size() != dim_)
    throw std::invalid_argument(fmt::format("{}: worker {} / vector of size {} (expected {} workers, dim {})", name_,
                                            i, x.size(), workers(), dim_));
}

double LogisticProblem::regularizer(const Vec& x) const {
  if (opts_.nonconvex) return opts_.lambda * (x.array().square() / (1.0 + x.array().square())).sum();
  return 0.5 * opts_.lambda * x.squaredNorm();
}

void LogisticProblem::add_regularizer_grad(const Vec& x, Vec& out) const {
  if (opts_.nonconvex) {
    out.array() += 2.0 * opts_.lambda * x.array() / (1.0 + x.array().square()).square();
  } else {
    out += opts_.lambda * x;
  }
}

// out holds A_i^T z on the touched columns. Saves those sums, writes reg'(x) + 0.0 over all of out in
// one vectorized pass (the dense path's 0.0 + reg'(x_c) on a zero-filled column, -0.0 included), then
// puts sum + reg'(x_c) back on the touched columns. The per-coordinate expressions are
// add_regularizer_grad's, so the bits agree.
void LogisticProblem::add_regularizer_grad_touched(const Worker& w, const Vec& x, Vec& out) const {
  const std::vector<int>& touched = w.touched;
  for (std::size_t t = 0; t < touched.size(); ++t) w.touched_sum[static_cast<Index>(t)] = out[touched[t]];
  const double lambda = opts_.lambda, two_lambda = 2.0 * opts_.lambda;
  if (opts_.nonconvex) {
    out.array() = 2.0 * opts_.lambda * x.array() / (1.0 + x.array().square()).square() + 0.0;
  } else {
    out.array() = opts_.lambda * x.array() + 0.0;
  }
  for (std::size_t t = 0; t < touched.size(); ++t) {
    const double xc = x[touched[t]];
    double reg = lambda * xc;
    if (opts_.nonconvex) {
      const double s = 1.0 + xc * xc;
      reg = two_lambda * xc / (s * s);
    }
    out[touched[t]] = w.touched_sum[static_cast<Index>(t)] + reg;
  }
}

void LogisticProblem::transpose_times_plus_regularizer(const Worker& w, const Vec& x, Vec& out) const {
  if (w.touched.empty()) {
    csr_transpose_times(w.A, w.z, grad_target(w, out), w.unit_values);
    lift_grad(w, out);
    add_regularizer_grad(x, out);
    return;
  }
  out.resize(dim_);
  for (const int c : w.touched) out[c] = 0.0;
  csr_transpose_add(w.A, w.z, out, w.unit_values);  // Eigen's order: rows, then entries ascending
  add_regularizer_grad_touched(w, x, out);
}

const Vec& LogisticProblem::data_point(const Worker& w, const Vec& x) const {
  if (opts_.loss != LossKind::softmax) return x;
  for (int k = 0; k < features_; ++k) w.u[k] = x[2 * k + 1] - x[2 * k];  // u = W_{:,1} − W_{:,0}
  return w.u;
}

Vec& LogisticProblem::grad_target(const Worker& w, Vec& out) const {
  out.resize(dim_);
  return opts_.loss == LossKind::softmax ? w.gu : out;
}

void LogisticProblem::lift_grad(const Worker& w, Vec& out) const {
  if (opts_.loss != LossKind::softmax) return;
  for (int k = 0; k < features_; ++k) {
    out[2 * k + 1] = w.gu[k];
    out[2 * k] = -w.gu[k];
  }
}

double LogisticProblem::loss(int i, const Vec& x) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  csr_times(w.A, data_point(w, x), w.z, w.unit_values);
  double sum = 0;
  for (Index j = 0; j < w.z.size(); ++j) sum += sample_loss(opts_.loss, sample_terms(-w.b[j] * w.z[j]));
  return sum / static_cast<double>(w.z.size()) + regularizer(x);
}

// f_i and ∇f_i from z = A_i x, the weights from σ(−b_j z_j) of sample_terms (the f* solver and the
// theory's potentials read these bits; a method's gradient is grad()'s).
double LogisticProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  csr_times(w.A, data_point(w, x), w.z, w.unit_values);
  const double inv_m = 1.0 / static_cast<double>(w.z.size());
  double sum = 0;
  for (Index j = 0; j < w.z.size(); ++j) {
    const SampleTerms s = sample_terms(-w.b[j] * w.z[j]);
    sum += sample_loss(opts_.loss, s);
    w.z[j] = -w.b[j] * sample_psi(opts_.loss, s.sigma) * inv_m;  // d/dz_j of the mean loss
  }
  transpose_times_plus_regularizer(w, x, out);
  return sum * inv_m + regularizer(x);
}

// A logged round's look at worker i from one z = A_i x: the rows with sign(z_j) == b_j (accuracy's
// rule, z_j = 0 counting as class +1) and the loss, both read from z before it becomes the gradient
// weights, and then grad()'s weights and product, so the gradient is the method's own bit for bit
// (what lets a round share it with the evaluation, net/shared_gradients.hpp). The logistic loss is
// softplus(t) = max(t, 0) + log1p(e), t = −b z, from the weights' own exponential E = exp(b z) =
// exp(−t) (Eigen's vectorized exp): e = exp(−|t|) = min(E, 1/E), and Σ_j log1p(e_j) with one
// logarithm per 512 rows (log1p_sum, problems/logistic_kernels.hpp). Every term is >= 0, so the sum is
// within (max(m, 200 + m/512) + 1)·2^-53 relative of the exact Σ_j softplus(t_j) of these e_j
// (Σ max(t, 0) in any order: (m − 1)·2^-53; log1p_sum's bound); loss_grad's plain sum has (m − 1)·2^-53
// plus its per-sample ulps. tests/test_loss_grad_count.cpp checks it against a long-double sum.
Objective::LossGradCount LogisticProblem::loss_grad_count(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  csr_times(w.A, data_point(w, x), w.z, w.unit_values);
  const long correct = count_correct(w.z, w.b);
  double sum = 0;
  if (opts_.loss == LossKind::sigmoid_lsq) {
    for (Index j = 0; j < w.z.size(); ++j) sum += sample_loss(opts_.loss, sample_terms(-w.b[j] * w.z[j]));
    gradient_weights(w);
  } else {
    // E = exp(b z) = exp(−t) once, for both: the loss and grad()'s weights −b/(m_i (1 + E)) (the same
    // expression in two steps, so the same bits).
    sum = (-w.b.array() * w.z.array()).max(0.0).sum();  // Σ max(t, 0)
    w.e.array() = (w.b.array() * w.z.array()).exp();
    w.z.array() = (-(1.0 / static_cast<double>(w.z.size())) * w.b.array()) / (1.0 + w.e.array());
    w.e.array() = w.e.array().min(w.e.array().inverse());  // e = exp(−|t|)
    sum += log1p_sum(w.e);
  }
  transpose_times_plus_regularizer(w, x, out);
  return {sum * (1.0 / static_cast<double>(w.z.size())) + regularizer(x), correct, samples(i)};
}

// The gradient weights s_j = d/dz_j of the mean loss, over z_j in place. For the logistic losses
// s_j = −b_j σ(−b_j z_j)/m_i = −b_j/(m_i (1 + exp(b_j z_j))), one vectorized exp per row and no log1p
// (exp overflowing to +inf gives the correct limit 0); sigmoid_lsq takes loss_grad's per-sample ψ.
void LogisticProblem::gradient_weights(const Worker& w) const {
  const double inv_m = 1.0 / static_cast<double>(w.z.size());
  if (opts_.loss == LossKind::sigmoid_lsq) {
    for (Index j = 0; j < w.z.size(); ++j)
      w.z[j] = -w.b[j] * sample_psi(opts_.loss, sample_terms(-w.b[j] * w.z[j]).sigma) * inv_m;
  } else {
    w.z.array() = (-inv_m * w.b.array()) / (1.0 + (w.b.array() * w.z.array()).exp());
  }
}

// The gradient without the loss (a fused single pass over blocks of rows was measured slower than
// Eigen's two SpMVs here).
void LogisticProblem::grad(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  csr_times(w.A, data_point(w, x), w.z, w.unit_values);
  gradient_weights(w);
  transpose_times_plus_regularizer(w, x, out);
}

// minibatch_grad's sum into g (zero where the rows add): per row, t = a_r^T v from 0, then
// g_c += (c a_rc) with c the row's weight; with kUnit the values are not read (c × 1.0 = c exactly).
template <bool kUnit>
void LogisticProblem::add_minibatch_terms(const Worker& w, int i, const Vec& v, std::span<const int> rows,
                                          Vec& g) const {
  const int* outer = w.A.outerIndexPtr();
  const int* inner = w.A.innerIndexPtr();
  const double* val = w.A.valuePtr();
  const double inv = rows.empty() ? 0.0 : 1.0 / static_cast<double>(rows.size());
  for (int r : rows) {
    if (r < 0 || r >= w.A.rows())
      throw std::out_of_range(fmt::format("{}: row {} of worker {} (it has {})", name_, r, i, w.A.rows()));
    double t = 0;
    for (int p = outer[r]; p < outer[r + 1]; ++p) t += scaled<kUnit>(val, p, v[inner[p]]);
    const double c = -w.b[r] * sample_psi(opts_.loss, sample_terms(-w.b[r] * t).sigma) * inv;
    for (int p = outer[r]; p < outer[r + 1]; ++p) g[inner[p]] += scaled<kUnit>(val, p, c);
  }
}

void LogisticProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  const Vec& v = data_point(w, x);
  Vec& g = grad_target(w, out);
  if (w.touched.empty()) {
    g.setZero();
  } else {
    for (const int c : w.touched) g[c] = 0.0;
  }
  if (w.unit_values) {
    add_minibatch_terms<true>(w, i, v, rows, g);
  } else {
    add_minibatch_terms<false>(w, i, v, rows, g);
  }
  if (!w.touched.empty()) {
    add_regularizer_grad_touched(w, x, out);
    return;
  }
  lift_grad(w, out);
  add_regularizer_grad(x, out);
}

// z = A_i x into the worker's scratch (as grad() does; Eigen's bits), so nothing is allocated.
std::optional<double> LogisticProblem::accuracy(const Vec& x) const {
  long correct = 0, total = 0;
  for (int i = 0; i < workers(); ++i) {
    check(i, x);
    const Worker& w = w_[static_cast<std::size_t>(i)];
    csr_times(w.A, data_point(w, x), w.z, w.unit_values);  // softmax: class 1 iff a^T (W_{:,1} − W_{:,0}) >= 0
    correct += count_correct(w.z, w.b);
    total += w.z.size();
  }
  return static_cast<double>(correct) / static_cast<double>(total);
}

std::vector<ParamBlock> LogisticProblem::blocks() const {
  if (opts_.loss != LossKind::softmax || !opts_.bias) return {{"x", dim_}};
  return {{"W", 2 * (features_ - 1)}, {"b", 2}};
}

std::string LogisticProblem::problem_kind() const {
  if (opts_.loss == LossKind::sigmoid_lsq) return "sigmoid_lsq";
  if (opts_.loss == LossKind::softmax) return "softmax";
  return opts_.nonconvex ? "logreg_nc" : "logreg";
}

std::string LogisticProblem::constants_key() const {
  return fmt::format("logistic v2|data={}|problem={}|lambda={:.17g}|bias={}|dim={}|split={}|seed={}|n={}", checksum_,
                     problem_kind(), opts_.lambda, opts_.bias, dim_, split_name(opts_.split),
                     opts_.split == SplitKind::shuffled ? std::to_string(opts_.seed) : "-", workers());
}

const ProblemConstants& LogisticProblem::constants() const {
  std::call_once(constants_once_, [this] {
    if (opts_.constants) {
      constants_ = *opts_.constants;
      return;
    }
    const std::string key = constants_key();
    if (opts_.disk_cache) {
      if (auto cached = load_verified_constants(*this, key, opts_.worker_begin == 0 && (opts_.worker_end < 0 || opts_.worker_end == workers()))) {
        constants_ = *cached;
        return;
      }
    }
    constants_ = compute_constants();
    if (opts_.disk_cache) (void)store_cached_constants(key, constants_);
  });
  return constants_;
}

void LogisticProblem::set_f_star(double f_star) {
  if (!std::isfinite(f_star) || f_star < 0)
    throw std::invalid_argument(fmt::format("{}: f* = {} is not a finite nonnegative value", name_, f_star));
  (void)constants();  // computed first, so the call_once never overwrites f*
  const std::lock_guard<std::mutex> lock(f_star_mutex_);
  constants_.f_star = f_star;
  constants_.f_lower = f_star;
}

}  // namespace commopt
