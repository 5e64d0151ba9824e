// ensure_f_star(): f* from the problem, the verified disk cache or the Newton-CG solver, installed
// into the problem's constants (see fstar.hpp), and the one-line description reports print.
#include <chrono>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/version.hpp"
#include "problems/checksum.hpp"
#include "problems/constants_cache.hpp"
#include "theory/fstar.hpp"

namespace commopt {

namespace {

// Above this dimension x* is not stored (news20: 1.35M doubles would be ~30 MB of JSON).
constexpr Index kMaxStoredDim = 100000;

// The checksum an entry without x* carries: of its numbers, so that an edited or damaged value is
// recomputed rather than trusted (it cannot be re-verified without x*).
std::string content_checksum(double f_star, double grad_norm, int iterations, long hessian_products) {
  return hex64(fnv1a64(fmt::format("{:.17g}|{:.17g}|{}|{}", f_star, grad_norm, iterations, hessian_products)));
}

// A cached entry, verified: with x*, one evaluation must reproduce f* and ||∇f|| <= tol; without
// it (only for d > kMaxStoredDim, whose key holds the binary's version), its content checksum must
// match. In both cases f* must lie in [0, f(0)] = [0, log 2] (f(0) = log 2 for every logistic problem).
// `rejected` gets the reason when an entry exists but fails.
std::optional<FStarResult> load_verified(const LogisticProblem& problem, const std::string& key,
                                         const FStarOptions& opts, std::string& rejected) {
  const auto t0 = std::chrono::steady_clock::now();
  const auto entry = load_cache_entry(key);
  if (!entry) return std::nullopt;
  FStarResult r;
  const auto reject = [&](std::string why) -> std::optional<FStarResult> {
    rejected = std::move(why);
    return std::nullopt;
  };
  try {
    r.f_star = entry->at("f_star").get<double>();
    r.iterations = entry->at("iterations").get<int>();
    r.hessian_products = entry->at("hessian_products").get<long>();
    if (!std::isfinite(r.f_star) || r.f_star < 0 || r.f_star > std::log(2.0) * (1 + 1e-12))
      return reject(fmt::format("f* = {} is outside [0, log 2]", r.f_star));
    if (entry->contains("x_star")) {
      const auto xs = entry->at("x_star").get<std::vector<double>>();
      if (static_cast<Index>(xs.size()) != problem.dim())
        return reject(fmt::format("x* has {} entries for d = {}", xs.size(), problem.dim()));
      r.x_star = Eigen::Map<const Vec>(xs.data(), static_cast<Index>(xs.size()));
      Vec g;
      const double f = logistic_objective(problem, r.x_star, g);
      r.grad_norm = g.norm();
      if (!(r.grad_norm <= opts.grad_tol))
        return reject(fmt::format("||grad f(x*)|| = {:.3g} > {:.3g}", r.grad_norm, opts.grad_tol));
      if (!(std::abs(f - r.f_star) <= 1e-12 * std::max(1.0, r.f_star)))
        return reject(fmt::format("f(x*) = {:.17g} but the entry says f* = {:.17g}", f, r.f_star));
    } else {
      if (problem.dim() <= kMaxStoredDim) return reject("x* is missing");
      r.grad_norm = entry->at("grad_norm").get<double>();
      if (entry->value("checksum", std::string()) !=
          content_checksum(r.f_star, r.grad_norm, r.iterations, r.hessian_products))
        return reject("the content checksum does not match");
      if (!(r.grad_norm <= opts.grad_tol))
        return reject(fmt::format("||grad f(x*)|| = {:.3g} > {:.3g}", r.grad_norm, opts.grad_tol));
    }
  } catch (const std::exception& e) {
    return reject(fmt::format("missing or mistyped field: {}", e.what()));
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
  if (r.x_star.size() <= kMaxStoredDim)
    j["x_star"] = std::vector<double>(r.x_star.data(), r.x_star.data() + r.x_star.size());
  else
    j["checksum"] = content_checksum(r.f_star, r.grad_norm, r.iterations, r.hessian_products);
  (void)store_cache_entry(key, j);
}

}  // namespace

std::string f_star_cache_key(const LogisticProblem& problem, const FStarOptions& opts) {
  // Without a stored x* an entry cannot be re-verified: it is valid for this binary only.
  const std::string binary =
      problem.dim() > kMaxStoredDim ? fmt::format("|binary={}+{}", version(), git_revision()) : std::string();
  return fmt::format("f_star v2|{}|grad_tol={:.3g}{}", problem.constants_key(), opts.grad_tol, binary);
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
  if (opts.disk_cache) {
    std::string rejected;
    r = load_verified(*lp, key, opts, rejected);
    if (!rejected.empty())
      fmt::print(stderr, "commopt: cache entry {} failed verification ({}); recomputed\n",
                 constants_cache_file(key).string(), rejected);
  }
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
