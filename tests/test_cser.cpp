// CSER, CSEA, CSER-PL (lib/methods/cser.cpp; ef-local-lazy.md §7): the exact invariants, the
// identities with simpler methods (csea = cser[H=1]; R_grad = R_reset = 1 is averaged SGD, checked
// against an independent few-line oracle), the bits per iteration against R_grad, R_reset, H, the
// two forms' difference, and bad specs.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "methods/cser.hpp"
#include "net/network.hpp"
#include "theory/cser_checks.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr const char* kQuad = "quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]";
constexpr const char* kA1a = "logreg_nc[data=a1a,lambda=0.1]";

MethodInstance build(const Objective& p, const std::string& method, int value_bits = 64) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse("identity", "--compressor");
  s.value_bits = value_bits;
  s.seed = 1;
  return make_method(s);
}

const CserWorkerState& state(const MethodInstance& m, int i) {
  return dynamic_cast<const CserWorkerState&>(*m.workers[static_cast<std::size_t>(i)]);
}

void require_all_pass(const std::vector<CheckRow>& rows) {
  for (const CheckRow& r : rows) {
    INFO(r.id << " " << r.method << " " << r.problem << " measured " << r.measured << " bound " << r.bound << ": "
              << r.note);
    CHECK(r.verdict != "FAIL");
  }
}

}  // namespace

TEST_CASE("cser: the exact invariants hold and their power rows find the broken variants", "[cser]") {
  for (const char* spec : {kQuad, kA1a}) {
    auto p = problem(spec, 4);
    for (const char* m : {"cser[form=model_avg,R_grad=4,R_reset=1,H=3]", "cser[form=error,R_grad=4,R_reset=1,H=3]",
                          "cser[form=error,R_grad=3,R_reset=2,H=2,momentum=0.9]", "csea[R_reset=3,momentum=0.5]",
                          "cser_pl[R=1,H=4]", "cser[form=model_avg,R_grad=5,R_reset=2,H=3,schedule=inv[a=10]]"}) {
      INFO(spec << " " << m);
      const auto rows = cser_invariant_rows(*p, m, 60);
      require_all_pass(rows);
      int binding = 0;
      for (const auto& r : rows) binding += r.verdict == "pass";
      CHECK(binding >= 4);  // common model (+power), average model (+power)
    }
  }
}

TEST_CASE("cser: csea is cser with H = 1, bit for bit", "[cser]") {
  auto p = problem(kA1a, 4);
  for (const char* opts : {"form=model_avg,R_reset=4", "form=error,R_grad=3,R_reset=5,momentum=0.9"}) {
    const std::string a = std::string("csea[") + opts + "]", b = std::string("cser[H=1,") + opts + "]";
    INFO(a << " vs " << b);
    const JobResult ra = run(*p, a, std::nullopt, 40), rb = run(*p, b, std::nullopt, 40);
    CHECK(same_rows(ra.rows, rb.rows));
    CHECK(ra.rows.back().bits_up > 0);
  }
}

// With R_grad = R_reset = 1 every block is the whole vector. model_avg: x ← Σ_j (1/n)(x − η ∇f_j(x))
// (the server's worker-order mean of the uploaded models); error form: x ← x − Σ_j (1/n)(η ∇f_j(x)).
// Both are gd's iterates up to rounding; the oracles below reproduce the rounding exactly.
TEST_CASE("cser: with identity blocks it is averaged SGD (an independent oracle, bit for bit; gd to 1e-12)",
          "[cser]") {
  auto p = problem(kA1a, 4);
  const int n = p->workers();
  for (const char* form : {"model_avg", "error"}) {
    INFO(form);
    const std::string spec = std::string("cser[form=") + form + ",R_grad=1,R_reset=1,H=3,stepsize=0.5]";
    MethodInstance m = build(*p, spec);
    SimNetwork net(*p, m, 1);
    Vec x = p->initial_point(), g, d, acc;
    const bool model_avg = std::string(form) == "model_avg";
    for (int t = 0; t <= 30; ++t) {
      net.run_round(t);
      if (t == 0) continue;
      // oracle: iteration t−1 from x
      acc = Vec::Zero(p->dim());
      for (int j = 0; j < n; ++j) {
        p->grad(j, x, g);
        d = 0.5 * g;
        if (model_avg) {
          Vec xj = x;
          xj -= d;
          acc += (1.0 / n) * xj;
        } else {
          acc += (1.0 / n) * d;
        }
      }
      if (model_avg) x = acc; else x -= acc;
      REQUIRE((net.model().array() == x.array()).all());
      if (!model_avg)  // error form: r_i = 0, so x_i = x̂ after the uploads too (model_avg: x_i = x̂ − d_i)
        for (int i = 0; i < n; ++i) REQUIRE((state(m, i).local_model().array() == x.array()).all());
    }
  }
  // gd: round t+1 applies the gradient uploaded at x^t, so gd's model after round r is x^r.
  MethodInstance m = build(*p, "cser[R_grad=1,R_reset=1,stepsize=0.5]");
  MethodInstance gd = build(*p, "gd[stepsize=0.5]");
  SimNetwork a(*p, m, 1), b(*p, gd, 1);
  for (int t = 0; t <= 30; ++t) {
    a.run_round(t);
    b.run_round(t);
    CHECK((a.model() - b.model()).norm() <= 1e-12 * b.model().norm() + 1e-300);
  }
}

TEST_CASE("cser: uplink bits per iteration follow R_grad, R_reset and H", "[cser]") {
  auto p = problem(kQuad, 4);  // d = 20: K_grad = 5 (R_grad 4), K_reset = 10 (R_reset 2), all blocks equal
  // model_avg: per 4 iterations 3 blocks of 5 and 1 of 10 values; error: 4 of 5 and 1 of 10.
  for (auto [form, values_per_period] : {std::pair{"model_avg", 25}, std::pair{"error", 30}}) {
    const std::string spec = std::string("cser[form=") + form + ",R_grad=4,R_reset=2,H=4]";
    INFO(spec);
    const JobResult r = run(*p, spec, std::nullopt, 40);  // rounds 0..40: 41 iterations' uploads
    // row t counts the uploads of iterations 0..t (bits_up: per worker, the mean; every worker sends
    // the same blocks); after 40 iterations (rows 0..39) ten periods.
    CHECK(r.rows[39].bits_up == 10 * 32 * values_per_period);
    CHECK(r.rows[39].bits_up_max == 10 * 32 * values_per_period);
    const double rc_formula = 1.0 / (1.0 / 4 + 1.0 / (2 * 4));
    CHECK(r.meta["method_info"]["R_C"].get<double>() == Approx(rc_formula));
    if (std::string(form) == "error")  // exact for the error form: 32 d / R_C per iteration and worker
      CHECK(32.0 * 20 / rc_formula == Approx(32.0 * values_per_period / 4));
  }
  for (const char* spec : {kQuad, kA1a}) {
    auto q = problem(spec, 4);
    for (const char* m : {"cser[form=model_avg,R_grad=4,R_reset=2,H=4]", "cser[form=error,R_grad=7,R_reset=3,H=5]",
                          "csea[R_reset=6]", "cser_pl[R=3,H=3]"}) {
      INFO(spec << " " << m);
      require_all_pass(cser_bits_rows(*q, m, 120));
    }
  }
}

TEST_CASE("cser: model_avg zeroes the error on every synced block, the error form only at resets", "[cser]") {
  auto p = problem(kQuad, 4);
  for (const char* form : {"model_avg", "error"}) {
    MethodInstance m = build(*p, std::string("cser[form=") + form + ",R_grad=4,R_reset=1,H=1000]");
    SimNetwork net(*p, m, 1);
    for (int t = 0; t < 10; ++t) net.run_round(t);
    // The broadcast of round 10 completes iteration 9 (a per-step sync); worker 0 applies it.
    Message down;
    ServerEnv senv{10, 1};
    m.server->broadcast(senv, down);
    WorkerEnv env{p.get(), 0, 10, 1, 0};
    m.workers[0]->apply(down, env);
    // model_avg: the error vanishes on the block just averaged (5 of 20 coordinates) and has been
    // zeroed on every block synced before; the error form keeps the whole residual.
    const Vec& e = state(m, 0).error();
    const long zeros = (e.array() == 0.0).count();
    INFO(form << " zeros " << zeros << " ||e|| " << e.norm());
    if (std::string(form) == "model_avg") CHECK(zeros >= 5);
    else CHECK(zeros < 5);
    CHECK(e.norm() > 0);
  }
  const JobResult a = run(*p, "cser[form=model_avg]", std::nullopt, 30), b = run(*p, "cser[form=error]", std::nullopt, 30);
  CHECK_FALSE(same_rows(a.rows, b.rows));
}

TEST_CASE("cser: bad specs are usage errors", "[cser]") {
  auto p = problem(kQuad, 4);
  for (const char* bad : {"cser[H=0]", "cser[R_grad=0.5]", "cser[R_reset=0]", "cser[form=errors]", "cser[reset=topk]",
                          "cser[momentum=1]", "cser[batch=-1]", "csea[H=2]", "cser_pl[R=0.9]", "cser_pl[R_grad=4]",
                          "cser[C1=4]"}) {
    INFO(bad);
    CHECK_THROWS_AS(build(*p, bad), UsageError);
  }
}

// cser_pl[R=1,H] averages the whole model every H-th iteration: local SGD with H local full-gradient
// steps per round (local_sgd[H,batch=0]); its round 4k model is local_sgd's round k model.
TEST_CASE("cser: cser_pl with R = 1 is local SGD (to float64 rounding)", "[cser]") {
  for (const char* spec : {kQuad, kA1a}) {
    auto p = problem(spec, 4);
    MethodInstance pl = build(*p, "cser_pl[R=1,H=4,stepsize=0.1]"), ls = build(*p, "local_sgd[H=4,batch=0,stepsize=0.1]");
    SimNetwork a(*p, pl, 1), b(*p, ls, 1);
    for (int k = 0; k <= 20; ++k) {
      b.run_round(k);
      for (int j = 0; j < 4 && 4 * k + j <= 80; ++j) a.run_round(4 * k + j);
      if (4 * k > 80) break;
      if (k == 0) continue;
      INFO(spec << " round " << k);
      CHECK((a.model() - b.model()).norm() <= 1e-12 * (b.model().norm() + 1));
    }
  }
}
