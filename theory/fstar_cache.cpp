// ensure_f_star(): f* from the problem, the verified disk cache or the Newton-CG solver, installed
// into the problem's constants (see fstar.hpp), and the one-line description reports print.
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "problems/constants_cache.hpp"
#include "theory/fstar.hpp"

namespace commopt {

namespace {

// Above this dimension x* is not stored (news20: 1.35M doubles would be ~30 MB of JSON).
constexpr Index kMaxStoredDim = 100000;

// A cached entry, verified: with x*, one evaluation must reproduce f* and ||∇f|| <= tol; without
// it, f* must lie in [0, f(0)] = [0, log 2] (f(0) = log 2 for every logistic problem).
std::optional<FStarResult> load_verified(const LogisticProblem& problem, const std::string& key,
                                         const FStarOptions& opts) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto entry = load_cache_entry(key);
  if (!entry) return std::nullopt;
  FStarResult r;
  try {
    r.f_star = entry->at("f_star").get<double>();
    r.iterations = entry->at("iterations").get<int>();
    r.hessian_products = entry->at("hessian_products").get<long>();
    if (!std::isfinite(r.f_star) || r.f_star < 0 || r.f_star > std::log(2.0) * (1 + 1e-12)) return std::nullopt;
    if (entry->contains("x_star")) {
      const auto xs = entry->at("x_star").get<std::vector<double>>();
      if (static_cast<Index>(xs.size()) != problem.dim()) return std::nullopt;
      r.x_star = Eigen::Map<const Vec>(xs.data(), static_cast<Index>(xs.size()));
      Vec g;
      const double f = logistic_objective(problem, r.x_star, g);
      r.grad_norm = g.norm();
      if (!(r.grad_norm <= opts.grad_tol) || !(std::abs(f - r.f_star) <= 1e-12 * std::max(1.0, r.f_star)))
        return std::nullopt;
    } else {
      r.grad_norm = entry->at("grad_norm").get<double>();
      if (!(r.grad_norm <= opts.grad_tol)) return std::nullopt;
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  r.converged = true;
  r.method = "cache";
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

void store(const std::string& key, const FStarResult& r) {
  nlohmann::json j;
  j["f_star"] = r.f_star;
  j["grad_norm"] = r.grad_norm;
  j["iterations"] = r.iterations;
  j["hessian_products"] = r.hessian_products;
  j["seconds"] = r.seconds;
  j["computed_by"] = r.method;
  if (r.x_star.size() <= kMaxStoredDim) j["x_star"] = std::vector<double>(r.x_star.data(), r.x_star.data() + r.x_star.size());
  (void)store_cache_entry(key, j);
}

}  // namespace

std::string f_star_cache_key(const LogisticProblem& problem, const FStarOptions& opts) {
  return fmt::format("f_star v1|{}|grad_tol={:.3g}", problem.constants_key(), opts.grad_tol);
}

std::optional<FStarResult> ensure_f_star(Objective& problem, const FStarOptions& opts) {
  if (const auto& c = problem.constants(); c.f_star) {
    FStarResult r;
    r.f_star = *c.f_star;
    r.converged = true;
    r.method = "exact";
    return r;
  }
  auto* lp = dynamic_cast<LogisticProblem*>(&problem);
  if (!lp || !problem.convex() || !(lp->options().lambda > 0)) return std::nullopt;
  // A process holding only some workers' rows (MPI ranks) cannot solve: f* comes with the
  // constants rank 0 shares, so call ensure_f_star on the full problem before sharing them.
  const auto& o = lp->options();
  if (o.worker_begin > 0 || (o.worker_end >= 0 && o.worker_end < problem.workers())) return std::nullopt;
  const std::string key = f_star_cache_key(*lp, opts);
  std::optional<FStarResult> r;
  if (opts.disk_cache) r = load_verified(*lp, key, opts);
  if (!r) {
    r = solve_logistic_f_star(*lp, opts);
    if (r->converged && opts.disk_cache) store(key, *r);
  }
  if (r->converged) lp->set_f_star(r->f_star);
  return r;
}

std::string describe_f_star(const Objective& problem, const std::optional<FStarResult>& r) {
  const auto& c = problem.constants();
  if (c.f_star) {
    if (r && r->method != "exact")
      return fmt::format("f* = {:.15g} ({}, ||grad f(x*)|| = {:.2g}, {} iterations, {} Hessian products)", *c.f_star, r->method,
                         r->grad_norm, r->iterations, r->hessian_products);
    return fmt::format("f* = {:.15g} (exact)", *c.f_star);
  }
  if (r && !r->converged)
    return fmt::format("f* not found: the solver stopped at ||grad f|| = {:.3g}, above the tolerance; bounds use "
                       "f* >= f_lower = {:g}",
                       r->grad_norm, c.f_lower);
  const char* why = !problem.convex()                               ? "nonconvex"
                    : dynamic_cast<const LogisticProblem*>(&problem) ? "lambda = 0: the infimum need not be attained"
                                                                      : "no solver for this problem yet";
  return fmt::format("f* unknown ({}): bounds use f* >= f_lower = {:g} (every loss is nonnegative)", why, c.f_lower);
}

}  // namespace commopt
