// Tests of theory/fstar: Newton-CG reaches ||∇f|| <= 1e-10 on logreg (a1a, mushrooms), L-BFGS gives
// the quadratic's exact f*, ensure_f_star installs and caches f* (and distrusts a tampered entry),
// and f* agrees with Debian's liblinear-train -s 0. Mapping: liblinear minimizes
// P(w) = ½||w||² + C Σ_j log(1 + exp(−y_j w^T x_j)); ours with one worker and m rows is
// F(x) = (1/m) Σ_j log(1 + exp(−y_j x^T a_j)) + (λ/2)||x||² = λ P(x) when C = 1/(λ m), so both
// have the same minimizer and F* = λ P*. We evaluate F at liblinear's weights ourselves.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "problems/constants_cache.hpp"
#include "problems/datasets.hpp"
#include "problems/quadratic.hpp"
#include "problems/registry.hpp"
#include "test_problem_helpers.hpp"
#include "theory/fstar.hpp"

using namespace commopt;
using commopt::testing::ScopedEnv;
using commopt::testing::TempDir;
using commopt::testing::write_file;

namespace {

std::unique_ptr<Objective> make(const std::string& text, int workers, const std::string& split = "contiguous") {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  o.split = split;
  return make_problem(Spec::parse(text, "--problem"), workers, o);
}

// f and ∇f through the problem's own loss_grad (an implementation independent of the solver's).
double mean_loss_grad(const Objective& p, const Vec& x, Vec& g) {
  Vec gi;
  double f = 0;
  g.setZero(p.dim());
  for (int i = 0; i < p.workers(); ++i) {
    f += p.loss_grad(i, x, gi) / p.workers();
    g += gi / p.workers();
  }
  return f;
}

// Weights w from a liblinear model file, with the sign that makes w^T a > 0 predict our +1 (the
// larger raw label): liblinear's decision value is positive for its first listed label.
Vec read_liblinear_model(const std::filesystem::path& file, const LibsvmData& data) {
  std::ifstream in(file);
  REQUIRE(in);
  std::string line, word;
  std::vector<double> labels, w;
  bool weights = false;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    if (weights) {
      double v;
      while (ls >> v) w.push_back(v);
      continue;
    }
    ls >> word;
    if (word == "label") {
      double l;
      while (ls >> l) labels.push_back(l);
    } else if (word == "w") {
      weights = true;
    }
  }
  REQUIRE(labels.size() == 2);
  REQUIRE(static_cast<Index>(w.size()) == data.A.cols());
  const double larger = std::max(data.info.labels.front().label, data.info.labels.back().label);
  const double sign = labels[0] == larger ? 1.0 : -1.0;
  return sign * Eigen::Map<const Vec>(w.data(), static_cast<Index>(w.size()));
}

}  // namespace

TEST_CASE("fstar: Newton-CG reaches ||grad f|| <= 1e-10 on logreg", "[fstar]") {
  for (const auto& [spec, n] : std::vector<std::pair<std::string, int>>{
           {"logreg[data=a1a]", 1}, {"logreg[data=a1a,lambda=0.01,bias=true]", 3}, {"logreg[data=mushrooms]", 1},
           {"logreg[data=mushrooms,lambda=1e-5]", 4}}) {
    INFO(spec << " on " << n << " workers");
    const auto p = make(spec, n, "label-sorted");
    const FStarResult r = solve_logistic_f_star(dynamic_cast<const LogisticProblem&>(*p));
    CHECK(r.converged);
    CHECK(r.method == "newton-cg");
    CHECK(r.grad_norm <= 1e-10);
    Vec g;
    const double f = mean_loss_grad(*p, r.x_star, g);
    CHECK(g.norm() <= 1e-10);
    CHECK(std::abs(f - r.f_star) <= 1e-14);
    CHECK(r.f_star > 0);
    CHECK(r.f_star < std::log(2.0));
  }
}

TEST_CASE("fstar: L-BFGS gives the quadratic's exact f* to 1e-12", "[fstar]") {
  for (double h : {0.0, 0.5, 2.0}) {
    QuadraticOptions q;
    q.d = 30;
    q.heterogeneity = h;
    q.mu = 0.05;
    q.seed = 11;
    const QuadraticProblem p(5, q, "quadratic");
    const FStarResult r = solve_f_star_lbfgs(p);
    INFO("h = " << h << ", iterations " << r.iterations);
    CHECK(r.converged);
    CHECK(r.grad_norm <= 1e-10);
    CHECK(std::abs(r.f_star - *p.constants().f_star) <= 1e-12 * std::max(1.0, std::abs(*p.constants().f_star)));
    CHECK((r.x_star - p.x_star()).norm() <= 1e-8);
  }
  CHECK_THROWS_AS(solve_f_star_lbfgs(*make("logreg_nc[data=a1a]", 1)), UsageError);
}

TEST_CASE("fstar: ensure_f_star installs, caches and verifies f*", "[fstar]") {
  TempDir dir;
  ScopedEnv env("XDG_CACHE_HOME", dir.path().string());
  auto p = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
  CHECK_FALSE(p->constants().f_star.has_value());
  CHECK(p->constants().f_lower == 0);
  const auto r = ensure_f_star(*p);
  REQUIRE(r.has_value());
  CHECK(r->method == "newton-cg");
  REQUIRE(p->constants().f_star.has_value());
  CHECK(*p->constants().f_star == r->f_star);
  CHECK(p->constants().f_lower == r->f_star);
  CHECK(ensure_f_star(*p)->method == "exact");  // already installed: no work

  const std::string key = f_star_cache_key(dynamic_cast<const LogisticProblem&>(*p));
  const auto fresh = [&] {
    auto q = make("logreg[data=a1a,lambda=0.002]", 2, "shuffled");
    const auto res = ensure_f_star(*q);
    REQUIRE(res.has_value());
    CHECK(*q->constants().f_star == r->f_star);
    return res->method;
  };
  CHECK(fresh() == "cache");
  const nlohmann::json good = *load_cache_entry(key);
  nlohmann::json bad = good;
  bad["f_star"] = r->f_star * (1 + 1e-9);  // no longer what x* gives
  write_file(constants_cache_file(key), bad.dump());
  CHECK(fresh() == "newton-cg");
  bad = good;
  bad["x_star"][0] = bad["x_star"][0].get<double>() + 1e-3;  // ||∇f(x*)|| > 1e-10
  write_file(constants_cache_file(key), bad.dump());
  CHECK(fresh() == "newton-cg");
  write_file(constants_cache_file(key), "{\"version\": 2, \"key\": ");
  CHECK(fresh() == "newton-cg");
  CHECK(fresh() == "cache");

  // Nonconvex, or λ = 0: no f*, the bound uses f_lower = 0.
  for (const char* spec : {"logreg_nc[data=a1a]", "logreg[data=a1a,lambda=0]"}) {
    auto q = make(spec, 2);
    CHECK_FALSE(ensure_f_star(*q).has_value());
    CHECK_FALSE(q->constants().f_star.has_value());
    CHECK(q->constants().f_lower == 0);
    CHECK_THAT(describe_f_star(*q, std::nullopt), Catch::Contains("f_lower = 0"));
  }
  auto quad = make("quadratic[d=10]", 3);
  const auto rq = ensure_f_star(*quad);
  REQUIRE(rq.has_value());
  CHECK(rq->method == "exact");
}

TEST_CASE("fstar: logreg f* agrees with liblinear-train -s 0 (C = 1/(lambda m))", "[fstar]") {
  // CI installs liblinear-tools (scripts/setup.sh); a missing binary is a failure, not a skip.
  const int have = std::system("command -v liblinear-train > /dev/null 2>&1");
  if (have != 0)
    FAIL("liblinear-train not found on PATH: install Debian's liblinear-tools (scripts/setup.sh does) to run "
         "the f* cross-check");
  TempDir dir;
  for (const auto& [name, lambda] : std::vector<std::pair<std::string, double>>{{"a1a", 1e-3}, {"mushrooms", 1e-2}, {"a9a", 1e-3}}) {
    INFO(name << ", lambda = " << lambda);
    const auto data = load_dataset(name, COMMOPT_SHARED_DATASETS);
    const auto plain = dir / (name + ".txt");
    write_file(plain, read_decompressed(data->info.path));
    const auto model = dir / (name + ".model");
    const double C = 1.0 / (lambda * static_cast<double>(data->A.rows()));
    const std::string cmd = fmt::format("liblinear-train -q -s 0 -B -1 -e 1e-10 -c {:.17g} '{}' '{}' > /dev/null 2>&1", C,
                                        plain.string(), model.string());
    REQUIRE(std::system(cmd.c_str()) == 0);
    const Vec w = read_liblinear_model(model, *data);

    const auto p = make(fmt::format("logreg[data={},lambda={}]", name, lambda), 1);
    const auto& lp = dynamic_cast<const LogisticProblem&>(*p);
    const FStarResult r = solve_logistic_f_star(lp);
    Vec g;
    const double f_liblinear = logistic_objective(lp, w, g);
    INFO(fmt::format("f* ours {:.15g}, ours at liblinear's w {:.15g} (rel. diff {:.2g}, ||grad|| there {:.2g})",
                     r.f_star, f_liblinear, (f_liblinear - r.f_star) / r.f_star, g.norm()));
    CHECK(std::abs(f_liblinear - r.f_star) <= 1e-6 * r.f_star);
    CHECK(f_liblinear >= r.f_star - 1e-14);  // f* is the minimum
    CHECK((w - r.x_star).norm() <= 1e-2 * r.x_star.norm());
  }
}
