// k-class softmax regression (see softmax.hpp). One pass over a worker's CSR rows computes the
// logits z_j = W^T a_j (K values), the loss log Σ_c exp(z_jc) − z_{j,y_j} (shifted by max_c z_jc),
// and scatters a_j (s_j − e_{y_j})^T into the gradient: O(nnz·K), no densified data, no allocation.
#include "problems/softmax.hpp"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "problems/constants_cache.hpp"
#include "problems/problem_data.hpp"

namespace commopt {

SoftmaxProblem::SoftmaxProblem(std::shared_ptr<const LibsvmData> data, int workers, const SoftmaxOptions& opts,
                               std::string name)
    : name_(std::move(name)), opts_(opts), checksum_(data->info.content_key()) {
  if (!std::isfinite(opts.lambda) || opts.lambda < 0)
    throw UsageError(fmt::format("{}: lambda={} must be a finite number >= 0", name_, opts.lambda));
  const ClassLabels labels = class_labels(*data);
  if (labels.classes < 2)
    throw UsageError(fmt::format("{}: dataset '{}' has {} distinct label(s); softmax needs at least two", name_,
                                 data->info.name, labels.classes));
  classes_ = labels.classes;
  features_ = static_cast<int>(data->A.cols()) + (opts.bias ? 1 : 0);
  if (static_cast<long long>(features_) * classes_ > INT32_MAX)
    throw UsageError(fmt::format("{}: {} features x {} classes exceed the largest dimension", name_, features_,
                                 classes_));
  const Split split = make_split(data->b, workers, opts.split, opts.seed);
  w_.resize(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) m_.push_back(static_cast<int>(split.rows(i).size()));
  const int end = opts.worker_end < 0 ? workers : opts.worker_end;
  for (int i = opts.worker_begin; i < end; ++i) {
    Worker& w = w_[static_cast<std::size_t>(i)];
    const auto rows = split.rows(i);
    w.A = gather_rows(data->A, rows, opts.bias);
    for (int r : rows) w.y.push_back(labels.y[static_cast<std::size_t>(r)]);
    w.z.resize(classes_);
  }
}

void SoftmaxProblem::check(int i, const Vec& x) const {
  if (i < 0 || i >= workers() || x.size() != dim())
    throw std::invalid_argument(fmt::format("{}: worker {} / vector of size {} (expected {} workers, dim {})", name_,
                                            i, x.size(), workers(), dim()));
}

std::vector<ParamBlock> SoftmaxProblem::blocks() const {
  if (!opts_.bias) return {{"W", dim()}};
  return {{"W", (features_ - 1) * classes_}, {"b", classes_}};
}

double SoftmaxProblem::regularizer(const Vec& x) const {
  if (opts_.ridge) return 0.5 * opts_.lambda * x.squaredNorm();
  return opts_.lambda * (x.array().square() / (1.0 + x.array().square())).sum();
}

void SoftmaxProblem::add_regularizer_grad(const Vec& x, Vec& out) const {
  if (opts_.ridge) {
    out += opts_.lambda * x;
  } else {
    out.array() += 2.0 * opts_.lambda * x.array() / (1.0 + x.array().square()).square();
  }
}

double SoftmaxProblem::data_term(const Worker& w, const Vec& x, std::span<const int>* rows, Vec* g,
                                 double scale, long* correct) const {
  const int K = classes_;
  const int* outer = w.A.outerIndexPtr();
  const int* inner = w.A.innerIndexPtr();
  const double* val = w.A.valuePtr();
  const double* W = x.data();
  double* z = w.z.data();
  double sum = 0;
  const Index count = rows ? static_cast<Index>(rows->size()) : w.A.rows();
  for (Index t = 0; t < count; ++t) {
    const int r = rows ? (*rows)[static_cast<std::size_t>(t)] : static_cast<int>(t);
    if (r < 0 || r >= w.A.rows())
      throw std::out_of_range(fmt::format("{}: row {} of a worker with {} rows", name_, r, w.A.rows()));
    for (int c = 0; c < K; ++c) z[c] = 0;
    for (int p = outer[r]; p < outer[r + 1]; ++p) {  // z = W^T a_r
      const double v = val[p];
      const double* wk = W + static_cast<std::ptrdiff_t>(inner[p]) * K;
      for (int c = 0; c < K; ++c) z[c] += v * wk[c];
    }
    double mx = z[0];
    for (int c = 1; c < K; ++c) mx = std::max(mx, z[c]);
    double se = 0;
    for (int c = 0; c < K; ++c) se += std::exp(z[c] - mx);
    const int y = w.y[static_cast<std::size_t>(r)];
    sum += mx + std::log(se) - z[y];  // CE = log Σ exp z − z_y
    if (correct) {
      int best = 0;
      for (int c = 1; c < K; ++c)
        if (z[c] > z[best]) best = c;
      *correct += best == y;
    }
    if (!g) continue;
    for (int c = 0; c < K; ++c) z[c] = scale * std::exp(z[c] - mx) / se;  // scale·(softmax(z) − e_y)
    z[y] -= scale;
    double* G = g->data();
    for (int p = outer[r]; p < outer[r + 1]; ++p) {
      const double v = val[p];
      double* gk = G + static_cast<std::ptrdiff_t>(inner[p]) * K;
      for (int c = 0; c < K; ++c) gk[c] += v * z[c];
    }
  }
  return sum;
}

double SoftmaxProblem::loss(int i, const Vec& x) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  return data_term(w, x, nullptr, nullptr, 0) / static_cast<double>(w.A.rows()) + regularizer(x);
}

double SoftmaxProblem::loss_grad(int i, const Vec& x, Vec& out) const { return loss_grad_count(i, x, out).loss; }

Objective::LossGradCount SoftmaxProblem::loss_grad_count(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  const double inv_m = 1.0 / static_cast<double>(w.A.rows());
  out.setZero(dim());
  long correct = 0;
  const double sum = data_term(w, x, nullptr, &out, inv_m, &correct);
  add_regularizer_grad(x, out);
  return {sum * inv_m + regularizer(x), correct, w.A.rows()};
}

void SoftmaxProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  out.setZero(dim());
  (void)data_term(w, x, &rows, &out, rows.empty() ? 0.0 : 1.0 / static_cast<double>(rows.size()));
  add_regularizer_grad(x, out);
}

std::optional<double> SoftmaxProblem::accuracy(const Vec& x) const {
  long correct = 0, total = 0;
  const int K = classes_;
  for (int i = 0; i < workers(); ++i) {
    check(i, x);
    const Worker& w = w_[static_cast<std::size_t>(i)];
    for (int r = 0; r < w.A.rows(); ++r) {
      std::span<const int> one(&r, 1);
      (void)data_term(w, x, &one, nullptr, 0);  // leaves the logits of row r in w.z
      int best = 0;
      for (int c = 1; c < K; ++c)
        if (w.z[c] > w.z[best]) best = c;
      correct += best == w.y[static_cast<std::size_t>(r)];
    }
    total += w.A.rows();
  }
  return static_cast<double>(correct) / static_cast<double>(total);
}

std::string SoftmaxProblem::constants_key() const {
  return fmt::format("softmax-k v1|data={}|classes={}|reg={}|lambda={:.17g}|bias={}|dim={}|split={}|seed={}|n={}",
                     checksum_, classes_, opts_.ridge ? "ridge" : "nonconvex", opts_.lambda, opts_.bias, dim(),
                     split_name(opts_.split), opts_.split == SplitKind::shuffled ? std::to_string(opts_.seed) : "-",
                     workers());
}

const ProblemConstants& SoftmaxProblem::constants() const {
  std::call_once(constants_once_, [this] {
    if (opts_.constants) {
      constants_ = *opts_.constants;
      return;
    }
    const std::string key = constants_key();
    if (opts_.disk_cache)
      if (auto cached = load_verified_constants(*this, key, opts_.worker_begin == 0 && (opts_.worker_end < 0 || opts_.worker_end == workers()))) {
        constants_ = *cached;
        return;
      }
    constants_ = compute_constants();
    if (opts_.disk_cache) (void)store_cached_constants(key, constants_);
  });
  return constants_;
}

namespace {
bool parse_ridge(const Spec& spec) {
  const std::string reg = spec.get_string("reg", "nonconvex");
  if (reg != "nonconvex" && reg != "ridge")
    throw UsageError(fmt::format("{}: reg={} in '{}' is not known; use reg=nonconvex or reg=ridge", spec.what(), reg,
                                 spec.str()));
  return reg == "ridge";
}
}  // namespace

bool softmax_needs_k_class(const Spec& spec, const LibsvmData& data) { return parse_ridge(spec) || !data.info.binary; }

std::unique_ptr<Objective> make_softmax(std::shared_ptr<const LibsvmData> data, const Spec& spec, int workers,
                                        const ProblemOptions& opts) {
  SoftmaxOptions so;
  so.lambda = spec.get_double("lambda", so.lambda);
  so.ridge = parse_ridge(spec);
  so.bias = spec.get_bool("bias", so.bias);
  so.split = parse_split(opts.split);
  so.seed = opts.seed;
  so.worker_begin = opts.worker_begin;
  so.worker_end = opts.worker_end;
  so.constants = opts.constants;
  return std::make_unique<SoftmaxProblem>(std::move(data), workers, so, spec.str());
}

}  // namespace commopt
