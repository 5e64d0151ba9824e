// verify_constants(): what is cheap to check in cached constants before a run trusts them (see
// constants_cache.hpp). A wrong L turns the "theory" step size into a wrong one by the same factor,
// so an entry that is plausible but wrong (L/100, mu > L, L = 1e300) must not be used.
#include <cmath>
#include <random>

#include <fmt/format.h>

#include "problems/constants_cache.hpp"

namespace commopt {

namespace {

constexpr double kOrderTol = 1e-3;  // relative slack of mu <= L <= L_hat <= L_max (power-iteration margins)
constexpr double kSpotTol = 1e-2;   // relative slack of the Hessian spot check (finite differences)
constexpr int kSpotIterations = 4;

// ∇f(x) = (1/n) Σ_i ∇f_i(x).
Vec full_grad(const Objective& p, const Vec& x) {
  Vec g = Vec::Zero(p.dim()), gi;
  for (int i = 0; i < p.workers(); ++i) {
    p.grad(i, x, gi);
    g += gi;
  }
  return g / p.workers();
}

// A lower estimate of ||∇²f(0)||: power iteration with H v ≈ (∇f(εv) − ∇f(0)) / ε, ||v|| = 1, so
// kSpotIterations + 1 full gradients. Any value is <= sup ||∇²f|| <= L for a valid L (up to O(ε)).
double hessian_norm_at_zero(const Objective& p) {
  std::mt19937_64 gen(20261201);
  std::normal_distribution<double> normal;
  Vec v(p.dim());
  for (Index k = 0; k < v.size(); ++k) v[k] = normal(gen);
  v.normalize();
  const double eps = 1e-4;
  double best = 0;
  const Vec g0 = full_grad(p, Vec::Zero(p.dim()));
  for (int it = 0; it < kSpotIterations; ++it) {
    const Vec hv = (full_grad(p, eps * v) - g0) / eps;
    const double norm = hv.norm();
    if (!std::isfinite(norm) || norm == 0) break;
    best = std::max(best, norm);
    v = hv / norm;
  }
  return best;
}

}  // namespace

std::optional<std::string> verify_constants(const Objective& problem, const ProblemConstants& c, bool spot_check) {
  for (double v : {c.L, c.mu, c.L_hat, c.L_max})
    if (!std::isfinite(v) || v < 0) return fmt::format("a constant is {}, not finite and >= 0", v);
  if (!(c.L > 0)) return fmt::format("L = {} is not positive", c.L);
  if (c.mu > c.L * (1 + kOrderTol)) return fmt::format("mu = {:.6g} > L = {:.6g}", c.mu, c.L);
  if (c.smoothness_kind == ConstantKind::estimate) return std::nullopt;  // estimates need not be ordered
  if (c.L > c.L_hat * (1 + kOrderTol)) return fmt::format("L = {:.6g} > L_hat = {:.6g}", c.L, c.L_hat);
  if (c.L_hat > c.L_max * (1 + kOrderTol)) return fmt::format("L_hat = {:.6g} > L_max = {:.6g}", c.L_hat, c.L_max);
  if (!spot_check) return std::nullopt;
  const double spot = hessian_norm_at_zero(problem);
  if (spot > c.L * (1 + kSpotTol))
    return fmt::format("L = {:.6g} is below the power-iteration estimate {:.6g} of ||Hessian of f at 0||", c.L,
                       spot);
  return std::nullopt;
}

}  // namespace commopt
