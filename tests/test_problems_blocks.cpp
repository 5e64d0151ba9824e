// Tests of the problems with parameter blocks: the k-class softmax (softmax.hpp) and the
// one-hidden-layer MLP (mlp.hpp). Gradients against central finite differences (full, and a
// minibatch against the full gradient of a problem built from exactly those rows), blocks, the
// minibatch of all rows = the full gradient exactly, accuracy on hand-made cases, the 2-class
// softmax unchanged, the softmax constants as bounds, and the registry's errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include <Eigen/Eigenvalues>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/logistic.hpp"
#include "problems/mlp.hpp"
#include "problems/problem_data.hpp"
#include "problems/registry.hpp"
#include "problems/softmax.hpp"
#include "test_problem_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

// 12 rows, 5 features, labels 1, 2, 7 (three classes, ranks 0, 1, 2), rows 0..2 one of each class.
const char* kThreeClass =
    "1 1:0.5 3:-1.2\n2 2:1.0 4:0.3 5:2.0\n7 1:-0.7 5:0.9\n1 3:1.5\n2 1:0.2 2:-0.4 3:0.6 4:0.8 5:-1.0\n"
    "7 4:-2.0\n1 2:0.9 5:0.1\n2 1:1.1 3:0.3\n7 2:-0.5 4:1.4\n1 5:-0.8\n2 1:0.4 4:0.4\n7 3:-0.9 5:1.2\n";
// Rows 0, 0, 1, 2 of kThreeClass: its full loss is the minibatch {0, 0, 1, 2} of the original.
const char* kRows0012 = "1 1:0.5 3:-1.2\n1 1:0.5 3:-1.2\n2 2:1.0 4:0.3 5:2.0\n7 1:-0.7 5:0.9\n";

std::unique_ptr<Objective> make(const std::string& text, int workers) {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse(text, "--problem"), workers, o);
}

std::string error_of(const std::string& text, int workers = 2) {
  try {
    (void)make(text, workers);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

Vec random_vec(Index d, double scale, std::uint64_t seed) {
  Rng rng(seed, 0, 0, Purpose::data);
  Vec x(d);
  for (Index k = 0; k < d; ++k) x[k] = scale * rng.normal();
  return x;
}

// max over workers of ||∇f_i − FD||/||∇f_i||, central differences of step h.
double fd_error(const Objective& p, const Vec& x, double h = 1e-6) {
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

struct Files {
  TempDir dir;
  Files() {
    write_file(dir / "three.libsvm", kThreeClass);
    write_file(dir / "rows0012.libsvm", kRows0012);
  }
  std::string three() const { return (dir / "three.libsvm").string(); }
  std::string rows() const { return (dir / "rows0012.libsvm").string(); }
};

}  // namespace

TEST_CASE("k-class softmax and mlp: gradients match central finite differences", "[blocks]") {
  Files f;
  for (const std::string& spec : std::vector<std::string>
       {"softmax[data=" + f.three() + "]", "softmax[data=" + f.three() + ",reg=ridge,lambda=0.1]",
        "softmax[data=" + f.three() + ",bias=false,reg=ridge]", "softmax[data=a1a,reg=ridge]",
        "mlp[data=" + f.three() + ",hidden=4,lambda=0.1]", "mlp[data=" + f.three() + ",hidden=3,activation=relu]",
        "mlp[data=" + f.three() + ",hidden=2,bias=false]", "mlp[data=a1a,hidden=2,init_seed=3]"}) {
    INFO(spec);
    const auto p = make(spec, 2);
    CHECK(fd_error(*p, random_vec(p->dim(), 0.5, 7)) < 1e-6);
    CHECK(fd_error(*p, p->initial_point()) < 1e-6);
  }
}

TEST_CASE("k-class softmax and mlp: a minibatch gradient is the full gradient of its rows, regulariser once",
          "[blocks]") {
  Files f;
  for (const std::string kind : {"softmax[reg=ridge,lambda=0.3,", "softmax[lambda=0.3,", "mlp[hidden=3,lambda=0.3,"}) {
    INFO(kind);
    const auto all = make(kind + "data=" + f.three() + "]", 1);
    const auto sub = make(kind + "data=" + f.rows() + ",features=5]", 1);
    REQUIRE(all->dim() == sub->dim());
    const Vec x = random_vec(all->dim(), 0.7, 3);
    const std::vector<int> rows = {0, 2, 0, 1};  // repeats allowed, any order
    Vec mb, full;
    all->minibatch_grad(0, x, rows, mb);
    (void)sub->loss_grad(0, x, full);
    CHECK((mb - full).norm() <= 1e-12 * full.norm());
    CHECK(fd_error(*sub, x) < 1e-6);  // ... and that gradient is the derivative of its loss
  }
}

TEST_CASE("k-class softmax and mlp: the minibatch of every row once is the full gradient, exactly", "[blocks]") {
  Files f;
  for (const std::string& spec : std::vector<std::string> {"softmax[data=" + f.three() + ",reg=ridge]", "mlp[data=a1a,hidden=4]",
                                 "softmax[data=mushrooms,reg=ridge]"}) {
    INFO(spec);
    const auto p = make(spec, 3);
    const Vec x = random_vec(p->dim(), 0.3, 11);
    for (int i = 0; i < p->workers(); ++i) {
      std::vector<int> rows(static_cast<std::size_t>(p->samples(i)));
      std::iota(rows.begin(), rows.end(), 0);
      Vec mb, full;
      p->minibatch_grad(i, x, rows, mb);
      p->grad(i, x, full);
      CHECK(mb == full);
    }
  }
}

TEST_CASE("blocks: names, sizes summing to dim, layout", "[blocks]") {
  Files f;
  const auto sm = make("softmax[data=" + f.three() + "]", 2);  // p = 5 + bias, K = 3
  CHECK(sm->dim() == 18);
  const auto b = sm->blocks();
  REQUIRE(b.size() == 2);
  CHECK((b[0].name == "W" && b[0].size == 15 && b[1].name == "b" && b[1].size == 3));
  CHECK(make("softmax[data=" + f.three() + ",bias=false]", 2)->blocks().size() == 1);
  const auto mlp = make("mlp[data=" + f.three() + ",hidden=4]", 2);  // 5·4 + 4 + 4·3 + 3
  CHECK(mlp->dim() == 39);
  const std::vector<int> sizes = block_sizes(*mlp);
  CHECK(sizes == std::vector<int>{20, 4, 12, 3});
  const auto names = mlp->blocks();
  CHECK((names[0].name == "W1" && names[1].name == "b1" && names[2].name == "W2" && names[3].name == "b2"));
  CHECK(block_sizes(*make("mlp[data=" + f.three() + ",hidden=4,bias=false]", 1)) == std::vector<int>{20, 12});
  for (const char* spec : {"softmax[data=a1a]", "softmax[data=a1a,reg=ridge]", "mlp[data=a1a]"}) {
    const auto p = make(spec, 2);
    const auto s = block_sizes(*p);
    CHECK(std::accumulate(s.begin(), s.end(), 0) == p->dim());
  }
  CHECK(block_sizes(*make("softmax[data=a1a]", 2)) == std::vector<int>{2 * 119, 2});
}

TEST_CASE("accuracy: argmax of the logits, on hand-made cases", "[blocks]") {
  Files f;
  const auto sm = make("softmax[data=" + f.three() + ",reg=ridge]", 2);
  // Only the bias row: b = (0, 1, 0.5) predicts class 1 for every row: 4 of 12 rows.
  Vec x = Vec::Zero(sm->dim());
  x.tail(3) << 0.0, 1.0, 0.5;
  CHECK(*sm->accuracy(x) == Approx(4.0 / 12));
  // Ties go to the lowest class: b = (0, 0, −5) and W_{4,1} = 10 give logits (0, 10 a_4, −5): rows
  // with a_4 > 0 (1, 4, 8, 10; classes 1, 1, 2, 1) predict class 1, row 5 (a_4 < 0) class 0, and the
  // seven rows without feature 4 tie classes 0 and 1, predicting 0 (right on rows 0, 3, 6, 9): 7 of 12.
  x.setZero();
  x.tail(3) << 0.0, 0.0, -5.0;
  x[3 * 3 + 1] = 10;
  CHECK(*sm->accuracy(x) == Approx(7.0 / 12));
  // W_{4,2} = 10 (feature 4 → class 2) and b_1 = 1: logits (0, 1, 10 a_4). Rows with a_4 > 0.1
  // (1, 4, 8, 10; classes 1, 1, 2, 1) predict class 2, all others class 1: right on rows 8 and 7.
  x.setZero();
  x[3 * 3 + 2] = 10;
  x[15 + 1] = 1;
  CHECK(*sm->accuracy(x) == Approx(2.0 / 12));
  const auto mlp = make("mlp[data=" + f.three() + ",hidden=3]", 3);
  Vec z = Vec::Zero(mlp->dim());
  z[mlp->dim() - 1] = 1;  // b2 favours class 2: every row predicts class 2 (4 of 12)
  CHECK(*mlp->accuracy(z) == Approx(4.0 / 12));
  const double a = *mlp->accuracy(mlp->initial_point());
  CHECK((a >= 0 && a <= 1));
}

TEST_CASE("2-class softmax: binary data keeps the LogisticProblem; K-class code agrees with it", "[blocks]") {
  const auto old = make("softmax[data=a1a,lambda=0.01]", 3);
  REQUIRE(dynamic_cast<const LogisticProblem*>(old.get()) != nullptr);  // the unchanged path
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  SoftmaxOptions so;
  so.lambda = 0.01;  // reg=nonconvex, bias: as the 2-class softmax
  so.disk_cache = false;
  const Spec spec = Spec::parse("softmax[data=a1a]", "--problem");
  SoftmaxProblem k(load_problem_data(spec, 3, o), 3, so, "k");
  REQUIRE(k.dim() == old->dim());
  for (std::uint64_t seed : {1, 2}) {
    const Vec x = random_vec(old->dim(), 0.4, seed);
    for (int i = 0; i < 3; ++i) {
      Vec g1, g2;
      CHECK(old->loss_grad(i, x, g1) == Approx(k.loss_grad(i, x, g2)).epsilon(1e-12));
      CHECK((g1 - g2).norm() <= 1e-12 * g1.norm());
    }
  }
  // At W = 0 every sample's loss is log 2 (two equal logits).
  CHECK(k.loss(0, Vec::Zero(k.dim())) == Approx(std::log(2.0)).epsilon(1e-14));
  CHECK(k.compute_constants().L == Approx(old->constants().L).epsilon(1e-5));
}

TEST_CASE("softmax constants: L bounds the gradient's variation, mu its monotonicity", "[blocks]") {
  Files f;
  for (const std::string& spec : std::vector<std::string> {"softmax[data=" + f.three() + ",reg=ridge,lambda=0.05]",
                                 "softmax[data=" + f.three() + ",lambda=0.05]", "softmax[data=a1a,reg=ridge]"}) {
    INFO(spec);
    const auto p = make(spec, 2);
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
  const auto p = make("mlp[data=a1a,hidden=8]", 2);
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
  CHECK(x0 == make("mlp[data=a1a,hidden=8]", 2)->initial_point());          // deterministic
  CHECK(x0 != make("mlp[data=a1a,hidden=8,init_seed=1]", 2)->initial_point());
  Vec g0, g1;
  for (std::uint64_t seed = 0; seed < 5; ++seed) {
    const Vec dx = random_vec(p->dim(), 1e-4, 300 + seed);
    p->grad(0, x0, g0);
    p->grad(0, x0 + dx, g1);
    CHECK((g1 - g0).norm() <= 1.01 * c.L_i[0] * dx.norm());
  }
}

TEST_CASE("mlp and softmax specs: bad values are UsageErrors naming the input", "[blocks]") {
  CHECK(error_of("mlp[data=a1a,hidden=0]").find("hidden=0") != std::string::npos);
  CHECK(error_of("mlp[data=a1a,hiden=3]").find("hidden") != std::string::npos);  // did you mean
  CHECK(error_of("mlp[data=no_such_dataset]").find("no_such_dataset") != std::string::npos);
  CHECK(error_of("mlp[hidden=3]").find("data=") != std::string::npos);
  CHECK(error_of("mlp[data=a1a,activation=sigmoid]").find("activation=sigmoid") != std::string::npos);
  CHECK(error_of("mlp[data=a1a,lambda=-1]").find("lambda") != std::string::npos);
  CHECK(error_of("mlp[data=a1a,init_seed=-2]").find("init_seed") != std::string::npos);
  CHECK(error_of("softmax[data=a1a,reg=l1]").find("reg=l1") != std::string::npos);
  CHECK(error_of("softmax[data=a1a,reg=ridge,lambda=-1]").find("lambda") != std::string::npos);
  CHECK(error_of("softmax[data=a1a,classes=3]").find("classes") != std::string::npos);
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
