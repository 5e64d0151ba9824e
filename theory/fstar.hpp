// f* = inf f for the convex problems, to ||∇f|| <= 1e-10: Newton-CG with exact Hessian-vector
// products on the sparse data for `logreg` (λ > 0), L-BFGS through Objective::loss_grad for any
// other convex objective, and ensure_f_star(), which the CLI calls before a run so that the
// trace's gap column f(x) − f* is filled. Results are cached on disk next to the constants
// (problems/constants_cache.hpp), keyed by the constants key (dataset checksum, problem, λ, bias,
// split, seed, n) plus the tolerance, and verified before use.
// Nonconvex problems get no f*: bounds use f_lower = 0 (every loss here is nonnegative).
#pragma once
#include <optional>
#include <string>

#include "core/objective.hpp"
#include "problems/logistic.hpp"

namespace commopt {

struct FStarOptions {
  double grad_tol = 1e-10;  // stop when ||∇f(x)||_2 <= grad_tol
  int max_iter = 200;       // Newton (or L-BFGS: 100x this) iterations at most
  bool disk_cache = true;   // read/write the result in constants_cache_dir()
};

struct FStarResult {
  double f_star = 0;       // f at x_star
  Vec x_star;              // the minimizer found (empty when restored from a cache entry without it)
  double grad_norm = 0;    // ||∇f(x_star)||_2
  bool converged = false;  // grad_norm <= grad_tol
  int iterations = 0;      // Newton or L-BFGS iterations
  long hessian_products = 0;  // CG steps of Newton-CG
  std::string method;      // "newton-cg", "l-bfgs", "exact" (from the problem), "cache"
  double seconds = 0;      // wall time of the solve or of the cache check
};

// f(x) = mean_i f_i(x) and ∇f(x) of `logreg` (the convex one; λ > 0 or not), with its own buffers
// (thread-safe). Throws std::invalid_argument on a wrong size.
double logistic_objective(const LogisticProblem& problem, const Vec& x, Vec& grad);

// Newton-CG (inexact Newton, forcing term min(0.5, sqrt||g||), Armijo backtracking) from x = 0.
// Uses its own buffers, so it may run while other threads use the problem. Throws UsageError
// unless the problem is `logreg` with λ > 0 (strongly convex, so the minimizer exists).
FStarResult solve_logistic_f_star(const LogisticProblem& problem, const FStarOptions& opts = {});

// L-BFGS (memory 10, Armijo backtracking) on f = mean_i f_i through loss_grad: for convex
// objectives without Hessian products (the quadratic, in tests). Uses the problem's scratch: not
// concurrently with other calls on the same problem. Throws UsageError for a nonconvex problem.
FStarResult solve_f_star_lbfgs(const Objective& problem, const FStarOptions& opts = {});

// The cache key of f* for `problem` at `opts.grad_tol`.
std::string f_star_cache_key(const LogisticProblem& problem, const FStarOptions& opts = {});

// Makes problem.constants().f_star available where it is defined and returns how it was found:
// * already known (quadratic: exact; or installed before): method "exact", no solve;
// * convex `logreg` with λ > 0: from the disk cache when the entry verifies (x* stored: one
//   gradient evaluation must give ||∇f|| <= grad_tol and the same f; otherwise 0 <= f* <= f(0)),
//   else solved by Newton-CG and stored; then installed with LogisticProblem::set_f_star. A solve
//   that does not converge installs nothing and returns converged = false.
// * nonconvex problems, or λ = 0 (the infimum need not be attained): nullopt, f* stays unset.
// Call it before the problem is shared with other threads (it writes the constants).
std::optional<FStarResult> ensure_f_star(Objective& problem, const FStarOptions& opts = {});

// One line for reports: "f* = 0.3245 (newton-cg, ||grad|| = 3e-12)" or, for nonconvex
// problems, "f* unknown: bounds use f* >= f_lower = 0 (every loss is nonnegative)".
std::string describe_f_star(const Objective& problem, const std::optional<FStarResult>& r);

}  // namespace commopt
