// k-class softmax regression on a LIBSVM dataset (ef-local-lazy.md §9.2, LAQ.py's model; §13: the
// blocks W and b). Rows a_j ∈ R^p (p counts the appended constant-1 feature when bias = true),
// classes y_j ∈ {0..K−1} (problem_data.hpp), x = W ∈ R^{p×K} row-major: x[k·K + c] = W_kc, so with
// the bias its last row is the bias vector b ∈ R^K. Logits z_j = W^T a_j, and
//   f_i(W) = (1/m_i) Σ_j CE(z_j, y_j) + r(W),   CE(z, y) = log Σ_c exp(z_c) − z_y,
//   ∇_W CE = a_j (softmax(z_j) − e_{y_j})^T,
//   r = (λ/2)||W||²              (reg=ridge; the bias row too, as LAQ.py's cl·(||W||² + ||b||²)/2)
//   r = λ Σ_kc W_kc²/(1+W_kc²)   (reg=nonconvex, the regulariser of the 2-class softmax).
// With K = 2 and reg=nonconvex this is exactly the existing 2-class softmax (LogisticProblem),
// which keeps serving that case so its traces stay bit for bit; this class serves K > 2 and ridge.
// Constants (softmax_constants.cpp): the Hessian of CE in the logits is diag(s) − s s^T ⪯ (1/2)I
// (s = softmax(z)), so ∇²f_i ⪯ (A_i^T A_i/(2 m_i)) ⊗ I_K + r'' and
//   L_i <= λ_max(A_i^T A_i)/(2 m_i) + c,   c = λ (ridge) or 2λ (nonconvex: r'' ∈ [−λ/2, 2λ]),
// an upper bound (exact for K = 2: at W = 0 the logit Hessian is [[1,−1],[−1,1]]/4, eigenvalue 1/2).
// Ridge: f is λ-strongly convex (CE is convex in W), mu = λ; nonconvex: mu = 0. f* is not computed
// (f_lower = 0: CE >= 0 and r >= 0).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "core/spec.hpp"
#include "problems/libsvm.hpp"
#include "problems/registry.hpp"
#include "problems/split.hpp"

namespace commopt {

struct SoftmaxOptions {
  double lambda = 1e-3;
  bool ridge = false;      // reg=ridge: (λ/2)||W||²; reg=nonconvex: λ Σ W²/(1+W²)
  bool bias = true;        // append a constant-1 feature (its row of W is the bias b)
  SplitKind split = SplitKind::contiguous;
  std::uint64_t seed = 0;  // the shuffled split's seed
  bool disk_cache = true;  // constants in constants_cache_dir()
  int worker_begin = 0;    // a process holding workers [begin, end) only (-1: all), as LogisticOptions
  int worker_end = -1;
  std::optional<ProblemConstants> constants;
};

class SoftmaxProblem final : public Objective {
 public:
  // Needs at least two classes. `name` is the canonical spec text. Throws UsageError.
  SoftmaxProblem(std::shared_ptr<const LibsvmData> data, int workers, const SoftmaxOptions& opts, std::string name);

  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(w_.size()); }
  int dim() const override { return features_ * classes_; }
  int samples(int i) const override { return m_[static_cast<std::size_t>(i)]; }
  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  LossGradCount loss_grad_count(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  // Fraction of all rows whose largest logit is their class (ties: the lowest class index wins).
  std::optional<double> accuracy(const Vec& x) const override;
  bool convex() const override { return opts_.ridge; }
  const ProblemConstants& constants() const override;
  // {"W", (p−1)·K} and {"b", K} with the bias; {"W", p·K} without.
  std::vector<ParamBlock> blocks() const override;

  int classes() const { return classes_; }
  int features() const { return features_; }  // p, with the bias column
  const Csr& local_data(int i) const { return w_[static_cast<std::size_t>(i)].A; }
  const std::vector<int>& local_classes(int i) const { return w_[static_cast<std::size_t>(i)].y; }
  std::string constants_key() const;
  // Power iteration on the data, ignoring every cache (softmax_constants.cpp).
  ProblemConstants compute_constants() const;

 private:
  struct Worker {
    Csr A;               // m_i × p
    std::vector<int> y;  // classes
    mutable Vec z;       // logits of one row (K): this worker's calls run on one thread at a time
  };
  void check(int i, const Vec& x) const;
  // Σ_j over `rows` (all rows when null) of CE(z_j, y_j); with `g`, g += scale·Σ_j ∇_W CE_j; with
  // `correct`, += the rows whose largest logit is their class (accuracy's rule), from the same logits.
  double data_term(const Worker& w, const Vec& x, std::span<const int>* rows, Vec* g, double scale,
                   long* correct = nullptr) const;
  double regularizer(const Vec& x) const;
  void add_regularizer_grad(const Vec& x, Vec& out) const;

  std::string name_;
  SoftmaxOptions opts_;
  std::string checksum_;
  int features_ = 0, classes_ = 0;
  std::vector<Worker> w_;
  std::vector<int> m_;
  mutable std::once_flag constants_once_;
  mutable ProblemConstants constants_;
};

// The softmax[...] entry (registry.cpp): whether `data` needs this class — more than two classes,
// or reg=ridge — rather than the 2-class LogisticProblem (binary data, reg=nonconvex, unchanged).
// Throws UsageError on a bad reg=.
bool softmax_needs_k_class(const Spec& spec, const LibsvmData& data);
// Builds it from the spec's lambda, reg and bias (defaults 1e-3, nonconvex, true). Throws UsageError.
std::unique_ptr<Objective> make_softmax(std::shared_ptr<const LibsvmData> data, const Spec& spec, int workers,
                                        const ProblemOptions& opts);

}  // namespace commopt
