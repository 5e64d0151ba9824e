// The f* solvers (see fstar.hpp): Newton-CG for logistic regression, L-BFGS for other convex
// objectives. Near the optimum f stops changing in double precision long before ||∇f|| reaches
// 1e-10, so a step whose f change is within rounding is accepted when it lowers ||∇f||.
#include "theory/fstar.hpp"

#include <chrono>
#include <cmath>
#include <deque>

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// f changed by no more than rounding noise.
bool within_rounding(double f_new, double f_old) {
  return std::abs(f_new - f_old) <= 1e-13 * std::max(1.0, std::abs(f_old));
}

// out = A v, serial: Eigen's OpenMP row-major product spins when the cores are busy (measured 10-50x
// slower under load on 2 cores), and the solver is usually run beside other work.
void spmv(const Csr& A, const Vec& v, Vec& out) {
  out.resize(A.rows());
  const int* outer = A.outerIndexPtr();
  const int* inner = A.innerIndexPtr();
  const double* val = A.valuePtr();
  for (Index r = 0; r < A.rows(); ++r) {
    double t = 0;
    for (int q = outer[r]; q < outer[r + 1]; ++q) t += val[q] * v[inner[q]];
    out[r] = t;
  }
}

// f(x) = Σ_i ω_i Σ_j log(1 + exp(−b_ij a_ij^T x)) + (λ/2)||x||², ω_i = 1/(n m_i): the mean over
// workers of the local means. Keeps the Hessian weights of the last evaluation.
class LogisticEval {
 public:
  explicit LogisticEval(const LogisticProblem& p) : p_(p), n_(p.workers()) {
    for (int i = 0; i < n_; ++i) {
      z_.emplace_back(p.samples(i));
      d_.emplace_back(p.samples(i));
    }
  }
  double operator()(const Vec& x, Vec& g) {
    const double lambda = p_.options().lambda;
    double f = 0;
    g = lambda * x;
    for (int i = 0; i < n_; ++i) {
      const Csr& A = p_.local_data(i);
      const Vec& b = p_.local_labels(i);
      Vec& z = z_[static_cast<std::size_t>(i)];
      Vec& d = d_[static_cast<std::size_t>(i)];
      const double w = 1.0 / (static_cast<double>(n_) * static_cast<double>(A.rows()));
      spmv(A, x, z);
      double sum = 0;
      for (Index j = 0; j < z.size(); ++j) {
        const double t = -b[j] * z[j];  // loss log(1 + e^t), derivative σ(t)
        const double e = std::exp(-std::abs(t));
        sum += std::max(t, 0.0) + std::log1p(e);
        const double s = t >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
        d[j] = w * s * (1.0 - s);
        z[j] = -b[j] * s * w;
      }
      f += w * sum;
      g.noalias() += A.transpose() * z;
    }
    return f + 0.5 * lambda * x.squaredNorm();
  }
  // out = ∇²f(x) v at the x of the last evaluation.
  void hess(const Vec& v, Vec& out) {
    out = p_.options().lambda * v;
    for (int i = 0; i < n_; ++i) {
      const Csr& A = p_.local_data(i);
      Vec& z = z_[static_cast<std::size_t>(i)];
      spmv(A, v, z);
      z.array() *= d_[static_cast<std::size_t>(i)].array();
      out.noalias() += A.transpose() * z;
    }
  }
  // out = diag ∇²f(x) at the x of the last evaluation (λ + Σ_ij d_ij a_ijk²), the CG preconditioner.
  void hess_diag(Vec& out) const {
    out.setConstant(p_.dim(), p_.options().lambda);
    for (int i = 0; i < n_; ++i) {
      const Csr& A = p_.local_data(i);
      const Vec& d = d_[static_cast<std::size_t>(i)];
      for (Index r = 0; r < A.rows(); ++r)
        for (Csr::InnerIterator it(A, r); it; ++it) out[it.col()] += d[r] * it.value() * it.value();
    }
  }

 private:
  const LogisticProblem& p_;
  int n_;
  std::vector<Vec> z_, d_;
};

}  // namespace

double logistic_objective(const LogisticProblem& problem, const Vec& x, Vec& grad) {
  if (x.size() != problem.dim())
    throw std::invalid_argument(fmt::format("{}: vector of size {} (dim {})", problem.name(), x.size(), problem.dim()));
  if (!problem.convex()) throw UsageError(fmt::format("{}: logistic_objective is the convex logreg's", problem.name()));
  LogisticEval eval(problem);
  return eval(x, grad);
}

FStarResult solve_logistic_f_star(const LogisticProblem& problem, const FStarOptions& opts) {
  if (!problem.convex() || !(problem.options().lambda > 0))
    throw UsageError(fmt::format("{}: f* needs the convex logreg with lambda > 0 (strongly convex)", problem.name()));
  const auto t0 = Clock::now();
  const Index dim = problem.dim();
  LogisticEval eval(problem);
  FStarResult r;
  r.method = "newton-cg";
  Vec x = Vec::Zero(dim), g(dim), p(dim), res(dim), dir(dim), hd(dim), x_new(dim), g_new(dim), z(dim), inv_diag(dim);
  double f = eval(x, g);
  const int max_cg = static_cast<int>(std::min<Index>(5000, std::max<Index>(200, 4 * dim)));
  for (r.iterations = 0; r.iterations < opts.max_iter; ++r.iterations) {
    const double gn = g.norm();
    if (gn <= opts.grad_tol) break;
    // Jacobi-preconditioned CG on ∇²f p = −g to relative residual η = min(0.5, sqrt||g||)
    // (superlinear convergence).
    const double eta = std::min(0.5, std::sqrt(gn));
    eval.hess_diag(inv_diag);
    inv_diag = inv_diag.cwiseInverse();
    p.setZero();
    res = -g;
    z = inv_diag.cwiseProduct(res);
    dir = z;
    double rz = res.dot(z);
    for (int k = 0; k < max_cg && res.norm() > eta * gn; ++k) {
      eval.hess(dir, hd);
      ++r.hessian_products;
      const double alpha = rz / dir.dot(hd);
      p.noalias() += alpha * dir;
      res.noalias() -= alpha * hd;
      z = inv_diag.cwiseProduct(res);
      const double rz_new = res.dot(z);
      dir = z + (rz_new / rz) * dir;
      rz = rz_new;
    }
    const double slope = g.dot(p);
    if (!(slope < 0)) p = -g;  // cannot happen with a positive definite Hessian; safe fallback
    double t = 1;
    bool accepted = false;
    for (int ls = 0; ls < 60 && !accepted; ++ls, t *= 0.5) {
      x_new = x + t * p;
      const double f_new = eval(x_new, g_new);
      accepted = f_new <= f + 1e-4 * t * g.dot(p) || (within_rounding(f_new, f) && g_new.norm() < gn);
      if (accepted) {
        x.swap(x_new);
        g.swap(g_new);
        f = f_new;
      }
    }
    if (!accepted) {
      f = eval(x, g);  // restore the Hessian weights at x; no further progress possible
      break;
    }
  }
  r.grad_norm = g.norm();
  r.converged = r.grad_norm <= opts.grad_tol;
  r.f_star = f;
  r.x_star = std::move(x);
  r.seconds = seconds_since(t0);
  return r;
}

FStarResult solve_f_star_lbfgs(const Objective& problem, const FStarOptions& opts) {
  if (!problem.convex()) throw UsageError(fmt::format("{}: f* is only computed for convex problems", problem.name()));
  const auto t0 = Clock::now();
  const int n = problem.workers();
  Vec gi(problem.dim());
  const auto eval = [&](const Vec& x, Vec& g) {
    double f = 0;
    g.setZero(problem.dim());
    for (int i = 0; i < n; ++i) {
      f += problem.loss_grad(i, x, gi) / n;
      g += gi / n;
    }
    return f;
  };
  FStarResult r;
  r.method = "l-bfgs";
  Vec x = problem.initial_point(), g, x_new, g_new, q;
  double f = eval(x, g);
  std::deque<std::pair<Vec, Vec>> mem;  // (s, y) pairs, newest last
  constexpr std::size_t kMemory = 10;
  for (r.iterations = 0; r.iterations < 100 * opts.max_iter; ++r.iterations) {
    const double gn = g.norm();
    if (gn <= opts.grad_tol) break;
    // Two-loop recursion: q = −H g.
    q = -g;
    std::vector<double> alpha(mem.size());
    for (std::size_t k = mem.size(); k-- > 0;) {
      alpha[k] = mem[k].first.dot(q) / mem[k].second.dot(mem[k].first);
      q -= alpha[k] * mem[k].second;
    }
    if (mem.empty()) {
      q /= std::max(gn, 1.0);
    } else {
      q *= mem.back().first.dot(mem.back().second) / mem.back().second.squaredNorm();
    }
    for (std::size_t k = 0; k < mem.size(); ++k) {
      const double beta = mem[k].second.dot(q) / mem[k].second.dot(mem[k].first);
      q += (alpha[k] - beta) * mem[k].first;
    }
    if (!(g.dot(q) < 0)) {
      q = -g;
      mem.clear();
    }
    double t = 1;
    bool accepted = false;
    double f_new = f;
    for (int ls = 0; ls < 60 && !accepted; ++ls, t *= 0.5) {
      x_new = x + t * q;
      f_new = eval(x_new, g_new);
      accepted = f_new <= f + 1e-4 * t * g.dot(q) || (within_rounding(f_new, f) && g_new.norm() < gn);
    }
    if (!accepted) break;
    Vec s = x_new - x, y = g_new - g;
    if (s.dot(y) > 1e-300) {
      mem.emplace_back(std::move(s), std::move(y));
      if (mem.size() > kMemory) mem.pop_front();
    }
    x.swap(x_new);
    g.swap(g_new);
    f = f_new;
  }
  r.grad_norm = g.norm();
  r.converged = r.grad_norm <= opts.grad_tol;
  r.f_star = f;
  r.x_star = std::move(x);
  r.seconds = seconds_since(t0);
  return r;
}

}  // namespace commopt
