// Logistic regression over a LIBSVM dataset split across workers:
//   logreg:    f_i(x) = (1/m_i) Σ_j log(1 + exp(-b_j a_j^T x)) + (λ/2)||x||²     (convex, μ = λ)
//   logreg_nc: f_i(x) = (1/m_i) Σ_j log(1 + exp(-b_j a_j^T x)) + λ Σ_k x_k²/(1+x_k²)  (EF21's nonconvex)
// Constants (dasha-family.md §4): L_i = λ_max(A_i^T A_i)/(4 m_i) + c, L = λ_max((1/n) Σ_i A_i^T A_i/(4 m_i)) + c
// with c = λ (logreg) or 2λ (logreg_nc, since the regulariser's curvature lies in [-λ/2, 2λ]).
// The same class serves two more per-sample losses of dasha-family.md §4 (LossKind):
//   sigmoid_lsq: f_i(x) = (1/m_i) Σ_j (1 − σ(b_j a_j^T x))² + (λ/2)||x||²   (loss (b); φ'' ∈ [−0.1203, 0.15406])
//     L_i <= 0.15406 λ_max(A_i^T A_i)/m_i + λ (upper bounds: the bound on φ'' is not attained at x = 0);
//   softmax:     x = W ∈ R^{p×2} row-major (x[2k+c] = W_kc), f_i(W) = (1/m_i) Σ_j CE(W^T a_j, y_j)
//     + λ Σ_{k,c} W_kc²/(1+W_kc²) (loss (c)); with u = W_{:,1} − W_{:,0}, CE = log(1 + exp(−b a^T u)),
//     so every constant is the logistic one of the lifted operator [I, −I]: L's ×2 (the Hessian is
//     [[1,−1],[−1,1]] ⊗ H_u), σ² ×2; L_i = λ_max(A_i^T A_i)/(2 m_i) + 2λ, attained at W = 0.
// f* is not computed here: theory/fstar.hpp solves it (convex logreg) and installs it.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "problems/libsvm.hpp"
#include "problems/split.hpp"

namespace commopt {

enum class LossKind { logistic, sigmoid_lsq, softmax };

// How A_i^T z + reg'(x) is formed (same bits either way): Eigen's dense product, or the
// touched-columns scatter; automatic picks touched columns where they pay (d >= 4096, at most d/16
// columns touched). softmax always takes the dense path.
enum class GradientPath { automatic, dense, touched_columns };

struct LogisticOptions {
  LossKind loss = LossKind::logistic;
  double lambda = 1e-3;
  bool nonconvex = false;  // logreg_nc's regulariser instead of (λ/2)||x||²
  bool bias = false;       // append a feature that is always 1
  SplitKind split = SplitKind::contiguous;
  std::uint64_t seed = 0;  // used by the shuffled split
  bool disk_cache = true;  // read/write constants in constants_cache_dir()
  // A process holding workers [worker_begin, worker_end) only (-1: all): the other workers have no
  // rows here, and `constants` (computed where all the data is) replace the computation.
  int worker_begin = 0;
  int worker_end = -1;
  std::optional<ProblemConstants> constants;
  GradientPath gradient_path = GradientPath::automatic;  // tests and benchmarks force one
  // On 0/1 data the products skip the values (logistic_kernels.hpp; the same bits); tests turn it
  // off to compare against the products that read them.
  bool skip_unit_values = true;
};

class LogisticProblem final : public Objective {
 public:
  // Labels must be binary (±1). `name` is the canonical spec text. Throws UsageError.
  LogisticProblem(std::shared_ptr<const LibsvmData> data, int workers, const LogisticOptions& opts, std::string name);

  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(w_.size()); }
  int dim() const override { return dim_; }
  // m_i of every worker, also the ones another MPI rank holds (the split is known everywhere).
  int samples(int i) const override { return m_[static_cast<std::size_t>(i)]; }

  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  // f_i (within the bound at its definition: a few ulps of the exact sum), grad()'s ∇f_i (bit for bit)
  // and accuracy()'s count, from one z = A_i x.
  LossGradCount loss_grad_count(int i, const Vec& x, Vec& out) const override;
  void grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  // Fraction of all rows with sign(a^T x) == b, where a^T x == 0 predicts +1.
  std::optional<double> accuracy(const Vec& x) const override;
  bool convex() const override { return !opts_.nonconvex && opts_.loss == LossKind::logistic; }
  // Computed on first use (thread-safe), from the disk cache when a valid entry exists.
  const ProblemConstants& constants() const override;
  // softmax with the bias: {"W", 2(p−1)} and {"b", 2} (the last row of W); otherwise one block "x".
  std::vector<ParamBlock> blocks() const override;

  const Csr& local_data(int i) const { return w_[static_cast<std::size_t>(i)].A; }
  const Vec& local_labels(int i) const { return w_[static_cast<std::size_t>(i)].b; }
  const LogisticOptions& options() const { return opts_; }
  // Whether worker i's gradient takes the touched-columns path (GradientPath).
  bool uses_touched_columns(int i) const { return !w_[static_cast<std::size_t>(i)].touched.empty(); }
  // The disk-cache key: dataset checksum, problem, λ, bias, dimension, split, seed (if shuffled), n.
  std::string constants_key() const;
  std::string problem_kind() const;  // logreg, logreg_nc, sigmoid_lsq or softmax
  // Computes the constants by power iteration, ignoring every cache (logistic_constants.cpp):
  // L, L_i, per-sample L_ij exact (the Hessian bound is attained at x = 0); L_pm an upper bound
  // (0 for one worker) with L_pm_local its value at x = 0; sigma_sq, L_sigma upper bounds.
  ProblemConstants compute_constants() const;
  // Installs f* (theory/fstar.hpp's ensure_f_star calls it; it does not check the value beyond
  // finite and >= 0). Computes the constants first. Not to be called while other threads read
  // constants(): call it before the problem is handed to a run.
  void set_f_star(double f_star);

 private:
  struct Worker {
    Csr A;          // m_i × dim, row-major
    Vec b;          // ±1
    bool unit_values = false;  // every stored value of A is 1.0: the products skip them (logistic_kernels.hpp)
    mutable Vec z;  // scratch of size m_i: this worker's calls run on one thread at a time
    mutable Vec e;  // loss_grad_count's scratch of size m_i: E = exp(b z)
    mutable Vec u, gu;  // softmax scratch of size p: u = W_{:,1} − W_{:,0} and the gradient in u
    // The distinct columns A_i uses, ascending, when the touched-columns gradient pays
    // (touched_columns_pay); empty otherwise (and always for softmax).
    std::vector<int> touched;
    mutable Vec touched_sum;  // scratch of the same size
  };
  // g = A_i^T z + reg'(x) into out (z in w.z): Eigen's product then the regulariser, or, for a
  // worker with `touched` columns, a scatter into those columns only and one fused pass writing
  // 0.0 + reg'(x_c) elsewhere (no zero-fill pass, no second pass over out); the same bits either way.
  void transpose_times_plus_regularizer(const Worker& w, const Vec& x, Vec& out) const;
  // The touched-columns finish: out_c += reg'(x_c) on the touched columns (which hold A_i^T z) and
  // out_c = 0.0 + reg'(x_c) on the others.
  void add_regularizer_grad_touched(const Worker& w, const Vec& x, Vec& out) const;
  double regularizer(const Vec& x) const;
  void add_regularizer_grad(const Vec& x, Vec& out) const;
  void check(int i, const Vec& x) const;
  // The vector the data multiplies: x itself, or u = W_{:,1} − W_{:,0} (softmax, in w.u).
  const Vec& data_point(const Worker& w, const Vec& x) const;
  // Turns w.z = A_i x into grad()'s weights d/dz_j of the mean loss.
  void gradient_weights(const Worker& w) const;
  // Where A_i^T(...) goes (out, or w.gu for softmax), and the scatter of w.gu into out for softmax:
  // ∂/∂W_k1 = gu_k, ∂/∂W_k0 = −gu_k.
  Vec& grad_target(const Worker& w, Vec& out) const;
  void lift_grad(const Worker& w, Vec& out) const;
  template <bool kUnit>
  void add_minibatch_terms(const Worker& w, int i, const Vec& v, std::span<const int> rows, Vec& g) const;

  std::string name_;
  LogisticOptions opts_;
  std::string checksum_;
  int dim_ = 0;
  int features_ = 0;  // p = columns of A_i (with the bias); dim_ = 2p for softmax
  std::vector<Worker> w_;
  std::vector<int> m_;  // rows of each worker
  mutable std::once_flag constants_once_;
  mutable ProblemConstants constants_;
  std::mutex f_star_mutex_;  // serializes set_f_star calls
};

}  // namespace commopt
