// One-hidden-layer network (see mlp.hpp): a forward and backward pass per CSR row, O(nnz·H + H·K)
// per row, no densified data and no allocation (per-worker scratch of size H and K).
#include "problems/mlp.hpp"

#include <climits>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/constants_cache.hpp"
#include "problems/problem_data.hpp"

namespace commopt {

MlpProblem::MlpProblem(std::shared_ptr<const LibsvmData> data, int workers, const MlpOptions& opts, std::string name)
    : name_(std::move(name)), opts_(opts), checksum_(data->info.content_key()) {
  if (!std::isfinite(opts.lambda) || opts.lambda < 0)
    throw UsageError(fmt::format("{}: lambda={} must be a finite number >= 0", name_, opts.lambda));
  if (opts.hidden < 1) throw UsageError(fmt::format("{}: hidden={} must be at least 1", name_, opts.hidden));
  const ClassLabels labels = class_labels(*data);
  if (labels.classes < 2)
    throw UsageError(fmt::format("{}: dataset '{}' has {} distinct label(s); the network needs at least two classes",
                                 name_, data->info.name, labels.classes));
  classes_ = labels.classes;
  features_ = static_cast<int>(data->A.cols());
  const long long H = opts.hidden, p = features_, K = classes_, nb = opts.bias ? 1 : 0;
  const long long d = p * H + nb * H + H * K + nb * K;
  if (d > INT_MAX)
    throw UsageError(fmt::format("{}: {} parameters exceed the largest dimension; use a smaller hidden=", name_, d));
  off_b1_ = static_cast<int>(p * H);
  off_w2_ = static_cast<int>(p * H + nb * H);
  off_b2_ = static_cast<int>(off_w2_ + H * K);
  dim_ = static_cast<int>(d);
  x0_ = Vec::Zero(dim_);  // Glorot uniform weights, zero biases
  Rng rng(opts.init_seed, -2, 0, Purpose::data);
  const double r1 = std::sqrt(6.0 / static_cast<double>(p + H)), r2 = std::sqrt(6.0 / static_cast<double>(H + K));
  for (int k = 0; k < off_b1_; ++k) x0_[k] = r1 * (2 * rng.uniform() - 1);
  for (int k = off_w2_; k < off_b2_; ++k) x0_[k] = r2 * (2 * rng.uniform() - 1);

  const Split split = make_split(data->b, workers, opts.split, opts.seed);
  w_.resize(static_cast<std::size_t>(workers));
  for (int i = 0; i < workers; ++i) m_.push_back(static_cast<int>(split.rows(i).size()));
  const int end = opts.worker_end < 0 ? workers : opts.worker_end;
  for (int i = opts.worker_begin; i < end; ++i) {
    Worker& w = w_[static_cast<std::size_t>(i)];
    const auto rows = split.rows(i);
    w.A = gather_rows(data->A, rows, false);
    for (int r : rows) w.y.push_back(labels.y[static_cast<std::size_t>(r)]);
    w.u.resize(opts.hidden);
    w.s.resize(opts.hidden);
    w.du.resize(opts.hidden);
    w.z.resize(classes_);
  }
}

void MlpProblem::check(int i, const Vec& x) const {
  if (i < 0 || i >= workers() || x.size() != dim_)
    throw std::invalid_argument(fmt::format("{}: worker {} / vector of size {} (expected {} workers, dim {})", name_,
                                            i, x.size(), workers(), dim_));
}

std::vector<ParamBlock> MlpProblem::blocks() const {
  const int H = opts_.hidden, K = classes_;
  if (!opts_.bias) return {{"W1", features_ * H}, {"W2", H * K}};
  return {{"W1", features_ * H}, {"b1", H}, {"W2", H * K}, {"b2", K}};
}

double MlpProblem::regularizer(const Vec& x) const {
  return 0.5 * opts_.lambda * (x.head(off_b1_).squaredNorm() + x.segment(off_w2_, off_b2_ - off_w2_).squaredNorm());
}

void MlpProblem::add_regularizer_grad(const Vec& x, Vec& out) const {
  out.head(off_b1_) += opts_.lambda * x.head(off_b1_);
  out.segment(off_w2_, off_b2_ - off_w2_) += opts_.lambda * x.segment(off_w2_, off_b2_ - off_w2_);
}

double MlpProblem::data_term(const Worker& w, const Vec& x, const std::span<const int>* rows, Vec* g,
                             double scale) const {
  const int H = opts_.hidden, K = classes_;
  const bool relu = opts_.activation == Activation::relu, bias = opts_.bias;
  const int* outer = w.A.outerIndexPtr();
  const int* inner = w.A.innerIndexPtr();
  const double* val = w.A.valuePtr();
  const double* W1 = x.data();
  const double* b1 = x.data() + off_b1_;
  const double* W2 = x.data() + off_w2_;
  const double* b2 = x.data() + off_b2_;
  double *u = w.u.data(), *s = w.s.data(), *z = w.z.data(), *du = w.du.data();
  double sum = 0;
  const Index count = rows ? static_cast<Index>(rows->size()) : w.A.rows();
  for (Index t = 0; t < count; ++t) {
    const int r = rows ? (*rows)[static_cast<std::size_t>(t)] : static_cast<int>(t);
    if (r < 0 || r >= w.A.rows())
      throw std::out_of_range(fmt::format("{}: row {} of a worker with {} rows", name_, r, w.A.rows()));
    for (int h = 0; h < H; ++h) u[h] = bias ? b1[h] : 0.0;
    for (int q = outer[r]; q < outer[r + 1]; ++q) {  // u = W1^T a + b1
      const double v = val[q];
      const double* wk = W1 + static_cast<std::ptrdiff_t>(inner[q]) * H;
      for (int h = 0; h < H; ++h) u[h] += v * wk[h];
    }
    for (int h = 0; h < H; ++h) s[h] = relu ? std::max(u[h], 0.0) : std::tanh(u[h]);
    for (int c = 0; c < K; ++c) z[c] = bias ? b2[c] : 0.0;
    for (int h = 0; h < H; ++h)  // z = W2^T s + b2
      for (int c = 0; c < K; ++c) z[c] += s[h] * W2[h * K + c];
    double mx = z[0];
    for (int c = 1; c < K; ++c) mx = std::max(mx, z[c]);
    double se = 0;
    for (int c = 0; c < K; ++c) se += std::exp(z[c] - mx);
    const int y = w.y[static_cast<std::size_t>(r)];
    sum += mx + std::log(se) - z[y];
    if (!g) continue;
    double* G = g->data();
    for (int c = 0; c < K; ++c) z[c] = scale * std::exp(z[c] - mx) / se;  // δz = scale·(softmax(z) − e_y)
    z[y] -= scale;
    for (int h = 0; h < H; ++h) {
      double back = 0;
      for (int c = 0; c < K; ++c) {
        G[off_w2_ + h * K + c] += s[h] * z[c];  // ∇W2 = s δz^T
        back += W2[h * K + c] * z[c];
      }
      du[h] = back * (relu ? (u[h] > 0 ? 1.0 : 0.0) : 1.0 - s[h] * s[h]);  // δu = (W2 δz) ⊙ act'(u)
    }
    if (bias) {
      for (int c = 0; c < K; ++c) G[off_b2_ + c] += z[c];
      for (int h = 0; h < H; ++h) G[off_b1_ + h] += du[h];
    }
    for (int q = outer[r]; q < outer[r + 1]; ++q) {  // ∇W1 = a δu^T
      const double v = val[q];
      double* gk = G + static_cast<std::ptrdiff_t>(inner[q]) * H;
      for (int h = 0; h < H; ++h) gk[h] += v * du[h];
    }
  }
  return sum;
}

double MlpProblem::loss(int i, const Vec& x) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  return data_term(w, x, nullptr, nullptr, 0) / static_cast<double>(w.A.rows()) + regularizer(x);
}

double MlpProblem::loss_grad(int i, const Vec& x, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  const double inv_m = 1.0 / static_cast<double>(w.A.rows());
  out.setZero(dim_);
  const double sum = data_term(w, x, nullptr, &out, inv_m);
  add_regularizer_grad(x, out);
  return sum * inv_m + regularizer(x);
}

void MlpProblem::minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const {
  check(i, x);
  const Worker& w = w_[static_cast<std::size_t>(i)];
  out.setZero(dim_);
  (void)data_term(w, x, &rows, &out, rows.empty() ? 0.0 : 1.0 / static_cast<double>(rows.size()));
  add_regularizer_grad(x, out);
}

std::optional<double> MlpProblem::accuracy(const Vec& x) const {
  long correct = 0, total = 0;
  for (int i = 0; i < workers(); ++i) {
    check(i, x);
    const Worker& w = w_[static_cast<std::size_t>(i)];
    for (int r = 0; r < w.A.rows(); ++r) {
      const std::span<const int> one(&r, 1);
      (void)data_term(w, x, &one, nullptr, 0);
      int best = 0;
      for (int c = 1; c < classes_; ++c)
        if (w.z[c] > w.z[best]) best = c;
      correct += best == w.y[static_cast<std::size_t>(r)];
    }
    total += w.A.rows();
  }
  return static_cast<double>(correct) / static_cast<double>(total);
}

std::string MlpProblem::constants_key() const {
  return fmt::format("mlp v1|data={}|classes={}|hidden={}|activation={}|lambda={:.17g}|bias={}|init_seed={}|dim={}|"
                     "split={}|seed={}|n={}",
                     checksum_, classes_, opts_.hidden, opts_.activation == Activation::relu ? "relu" : "tanh",
                     opts_.lambda, opts_.bias, opts_.init_seed, dim_, split_name(opts_.split),
                     opts_.split == SplitKind::shuffled ? std::to_string(opts_.seed) : "-", workers());
}

const ProblemConstants& MlpProblem::constants() const {
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

std::vector<ParamDoc> mlp_params() {
  const MlpOptions o;
  return {
      {"data", "", "dataset name (searched on the data path) or file path; required"},
      {"hidden", std::to_string(o.hidden), "hidden units H >= 1"},
      {"lambda", fmt::format("{}", o.lambda), "ridge weight λ >= 0 on W1 and W2 (biases are not regularised)"},
      {"activation", "tanh", "hidden activation: tanh or relu"},
      {"init_seed", "0", "seed of the Glorot-uniform initial weights (independent of --seed)"},
      {"bias", "true", "hidden and output biases b1, b2"},
      {"features", "largest index", "feature count (default: the largest index in the file); an index above it is an error"},
      labels_param(true),
  };
}

std::unique_ptr<Objective> make_mlp(const Spec& spec, int workers, const ProblemOptions& opts) {
  MlpOptions o;
  const long long hidden = spec.get_int("hidden", o.hidden);
  if (hidden < 1 || hidden > 1000000)
    throw UsageError(fmt::format("{}: hidden={} in '{}' must be between 1 and 1000000", spec.what(), hidden, spec.str()));
  o.hidden = static_cast<int>(hidden);
  o.lambda = spec.get_double("lambda", o.lambda);
  const std::string act = spec.get_string("activation", "tanh");
  if (act != "tanh" && act != "relu")
    throw UsageError(fmt::format("{}: activation={} in '{}' is not known; use activation=tanh or activation=relu",
                                 spec.what(), act, spec.str()));
  o.activation = act == "relu" ? Activation::relu : Activation::tanh;
  const long long init_seed = spec.get_int("init_seed", 0);
  if (init_seed < 0)
    throw UsageError(fmt::format("{}: init_seed={} in '{}' must be >= 0", spec.what(), init_seed, spec.str()));
  o.init_seed = static_cast<std::uint64_t>(init_seed);
  o.bias = spec.get_bool("bias", o.bias);
  o.split = parse_split(opts.split);
  o.seed = opts.seed;
  o.worker_begin = opts.worker_begin;
  o.worker_end = opts.worker_end;
  o.constants = opts.constants;
  return std::make_unique<MlpProblem>(load_problem_data(spec, workers, opts), workers, o, spec.str());
}

}  // namespace commopt
