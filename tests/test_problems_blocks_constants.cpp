// Constants of the problems with parameter blocks: the k-class softmax's L, L_i and mu as bounds
// on random pairs, the MLP's estimates against the spectral norm of its finite-difference Hessian
// at x0, and a process holding some workers (a distributed run) computing their oracles alike.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cmath>

#include <Eigen/Eigenvalues>

#include "problems/mlp.hpp"
#include "problems/problem_data.hpp"
#include "test_blocks_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

TEST_CASE("softmax constants: L bounds the gradient's variation, mu its monotonicity", "[blocks]") {
  Files f;
  for (const std::string& spec : std::vector<std::string> {"softmax[data=" + f.three() + ",reg=ridge,lambda=0.05]",
                                 "softmax[data=" + f.three() + ",lambda=0.05]", "softmax[data=a1a,reg=ridge]"}) {
    INFO(spec);
    const auto p = make_problem_n(spec, 2);
    const ProblemConstants& c = p->constants();
    CHECK(p->convex() == (spec.find("ridge") != std::string::npos));
    CHECK(c.mu == (p->convex() ? (spec.find("a1a") != std::string::npos ? 0.001 : 0.05) : 0.0));  // λ for ridge
    CHECK(c.f_lower == 0);
    CHECK(c.L_hat >= c.L_pm);
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      const Vec x = random_vec(p->dim(), seed % 2 ? 3.0 : 0.3, 100 + seed), y = x + random_vec(p->dim(), 0.5, 200 + seed);
      Vec gx = Vec::Zero(p->dim()), gy = Vec::Zero(p->dim()), a, b;
      for (int i = 0; i < p->workers(); ++i) {
        p->grad(i, x, a);
        p->grad(i, y, b);
        CHECK((a - b).norm() <= c.L_i[static_cast<std::size_t>(i)] * (x - y).norm());
        gx += a / p->workers();
        gy += b / p->workers();
      }
      CHECK((gx - gy).norm() <= c.L * (x - y).norm());
      if (p->convex()) CHECK((gx - gy).dot(x - y) >= c.mu * (x - y).squaredNorm() * (1 - 1e-9));
    }
  }
}

TEST_CASE("mlp constants: finite estimates at x0, and the initial point breaks the symmetry", "[blocks]") {
  const auto p = make_problem_n("mlp[data=a1a,hidden=8]", 2);
  const ProblemConstants& c = p->constants();
  CHECK(c.smoothness_kind == ConstantKind::estimate);
  CHECK(c.L > 0);
  CHECK(std::isfinite(c.L));
  CHECK(c.L_i.size() == 2);
  CHECK(c.L_max >= c.L_hat);
  CHECK(c.mu == 0);
  CHECK(c.f_lower == 0);
  CHECK(c.sigma_sq > 0);
  CHECK(c.L_max_sample >= c.L_max_sample_rms);
  CHECK_FALSE(p->convex());
  const Vec x0 = p->initial_point();
  CHECK(x0.head(119 * 8).norm() > 0);  // W1 is not zero
  CHECK(x0 == make_problem_n("mlp[data=a1a,hidden=8]", 2)->initial_point());          // deterministic
  CHECK(x0 != make_problem_n("mlp[data=a1a,hidden=8,init_seed=1]", 2)->initial_point());
  Vec g0, g1;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const Vec dx = random_vec(p->dim(), 1e-4, 300 + seed);
    p->grad(0, x0, g0);
    p->grad(0, x0 + dx, g1);
    CHECK((g1 - g0).norm() <= 1.01 * c.L_i[0] * dx.norm());
  }
}

TEST_CASE("mlp constants: L and L_i are the Hessian's spectral norm at x0", "[blocks]") {
  // Independent oracle: the full Hessian at x0 from central differences of the gradient, column by
  // column, symmetrised; its largest |eigenvalue|.
  Files f;
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  MlpOptions mo;
  mo.hidden = 3;
  mo.lambda = 0.01;
  mo.disk_cache = false;
  const Spec spec = Spec::parse("mlp[data=" + f.three() + "]", "--problem");
  for (Activation act : {Activation::tanh, Activation::relu}) {
    mo.activation = act;
    MlpProblem p(load_problem_data(spec, 2, o), 2, mo, "mlp");
    const Vec x0 = p.initial_point();
    const ProblemConstants c = p.compute_constants();
    const auto hessian_norm = [&](int worker) {  // worker −1: f = mean of the f_i
      const Index d = p.dim();
      Eigen::MatrixXd H(d, d);
      Vec gp, gm, x = x0, t;
      const double h = 1e-5;
      const auto grad = [&](const Vec& at, Vec& g) {
        if (worker >= 0) return p.grad(worker, at, g);
        g.setZero(d);
        for (int i = 0; i < 2; ++i) {
          p.grad(i, at, t);
          g += t / 2;
        }
      };
      for (Index k = 0; k < d; ++k) {
        x[k] = x0[k] + h;
        grad(x, gp);
        x[k] = x0[k] - h;
        grad(x, gm);
        x[k] = x0[k];
        H.col(k) = (gp - gm) / (2 * h);
      }
      const Eigen::MatrixXd S = (H + H.transpose()) / 2;
      return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(S).eigenvalues().cwiseAbs().maxCoeff();
    };
    CHECK(c.L == Approx(hessian_norm(-1)).epsilon(0.02));
    for (int i = 0; i < 2; ++i) CHECK(c.L_i[static_cast<std::size_t>(i)] == Approx(hessian_norm(i)).epsilon(0.02));
  }
}

TEST_CASE("k-class softmax and mlp: a process holding some workers computes their oracles alike", "[blocks]") {
  for (const char* spec : {"softmax[data=a1a,reg=ridge]", "mlp[data=a1a,hidden=3]"}) {
    INFO(spec);
    ProblemOptions o;
    o.data_dir = COMMOPT_SHARED_DATASETS;
    o.split = "shuffled";
    o.seed = 4;
    const auto full = make_problem(Spec::parse(spec, "--problem"), 4, o);
    o.worker_begin = 1;
    o.worker_end = 3;
    o.constants = full->constants();
    const auto part = make_problem(Spec::parse(spec, "--problem"), 4, o);
    CHECK(part->constants() == full->constants());
    CHECK(part->initial_point() == full->initial_point());
    const Vec x = random_vec(full->dim(), 0.2, 9);
    for (int i = 1; i < 3; ++i) {
      CHECK(part->samples(i) == full->samples(i));
      Vec a, b;
      CHECK(part->loss_grad(i, x, a) == full->loss_grad(i, x, b));
      CHECK(a == b);
    }
  }
}
