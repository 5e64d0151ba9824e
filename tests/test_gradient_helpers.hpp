// Shared by the problems' tests: reproducible random points and the central finite-difference
// check of a problem's gradients (test_problems.cpp, test_problems_blocks*.cpp).
#pragma once
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>

#include "core/objective.hpp"
#include "core/rng.hpp"

namespace commopt::testing {

// d i.i.d. N(0, scale²) coordinates from the data stream of `seed`.
inline Vec random_vec(Index d, double scale, std::uint64_t seed) {
  Rng rng(seed, 0, 0, Purpose::data);
  Vec x(d);
  for (Index k = 0; k < d; ++k) x[k] = scale * rng.normal();
  return x;
}

// max over workers of ||∇f_i − FD||/||∇f_i||, central differences of step h; also checks that
// loss_grad's value is loss's.
inline double fd_error(const Objective& p, const Vec& x, double h = 1e-6) {
  double worst = 0;
  for (int i = 0; i < p.workers(); ++i) {
    Vec g, fd(p.dim());
    const double f = p.loss_grad(i, x, g);
    CHECK(f == Approx(p.loss(i, x)).epsilon(1e-14));
    Vec xp = x;
    for (Index k = 0; k < p.dim(); ++k) {
      xp[k] = x[k] + h;
      const double up = p.loss(i, xp);
      xp[k] = x[k] - h;
      const double down = p.loss(i, xp);
      xp[k] = x[k];
      fd[k] = (up - down) / (2 * h);
    }
    worst = std::max(worst, (g - fd).norm() / g.norm());
  }
  return worst;
}

}  // namespace commopt::testing
