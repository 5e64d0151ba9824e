// LAQ / QGD / SLAQ, LAG-PS, IAG and LAG's synthetic linear regression (lib/methods/laq.cpp, lag.cpp,
// iag.cpp, problems/lag_synthetic.cpp). The oracles here are independent of the product: the LAQ.py
// quantizer formula, hand-evaluated triggers, dense eigendecompositions and finite differences.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <cmath>

#include <Eigen/Dense>
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/method.hpp"
#include "net/network.hpp"
#include "problems/lag_synthetic.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr const char* kQuad = "quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]";

// f(x) = ½||x − c||² on one worker, x^0 = 0: ∇f(x^0) = −c.
class Shifted final : public Objective {
 public:
  explicit Shifted(Vec c) : c_(std::move(c)) {
    k_.L = 1;
    k_.L_i = {1};
    k_.L_hat = 1;
    k_.L_max = 1;
    k_.mu = 1;
  }
  std::string name() const override { return "shifted"; }
  int workers() const override { return 1; }
  int dim() const override { return static_cast<int>(c_.size()); }
  int samples(int) const override { return 1; }
  double loss(int, const Vec& x) const override { return 0.5 * (x - c_).squaredNorm(); }
  double loss_grad(int, const Vec& x, Vec& out) const override { out = x - c_; return loss(0, x); }
  void minibatch_grad(int, const Vec& x, std::span<const int>, Vec& out) const override { out = x - c_; }
  bool convex() const override { return true; }
  const ProblemConstants& constants() const override { return k_; }

 private:
  Vec c_;
  ProblemConstants k_;
};

// LAQ.py's quantd(vec, v2, b): r = max|vec − v2|, δ = r/(2^b − 1), Q = v2 − r + 2δ⌊(vec − v2 + r + δ)/(2δ)⌋.
Vec quantd(const Vec& vec, const Vec& v2, int b) {
  const double r = (vec - v2).cwiseAbs().maxCoeff(), delta = r / ((1 << b) - 1);
  Vec q(vec.size());
  for (Index i = 0; i < vec.size(); ++i)
    q[i] = v2[i] - r + 2 * delta * std::floor((vec[i] - v2[i] + r + delta) / (2 * delta));
  return q;
}

}  // namespace

TEST_CASE("qgd uploads b*p + 32 bits per worker per round (the radius counted); info has the paper's b*p", "[laq]") {
  auto p = problem(kQuad, 4);
  const JobResult r = run(*p, "qgd[bits=4]", std::nullopt, 10, 1, 32);
  for (const TraceRow& row : r.rows) {
    CHECK(row.participants == 4);
    CHECK(row.bits_up == static_cast<double>((row.round + 1) * (4 * 20 + 32)));
    CHECK(row.bits_up_max == row.bits_up);
  }
  CHECK(r.meta["method_info"]["paper_bits_per_upload"].get<long long>() == 80);
  CHECK(r.meta["method_info"]["bits_per_upload"].get<long long>() == 112);
}

TEST_CASE("laq whose trigger cannot skip (xi = 0, eps_weight = 0) is qgd bit for bit", "[laq]") {
  auto p = problem(kQuad, 4);
  const JobResult a = run(*p, "laq[xi=0,eps_weight=0]", std::nullopt, 60);
  const JobResult b = run(*p, "qgd", std::nullopt, 60);
  CHECK(same_rows(a.rows, b.rows));
  const JobResult lazy = run(*p, "laq", std::nullopt, 60);
  CHECK(lazy.rows.back().bits_up < b.rows.back().bits_up);  // the defaults do skip
}

TEST_CASE("laq's clock forces an upload after tbar consecutive skips", "[laq]") {
  auto p = problem(kQuad, 4);
  // a huge additive term makes (7a) hold always: only the clock uploads (rounds 3, 7, 11, ...).
  const JobResult r = run(*p, "laq[additive=1e30,tbar=3,stepsize=0.01]", std::nullopt, 20);
  for (const TraceRow& row : r.rows) {
    INFO("round " << row.round);
    CHECK(row.participants == (row.round % 4 == 3 ? 4 : 0));
  }
}

TEST_CASE("laq's trigger (7a) and quantizer on a hand-made state", "[laq]") {
  const Vec c = (Vec(3) << 1.0, -0.3, 0.55).finished();
  Shifted prob(c);
  const Vec g0 = -c, zero = Vec::Zero(3);
  const Vec Q = quantd(g0, zero, 2);  // the candidate around Q̂ = 0, b = 2
  const double dq2 = Q.squaredNorm(), eps2 = (g0 - Q).squaredNorm();
  REQUIRE(eps2 > 0);
  // round 0: no history, ε̂ = 0: skip iff dq2 <= w eps2 + a. Choose a on either side of the boundary.
  for (double side : {-1e-9, 1e-9}) {
    const double a = dq2 - 3 * eps2 + side;
    REQUIRE(a > 0);
    MethodSetup s;
    s.problem = &prob;
    s.value_bits = 64;
    s.method = Spec::parse(fmt::format("laq[bits=2,additive={:.17g}]", a), "--method");
    MethodInstance inst = make_method(s);
    SimNetwork net(prob, inst, 1);
    net.run_round(0);
    CHECK(net.counters().participants == (side < 0 ? 1 : 0));
    if (side < 0) {  // uploaded: the server's g is Q, so x^1 = −γ Q
      net.run_round(1);
      const double gamma = inst.info["stepsize"].get<double>();
      CHECK((net.model() + gamma * Q).norm() <= 1e-12);
    }
  }
}

TEST_CASE("lag rule=ps: a worker computes a gradient only when asked", "[laq]") {
  auto p = problem("lag_linreg", 9);
  const JobResult ps = run(*p, "lag[rule=ps]", std::nullopt, 200);
  double uploads = 0;
  for (const TraceRow& row : ps.rows) uploads += row.participants;
  // samples = 1 per worker: the mean grad_evals over 9 workers is uploads/9.
  CHECK(ps.rows.back().grad_evals * 9 == Approx(uploads).epsilon(1e-12));
  CHECK(uploads < 9 * 201);  // at the theory step (xi = 0.025) PS skips ~26% here; the code's xi = 1 skips far more
  const JobResult wk = run(*p, "lag", std::nullopt, 200);
  CHECK(wk.rows.back().grad_evals == 201);  // WK computes every round, sends less
  // The same potential is monotone under PS at the theory step (64-bit values).
  const JobResult exact = run(*p, "lag[rule=ps]", std::nullopt, 200, 1, 64);
  for (std::size_t t = 1; t < exact.rows.size(); ++t) CHECK(*exact.rows[t].lyapunov <= *exact.rows[t - 1].lyapunov + 1e-12);
}

TEST_CASE("iag refreshes exactly one worker per round (cyclic and random)", "[laq]") {
  auto p = problem("lag_linreg[d=10]", 5);
  for (const char* m : {"iag", "iag[order=random]"}) {
    INFO(m);
    const JobResult r = run(*p, m, std::nullopt, 30, 1, 64);
    CHECK(r.rows.front().participants == 5);
    for (std::size_t t = 1; t < r.rows.size(); ++t) {
      CHECK(r.rows[t].participants == 1);
      CHECK(r.rows[t].grad_evals * 5 == Approx(5.0 + static_cast<double>(t)));
    }
  }
  const JobResult cyc = run(*p, "iag", std::nullopt, 100, 1, 64);
  for (std::size_t t = 1; t < cyc.rows.size(); ++t) CHECK(*cyc.rows[t].lyapunov <= *cyc.rows[t - 1].lyapunov + 1e-12);
}

TEST_CASE("lag_linreg: L_m = (1.3^(m-1) + 1)^2 exactly, exact L, mu, f*, gradients", "[laq]") {
  LagLinregOptions o;
  o.d = 12;
  o.seed = 4;
  const LagLinregProblem p(6, o, "lag_linreg[d=12,seed=4]");
  const auto& c = p.constants();
  Eigen::MatrixXd H = Eigen::MatrixXd::Zero(12, 12);
  for (int m = 0; m < 6; ++m) {
    const Eigen::MatrixXd Hm = p.X(m).transpose() * p.X(m);
    H += Hm / 6;
    const double lmax = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(Hm).eigenvalues().maxCoeff();
    CHECK(c.L_i[static_cast<std::size_t>(m)] == Approx(std::pow(std::pow(1.3, m) + 1, 2)).epsilon(1e-14));
    CHECK(lmax == Approx(c.L_i[static_cast<std::size_t>(m)]).epsilon(1e-12));
  }
  const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H).eigenvalues();
  CHECK(c.L == Approx(ev.maxCoeff()).epsilon(1e-12));
  CHECK(c.mu == Approx(ev.minCoeff()).epsilon(1e-10));
  auto f = [&](const Vec& x) { double s = 0; for (int m = 0; m < 6; ++m) s += p.loss(m, x) / 6; return s; };
  CHECK(f(p.x_star()) == Approx(*c.f_star).epsilon(1e-12));
  Vec g(12), gm(12), x = Vec::LinSpaced(12, -1, 1);
  for (int m = 0; m < 6; ++m) {
    const double fx = p.loss_grad(m, x, gm);
    CHECK(fx == Approx(p.loss(m, x)).epsilon(1e-13));
    for (int k = 0; k < 12; ++k) {  // central differences of a quadratic are exact up to rounding
      Vec e = Vec::Zero(12);
      e[k] = 1e-4;
      CHECK((p.loss(m, x + e) - p.loss(m, x - e)) / 2e-4 == Approx(gm[k]).epsilon(1e-6).margin(1e-7));
    }
    p.loss_grad(m, p.x_star(), g);
  }
  Vec total = Vec::Zero(12);
  for (int m = 0; m < 6; ++m) { p.loss_grad(m, p.x_star(), g); total += g / 6; }
  CHECK(total.norm() <= 1e-9);
  CHECK(f(x) > *c.f_star);
}

TEST_CASE("laq's potential never increases at the theory step and rises at 4x", "[laq]") {
  for (const char* spec : {kQuad, "lag_linreg[d=20]"}) {
    INFO(spec);
    auto p = problem(spec, 4);
    for (const char* m : {"laq", "laq[bits=2]", "qgd", "laq[D=3,xi=0.1,eps_weight=0]"}) {
      INFO(m);
      const JobResult r = run(*p, m, std::nullopt, 300, 1, 64);
      double worst = -INFINITY;
      for (std::size_t t = 1; t < r.rows.size(); ++t) worst = std::max(worst, *r.rows[t].lyapunov - *r.rows[t - 1].lyapunov);
      CHECK(worst <= 1e-12 * std::max(1.0, std::abs(r.rows.front().loss)));
    }
  }
}

TEST_CASE("bad laq / slaq / qgd / lag / iag / lag_linreg specs are UsageErrors", "[laq]") {
  auto p = problem(kQuad, 4);
  for (const char* m : {"laq[bits=0]", "laq[bits=17]", "laq[normalize=avg]", "laq[xi=0.1]", "laq[D=-1]",
                        "laq[tbar=-1]", "laq[lyapunov=x]", "laq[eps_weight=-1]", "qgd[D=3]", "slaq[batch=0]",
                        "lag[rule=xx]", "iag[order=shuffle]", "laq[stepsize=-1]"}) {
    INFO(m);
    CHECK_THROWS_AS(run(*p, m, std::nullopt, 2), UsageError);
  }
  CHECK_THROWS_AS(problem("lag_linreg[d=1]", 3), UsageError);
  CHECK_THROWS_AS(problem("lag_linreg[base=-1]", 3), UsageError);
  CHECK_NOTHROW(run(*p, "laq[xi=0.1,stepsize=0.01]", std::nullopt, 2));  // outside the theory, by number
}

TEST_CASE("laq normalize=sum reads the step as the paper's alpha (gamma = M alpha)", "[laq]") {
  auto p = problem(kQuad, 4);
  const JobResult s = run(*p, "laq[stepsize=0.05]", std::nullopt, 20);
  const JobResult m = run(*p, "laq[stepsize=0.2,normalize=mean]", std::nullopt, 20);
  CHECK(s.meta["method_info"]["stepsize"].get<double>() == 0.2);
  CHECK(s.meta["method_info"]["alpha"].get<double>() == 0.05);
  CHECK(same_rows(s.rows, m.rows));
}

TEST_CASE("lag rule=ps: a worker with L_m^2 d gamma^2 <= xi uploads at most floor(K/(d+1)) + 1 times in rounds 0..K",
          "[laq]") {
  // LAG's communication proposition, exact for the PS rule: after an upload at s, ||x_hat − x^{s+j}||² <=
  // j Σ_{i<=j} ||Δ||² <= d Σ_{d'<=D} ||Δ_{t+1−d'}||² for j <= d <= D, so the trigger skips rounds s+1..s+d.
  auto p = problem("lag_linreg", 9);
  const double L = p->constants().L, xi = 1.0;  // the code's PS threshold xi_d = 10/D, D = 10; gamma = 1/L
  MethodSetup s;
  s.problem = p.get();
  s.value_bits = 64;
  s.method = Spec::parse(fmt::format("lag[rule=ps,xi={},stepsize={:.17g}]", xi, 1 / L), "--method");
  MethodInstance inst = make_method(s);
  SimNetwork net(*p, inst, 1);
  const int K = 400;
  for (int t = 0; t <= K; ++t) net.run_round(t);
  int qualifying = 0;
  for (int m = 0; m < 9; ++m) {
    const double Lm = p->constants().L_i[static_cast<std::size_t>(m)];
    int d = 0;
    while (d < 10 && Lm * Lm * (d + 1) / (L * L) <= xi) ++d;  // gamma = 1/L: L_m² d γ² <= ξ
    const double uploads = static_cast<double>(net.counters().bits_up[static_cast<std::size_t>(m)]) / (64.0 * 50);
    INFO("worker " << m << " L_m " << Lm << " d " << d << " uploads " << uploads);
    CHECK(uploads <= K / (d + 1) + 1);
    qualifying += d > 0;
  }
  CHECK(qualifying >= 2);  // the proposition is not vacuous here
}

TEST_CASE("lag_logreg: gradients match finite differences; L_m = (base^(m-1)+1)^2/4 + lambda bounds the Hessian", "[laq]") {
  auto p = problem("lag_logreg[d=8,base=1.3,lambda=0.01,seed=2]", 4);
  const auto& c = p->constants();
  Vec g(8), x = Vec::LinSpaced(8, -0.7, 0.9);
  for (int m = 0; m < 4; ++m) {
    CHECK(c.L_i[static_cast<std::size_t>(m)] == Approx(std::pow(std::pow(1.3, m) + 1, 2) / 4 + 0.01).epsilon(1e-14));
    p->loss_grad(m, x, g);
    Eigen::MatrixXd Hfd(8, 8);
    for (int k = 0; k < 8; ++k) {
      Vec e = Vec::Zero(8), gp(8), gm(8);
      e[k] = 1e-5;
      CHECK((p->loss(m, x + e) - p->loss(m, x - e)) / 2e-5 == Approx(g[k]).epsilon(1e-6).margin(1e-8));
      p->loss_grad(m, x + e, gp);
      p->loss_grad(m, x - e, gm);
      Hfd.col(k) = (gp - gm) / 2e-5;
    }
    const double top = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(0.5 * (Hfd + Hfd.transpose())).eigenvalues().maxCoeff();
    CHECK(top <= c.L_i[static_cast<std::size_t>(m)] * (1 + 1e-6));
  }
  CHECK(c.mu == 0.01);
}
