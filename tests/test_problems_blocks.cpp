// Tests of the problems with parameter blocks: the k-class softmax (softmax.hpp) and the
// one-hidden-layer MLP (mlp.hpp). Gradients against central finite differences (full, and a
// minibatch against the full gradient of a problem built from exactly those rows), blocks, the
// minibatch of all rows = the full gradient exactly, accuracy on hand-made cases, the 2-class
// softmax unchanged, and the registry's errors. Constants: test_problems_blocks_constants.cpp.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cmath>
#include <numeric>

#include "problems/logistic.hpp"
#include "problems/mlp.hpp"
#include "problems/problem_data.hpp"
#include "problems/softmax.hpp"
#include "test_blocks_helpers.hpp"

using namespace commopt;
using namespace commopt::testing;

TEST_CASE("k-class softmax and mlp: gradients match central finite differences", "[blocks]") {
  Files f;
  for (const std::string& spec : std::vector<std::string>
       {"softmax[data=" + f.three() + "]", "softmax[data=" + f.three() + ",reg=ridge,lambda=0.1]",
        "softmax[data=" + f.three() + ",bias=false,reg=ridge]", "softmax[data=a1a,reg=ridge]",
        "mlp[data=" + f.three() + ",hidden=4,lambda=0.1]", "mlp[data=" + f.three() + ",hidden=3,activation=relu]",
        "mlp[data=" + f.three() + ",hidden=2,bias=false]", "mlp[data=a1a,hidden=2,init_seed=3]"}) {
    INFO(spec);
    const auto p = make_problem_n(spec, 2);
    CHECK(fd_error(*p, random_vec(p->dim(), 0.5, 7)) < 1e-6);
    CHECK(fd_error(*p, p->initial_point()) < 1e-6);
  }
}

TEST_CASE("k-class softmax and mlp: a minibatch gradient is the full gradient of its rows, regulariser once",
          "[blocks]") {
  Files f;
  for (const std::string kind : {"softmax[reg=ridge,lambda=0.3,", "softmax[lambda=0.3,", "mlp[hidden=3,lambda=0.3,"}) {
    INFO(kind);
    const auto all = make_problem_n(kind + "data=" + f.three() + "]", 1);
    const auto sub = make_problem_n(kind + "data=" + f.rows() + ",features=5]", 1);
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
    const auto p = make_problem_n(spec, 3);
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
  const auto sm = make_problem_n("softmax[data=" + f.three() + "]", 2);  // p = 5 + bias, K = 3
  CHECK(sm->dim() == 18);
  const auto b = sm->blocks();
  REQUIRE(b.size() == 2);
  CHECK((b[0].name == "W" && b[0].size == 15 && b[1].name == "b" && b[1].size == 3));
  CHECK(make_problem_n("softmax[data=" + f.three() + ",bias=false]", 2)->blocks().size() == 1);
  const auto mlp = make_problem_n("mlp[data=" + f.three() + ",hidden=4]", 2);  // 5·4 + 4 + 4·3 + 3
  CHECK(mlp->dim() == 39);
  const std::vector<int> sizes = block_sizes(*mlp);
  CHECK(sizes == std::vector<int>{20, 4, 12, 3});
  const auto names = mlp->blocks();
  CHECK((names[0].name == "W1" && names[1].name == "b1" && names[2].name == "W2" && names[3].name == "b2"));
  CHECK(block_sizes(*make_problem_n("mlp[data=" + f.three() + ",hidden=4,bias=false]", 1)) == std::vector<int>{20, 12});
  for (const char* spec : {"softmax[data=a1a]", "softmax[data=a1a,reg=ridge]", "mlp[data=a1a]"}) {
    const auto p = make_problem_n(spec, 2);
    const auto s = block_sizes(*p);
    CHECK(std::accumulate(s.begin(), s.end(), 0) == p->dim());
  }
  CHECK(block_sizes(*make_problem_n("softmax[data=a1a]", 2)) == std::vector<int>{2 * 119, 2});
}

TEST_CASE("accuracy: argmax of the logits, on hand-made cases", "[blocks]") {
  Files f;
  const auto sm = make_problem_n("softmax[data=" + f.three() + ",reg=ridge]", 2);
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
  const auto mlp = make_problem_n("mlp[data=" + f.three() + ",hidden=3]", 3);
  Vec z = Vec::Zero(mlp->dim());
  z[mlp->dim() - 1] = 1;  // b2 favours class 2: every row predicts class 2 (4 of 12)
  CHECK(*mlp->accuracy(z) == Approx(4.0 / 12));
  const double a = *mlp->accuracy(mlp->initial_point());
  CHECK((a >= 0 && a <= 1));
}

TEST_CASE("2-class softmax: binary data keeps the LogisticProblem; K-class code agrees with it", "[blocks]") {
  const auto old = make_problem_n("softmax[data=a1a,lambda=0.01]", 3);
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

TEST_CASE("mlp and softmax specs: bad values are UsageErrors naming the input", "[blocks]") {
  CHECK(problem_error_of("mlp[data=a1a,hidden=0]").find("hidden=0") != std::string::npos);
  CHECK(problem_error_of("mlp[data=a1a,hiden=3]").find("hidden") != std::string::npos);  // did you mean
  CHECK(problem_error_of("mlp[data=no_such_dataset]").find("no_such_dataset") != std::string::npos);
  CHECK(problem_error_of("mlp[hidden=3]").find("data=") != std::string::npos);
  CHECK(problem_error_of("mlp[data=a1a,activation=sigmoid]").find("activation=sigmoid") != std::string::npos);
  CHECK(problem_error_of("mlp[data=a1a,lambda=-1]").find("lambda") != std::string::npos);
  CHECK(problem_error_of("mlp[data=a1a,init_seed=-2]").find("init_seed") != std::string::npos);
  CHECK(problem_error_of("softmax[data=a1a,reg=l1]").find("reg=l1") != std::string::npos);
  CHECK(problem_error_of("softmax[data=a1a,reg=ridge,lambda=-1]").find("lambda") != std::string::npos);
  CHECK(problem_error_of("softmax[data=a1a,classes=3]").find("classes") != std::string::npos);
}
