// The tiny nonconvex finite sum on which certificates run the shipped methods (theory/certificate.hpp):
//   f(x) = (1/n) Σ_i f_i(x),  f_i(x) = (1/m) Σ_j f_ij(x),  f_ij(x) = ½ xᵀA_ij x − b_ijᵀx,
// with symmetric indefinite A_ij (entries N(0,1)/(2√d) symmetrized), so f_i and f are nonconvex.
// Its constants are exact (eigenvalues). For the certificate's random states it can add a fixed
// perturbation to every gradient its oracles return (worker i gets scale_i · ξ_i, ξ_i a standard
// normal vector keyed by (seed, i, key)): running a method's first rounds on perturbed gradients
// leaves its estimators (g_i, h_i, g) at arbitrary distances from the true gradients, the states
// its potential must handle, and replays identically.
#pragma once
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/objective.hpp"

namespace commopt {

class Rng;

// A d×d symmetric indefinite matrix (G + Gᵀ)/(2√d), G with standard normal entries drawn row by
// row from `rng`: the Hessians of every tiny nonconvex problem of the certificates and models.
Eigen::MatrixXd random_indefinite_symmetric(int d, Rng& rng);
// ||A||_2 of a symmetric matrix (its largest |eigenvalue|).
double spectral_norm(const Eigen::MatrixXd& A);

// Worst-case shapes for the tightness family (theory/tightness.hpp): every A_ij becomes
// h_i · S A_ij S with S = diag(condition^{k/(2(d−1))}) (eigenvalue spread up to `condition`) and
// h_i = heterogeneity^{i/(n−1)} (L_i spread up to `heterogeneity`). The defaults leave A_ij as drawn.
struct TinyShape {
  double condition = 1;
  double heterogeneity = 1;
};

class TinyProblem final : public Objective {
 public:
  TinyProblem(int d, int n, int m, std::uint64_t seed, TinyShape shape = {});

  std::string name() const override;
  int workers() const override { return n_; }
  int dim() const override { return d_; }
  int samples(int) const override { return m_; }
  double loss(int i, const Vec& x) const override;
  double loss_grad(int i, const Vec& x, Vec& out) const override;
  void minibatch_grad(int i, const Vec& x, std::span<const int> rows, Vec& out) const override;
  bool convex() const override { return false; }
  const ProblemConstants& constants() const override { return c_; }
  Vec initial_point() const override { return x0_; }

  void set_initial_point(const Vec& x0) { x0_ = x0; }
  // Every gradient of worker i returned until clear_perturbation() is shifted by scales[i] · ξ_i(key).
  void set_perturbation(std::uint64_t key, const std::vector<double>& scales);
  void clear_perturbation() { perturb_.clear(); }
  // The exact one-step check (theory/quadratic_form.hpp): every gradient of worker i is shifted by
  // v[i] (one d-vector per worker) until clear_perturbation(); and b_ij is scaled by tau, so that
  // f_ij(x) = ½xᵀA_ij x − tau·b_ijᵀx is a homogeneous quadratic in (x, tau).
  void set_perturbation_vectors(std::vector<Vec> v) { perturb_ = std::move(v); }
  void set_linear_scale(double tau) { tau_ = tau; }

  // Exact values, for tests.
  Vec grad_i(int i, const Vec& x) const;
  Vec grad(const Vec& x) const;
  double f(const Vec& x) const;

 private:
  void add_perturbation(int i, Vec& out) const;
  int d_, n_, m_;
  std::uint64_t seed_;
  std::vector<std::vector<Eigen::MatrixXd>> A_;  // A_[i][j]
  std::vector<std::vector<Vec>> b_;
  std::vector<Eigen::MatrixXd> A_i_;             // (1/m) Σ_j A_ij
  std::vector<Vec> b_i_;
  ProblemConstants c_;
  Vec x0_;
  std::vector<Vec> perturb_;  // per worker; empty = exact gradients
  double tau_ = 1;            // scale of the linear terms b_ij
};

}  // namespace commopt
