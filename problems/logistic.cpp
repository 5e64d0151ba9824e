// Logistic regression objectives (see logistic.hpp). The hot paths (loss, loss_grad,
// minibatch_grad) allocate nothing once `out` has the right size: z = A_i x goes into the
// worker's own scratch vector, is turned into the loss weights in place, and g = A_i^T s + reg'(x).
#include "problems/logistic.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "problems/constants_cache.hpp"
#include "problems/spectral.hpp"

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

}  // namespace

LogisticProblem::LogisticProblem(std::shared_ptr<const LibsvmData> data, int workers, const LogisticOptions& opts,
                                 std::string name)
    : name_(std::move(name)), opts_(opts), checksum_(data->info.checksum) {
  if (!data->info.binary)
    throw UsageError(fmt::format("{}: dataset '{}' has {} distinct labels; logistic regression needs two", name_,
                                 data->info.name, data->info.labels.size()));
  if (!std::isfinite(opts.lambda) || opts.lambda < 0)
    throw UsageError(fmt::format("{}: lambda={} must be a finite number >= 0", name_, opts.lambda));
  const Split split = make_split(data->b, workers, opts.split, opts.seed);
  dim_ = static_cast<int>(data->A.cols()) + (opts.bias ? 1 : 0);
  w_.resize(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) {
    Worker& w = w_[static_cast<std::size_t>(i)];
    const auto rows = split.rows(i);
    w.A = gather_rows(data->A, rows, opts.bias);
    w.b.resize(static_cast<Index>(rows.size()));
    for (std::size_t j = 0; j < rows.size(); ++j) w.b[static_cast<Index>(j)] = data->b[rows[j]];
    w.z.resize(static_cast<Index>(rows.size()));
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

double LogisticProblem::loss(int i, const Vec& x) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  w.z.noalias() = w.A * x;
  double sum = 0;
  for (Index j = 0; j < w.z.size(); ++j) sum += sample_terms(-w.b[j] * w.z[j]).loss;
  return sum / static_cast<double>(w.z.size()) + regularizer(x);
}

double LogisticProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  w.z.noalias() = w.A * x;
  const double inv_m = 1.0 / static_cast<double>(w.z.size());
  double sum = 0;
  for (Index j = 0; j < w.z.size(); ++j) {
    const SampleTerms s = sample_terms(-w.b[j] * w.z[j]);
    sum += s.loss;
    w.z[j] = -w.b[j] * s.sigma * inv_m;  // d/dz_j of the mean loss
  }
  out.resize(dim_);
  out.noalias() = w.A.transpose() * w.z;
  add_regularizer_grad(x, out);
  return sum * inv_m + regularizer(x);
}

// The gradient without the loss: s_j = −b_j σ(−b_j z_j)/m_i = −b_j/(m_i (1 + exp(b_j z_j))), one
// vectorized exp per row and no log1p (exp overflowing to +inf gives the correct limit 0).
// (A fused single pass over blocks of rows was measured slower than Eigen's two SpMVs here.)
void LogisticProblem::grad(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  w.z.noalias() = w.A * x;
  const double inv_m = 1.0 / static_cast<double>(w.z.size());
  w.z.array() = (-inv_m * w.b.array()) / (1.0 + (w.b.array() * w.z.array()).exp());
  out.resize(dim_);
  out.noalias() = w.A.transpose() * w.z;
  add_regularizer_grad(x, out);
}

void LogisticProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  out.setZero(dim_);
  const int* outer = w.A.outerIndexPtr();
  const int* inner = w.A.innerIndexPtr();
  const double* val = w.A.valuePtr();
  const double inv = rows.empty() ? 0.0 : 1.0 / static_cast<double>(rows.size());
  for (int r : rows) {
    if (r < 0 || r >= w.A.rows())
      throw std::out_of_range(fmt::format("{}: row {} of worker {} (it has {})", name_, r, i, w.A.rows()));
    double t = 0;
    for (int p = outer[r]; p < outer[r + 1]; ++p) t += val[p] * x[inner[p]];
    const double c = -w.b[r] * sample_terms(-w.b[r] * t).sigma * inv;
    for (int p = outer[r]; p < outer[r + 1]; ++p) out[inner[p]] += c * val[p];
  }
  add_regularizer_grad(x, out);
}

std::optional<double> LogisticProblem::accuracy(const Vec& x) const {
  long correct = 0, total = 0;
  for (int i = 0; i < workers(); ++i) {
    check(i, x);
    const Worker& w = w_[static_cast<std::size_t>(i)];
    const Vec z = w.A * x;
    for (Index j = 0; j < z.size(); ++j) correct += (z[j] >= 0 ? 1.0 : -1.0) == w.b[j];
    total += z.size();
  }
  return static_cast<double>(correct) / static_cast<double>(total);
}

std::string LogisticProblem::constants_key() const {
  return fmt::format("logistic v1|data={}|problem={}|lambda={:.17g}|bias={}|dim={}|split={}|seed={}|n={}", checksum_,
                     opts_.nonconvex ? "logreg_nc" : "logreg", opts_.lambda, opts_.bias, dim_, split_name(opts_.split),
                     opts_.split == SplitKind::shuffled ? std::to_string(opts_.seed) : "-", workers());
}

ProblemConstants LogisticProblem::compute_constants() const {
  const double curvature = opts_.nonconvex ? 2.0 * opts_.lambda : opts_.lambda;
  const double n = workers();
  ProblemConstants c;
  double global = 0;
  if (dim_ <= kDenseGramMaxDim) {
    Eigen::MatrixXd mean = Eigen::MatrixXd::Zero(dim_, dim_);
    for (const Worker& w : w_) {
      const Eigen::MatrixXd G = dense_gram(w.A);
      const auto r = power_iteration([&](const Vec& v, Vec& out) { out.noalias() = G * v; }, dim_);
      c.L_i.push_back(r.value * (1 + kPowerIterationMargin) / (4.0 * static_cast<double>(w.A.rows())) + curvature);
      mean += G / (4.0 * static_cast<double>(w.A.rows()) * n);
    }
    global = power_iteration([&](const Vec& v, Vec& out) { out.noalias() = mean * v; }, dim_).value;
  } else {
    for (const Worker& w : w_) {
      Vec tmp(w.A.rows());
      const auto r = power_iteration(
          [&](const Vec& v, Vec& out) {
            tmp.noalias() = w.A * v;
            out.noalias() = w.A.transpose() * tmp;
          },
          dim_);
      c.L_i.push_back(r.value * (1 + kPowerIterationMargin) / (4.0 * static_cast<double>(w.A.rows())) + curvature);
    }
    global = power_iteration(
                 [&](const Vec& v, Vec& out) {
                   out.setZero(dim_);
                   for (const Worker& w : w_) {
                     const Vec tmp = w.A * v;
                     out.noalias() += (w.A.transpose() * tmp) / (4.0 * static_cast<double>(w.A.rows()) * n);
                   }
                 },
                 dim_)
                 .value;
  }
  c.L = global * (1 + kPowerIterationMargin) + curvature;
  c.mu = opts_.nonconvex ? 0.0 : opts_.lambda;
  summarize_L_i(c);
  c.source = "power-iteration";
  return c;
}

const ProblemConstants& LogisticProblem::constants() const {
  std::call_once(constants_once_, [this] {
    const std::string key = constants_key();
    if (opts_.disk_cache) {
      if (auto cached = load_cached_constants(key, workers())) {
        constants_ = *cached;
        return;
      }
    }
    constants_ = compute_constants();
    if (opts_.disk_cache) (void)store_cached_constants(key, constants_);
  });
  return constants_;
}

}  // namespace commopt
