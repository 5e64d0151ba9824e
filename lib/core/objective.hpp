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

// Smoothness and curvature constants of a problem and its split (dasha-family.md §1, §4).
struct ProblemConstants {
  double L = 0;                 // smoothness of f
  std::vector<double> L_i;      // smoothness of each f_i
  double L_hat = 0;             // sqrt(mean L_i^2)
  double L_max = 0;             // max_i L_i
  double mu = 0;                // strong convexity of f (0 when not strongly convex)
  std::optional<double> f_star; // inf f when known (exact for quadratics, solved for convex problems)
  std::string source;           // how they were obtained: "exact", "power-iteration", "cache"
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
  virtual bool convex() const = 0;
  virtual const ProblemConstants& constants() const = 0;
  virtual Vec initial_point() const { return Vec::Zero(dim()); }
};

}  // namespace commopt
