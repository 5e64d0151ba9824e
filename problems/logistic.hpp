// Logistic regression over a LIBSVM dataset split across workers:
//   logreg:    f_i(x) = (1/m_i) Σ_j log(1 + exp(-b_j a_j^T x)) + (λ/2)||x||²     (convex, μ = λ)
//   logreg_nc: f_i(x) = (1/m_i) Σ_j log(1 + exp(-b_j a_j^T x)) + λ Σ_k x_k²/(1+x_k²)  (EF21's nonconvex)
// Constants (dasha-family.md §4): L_i = λ_max(A_i^T A_i)/(4 m_i) + c, L = λ_max((1/n) Σ_i A_i^T A_i/(4 m_i)) + c
// with c = λ (logreg) or 2λ (logreg_nc, since the regulariser's curvature lies in [-λ/2, 2λ]).
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "problems/libsvm.hpp"
#include "problems/split.hpp"

namespace commopt {

struct LogisticOptions {
  double lambda = 1e-3;
  bool nonconvex = false;  // logreg_nc's regulariser instead of (λ/2)||x||²
  bool bias = false;       // append a feature that is always 1
  SplitKind split = SplitKind::contiguous;
  std::uint64_t seed = 0;  // used by the shuffled split
  bool disk_cache = true;  // read/write constants in constants_cache_dir()
};

class LogisticProblem final : public Objective {
 public:
  // Labels must be binary (±1). `name` is the canonical spec text. Throws UsageError.
  LogisticProblem(std::shared_ptr<const LibsvmData> data, int workers, const LogisticOptions& opts, std::string name);

  std::string name() const override { return name_; }
  int workers() const override { return static_cast<int>(w_.size()); }
  int dim() const override { return dim_; }
  int samples(int i) const override { return static_cast<int>(w_[static_cast<std::size_t>(i)].A.rows()); }

  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  void grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  // Fraction of all rows with sign(a^T x) == b, where a^T x == 0 predicts +1.
  std::optional<double> accuracy(const Vec& x) const override;
  bool convex() const override { return !opts_.nonconvex; }
  // Computed on first use (thread-safe), from the disk cache when a valid entry exists.
  const ProblemConstants& constants() const override;

  const Csr& local_data(int i) const { return w_[static_cast<std::size_t>(i)].A; }
  const Vec& local_labels(int i) const { return w_[static_cast<std::size_t>(i)].b; }
  const LogisticOptions& options() const { return opts_; }
  // The disk-cache key: dataset checksum, problem, λ, bias, dimension, split, seed (if shuffled), n.
  std::string constants_key() const;
  // Computes the constants by power iteration, ignoring every cache.
  ProblemConstants compute_constants() const;

 private:
  struct Worker {
    Csr A;          // m_i × dim, row-major
    Vec b;          // ±1
    mutable Vec z;  // scratch of size m_i: this worker's calls run on one thread at a time
  };
  double regularizer(const Vec& x) const;
  void add_regularizer_grad(const Vec& x, Vec& out) const;
  void check(int i, const Vec& x) const;

  std::string name_;
  LogisticOptions opts_;
  std::string checksum_;
  int dim_ = 0;
  std::vector<Worker> w_;
  mutable std::once_flag constants_once_;
  mutable ProblemConstants constants_;
};

}  // namespace commopt
