// The objective a distributed method sees: f(x) = (1/n) Σ_i f_i(x), worker i owns f_i.
// Concrete problems (LIBSVM logistic regression, synthetic quadratics, ...) live in problems/;
// this interface is in lib/core so that methods depend on it without depending on problems/.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/types.hpp"

namespace commopt {

// How a constant was obtained: exactly (closed form, or a converged eigenvalue with a 1e-6
// margin), as a proven upper bound, or as an estimate (no guarantee in either direction).
enum class ConstantKind { exact, upper_bound, estimate };
inline const char* constant_kind_name(ConstantKind k) {
  return k == ConstantKind::exact ? "exact" : k == ConstantKind::upper_bound ? "upper bound" : "estimate";
}

// Smoothness and curvature constants of a problem and its split (dasha-family.md §1, §4).
// The first block is what methods read for step sizes; the second (per-sample, Hessian variance,
// noise) is filled by every problem too, with kinds saying which values are upper bounds.
struct ProblemConstants {
  double L = 0;                 // smoothness of f
  std::vector<double> L_i;      // smoothness of each f_i
  double L_hat = 0;             // sqrt(mean L_i^2)
  double L_max = 0;             // max_i L_i (worker-level; per-sample constants are below)
  double mu = 0;                // strong convexity of f (0 when not strongly convex)
  std::optional<double> f_star; // inf f when known (exact for quadratics, solved for convex problems)
  std::string source;           // how they were obtained: "exact", "power-iteration", "cache"

  // Per-sample smoothness L_ij of f_ij (finite sum f_i = (1/m_i) Σ_j f_ij), both conventions of §1:
  double L_max_sample_rms = 0;  // sqrt(max_i (1/m_i) Σ_j L_ij²)   (the [CERT]s' L_max)
  double L_max_sample = 0;      // max_{i,j} L_ij                  (the papers' L_max; >= the rms one)
  // Hessian variance L_± (PermK paper): (1/n)Σ||∇f_i(x)−∇f_i(y)||² − ||∇f(x)−∇f(y)||² <= L_±²||x−y||².
  double L_pm = 0;              // valid for every x, y (kind in L_pm_kind); 0 <= L_pm <= L_hat
  double L_pm_local = 0;        // the same ratio's sup at x = y = x^0 (a lower bound of the true L_±)
  // One uniform sample per node (a batch of B divides both squares by B):
  double sigma_sq = 0;          // E||∇f_ij(x) − ∇f_i(x)||² <= σ² for every x
  double L_sigma = 0;           // mean-squared smoothness of the noise, E||Δ_j(x,y) − Δ(x,y)||² <= L_σ²||x−y||²
  ConstantKind smoothness_kind = ConstantKind::exact;  // L, L_i, L_hat, L_max, L_max_sample*
  ConstantKind L_pm_kind = ConstantKind::exact;
  ConstantKind noise_kind = ConstantKind::exact;       // sigma_sq, L_sigma
  // A valid lower bound of inf f for bounds that need Δ0 = f(x^0) − f*: f_star when known, else 0
  // (every loss here is nonnegative; the quadratic has its exact f*).
  double f_lower = 0;

  // Field by field; a distributed run checks with it that the constants it sends arrive whole.
  bool operator==(const ProblemConstants&) const = default;
};

// A named block of consecutive coordinates of x (a layer's weights, a bias, a class's row).
// Per-tensor compressors (block_sign, blockwise[...]) and per-block methods read them.
struct ParamBlock {
  std::string name;
  int size = 0;
};

class Objective {
 public:
  virtual ~Objective() = default;
  virtual std::string name() const = 0;   // canonical spec text
  virtual int workers() const = 0;
  virtual int dim() const = 0;
  virtual int samples(int i) const = 0;   // m_i: rows of worker i (1 for non-finite-sum problems)

  // f_i(x) and ∇f_i(x) (full local gradient, costs samples(i) sample gradients). `out` is resized.
  virtual double loss(int i, const Vec& x) const = 0;
  virtual double loss_grad(int i, const Vec& x, Vec& out) const = 0;
  // ∇f_i(x) alone; problems override it when skipping the loss saves work (logistic: no log1p).
  virtual void grad(int i, const Vec& x, Vec& out) const { (void)loss_grad(i, x, out); }
  // Mean of the sample gradients ∇f_ij(x) over `rows` (indices into worker i's rows; repeats
  // allowed), including the regularizer once. Costs rows.size() sample gradients.
  virtual void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const = 0;

  // Training accuracy of sign(a^T x) over all rows, for classification problems.
  virtual std::optional<double> accuracy(const Vec& x) const { (void)x; return std::nullopt; }
  // A logged round's look at worker i in one pass over its rows: f_i(x) as loss_grad computes it,
  // ∇f_i(x) exactly as grad() computes it (bit for bit: a round hands this gradient to the method in
  // place of grad()'s, net/shared_gradients.hpp, so a problem that overrides grad() overrides this
  // too), and how many of worker i's rows accuracy() would count as correct, from the same products
  // A_i x. Problems that cannot count per worker report correct = -1 (the evaluation then calls
  // accuracy()).
  struct LossGradCount {
    double loss = 0;
    long correct = -1;
    long rows = 0;
  };
  virtual LossGradCount loss_grad_count(int i, const Vec& x, Vec& out) const { return {loss_grad(i, x, out), -1, 0}; }
  virtual bool convex() const = 0;
  virtual const ProblemConstants& constants() const = 0;
  virtual Vec initial_point() const { return Vec::Zero(dim()); }
  // The parameter blocks of x in coordinate order (sizes sum to dim()); one block "x" by default.
  virtual std::vector<ParamBlock> blocks() const { return {{"x", dim()}}; }
};

// The sizes of problem.blocks(), as CompressorContext::blocks takes them.
inline std::vector<int> block_sizes(const Objective& problem) {
  std::vector<int> sizes;
  for (const ParamBlock& b : problem.blocks()) sizes.push_back(b.size);
  return sizes;
}

}  // namespace commopt
