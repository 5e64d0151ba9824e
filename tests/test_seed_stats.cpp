// The over-seeds statistics of `commopt check` (theory/seed_stats.hpp, issue 15 item 6): the
// Student-t tail against a numerical integral of its density, the Bonferroni-corrected critical
// value, and what run_rows does with them (the determinism flag, the linear-rate row's measure).
#include <catch2/catch.hpp>

#include <cmath>

#include "problems/registry.hpp"
#include "theory/checks.hpp"
#include "theory/pl_rate_checks.hpp"
#include "theory/rate_fit.hpp"
#include "theory/seed_stats.hpp"

using namespace commopt;

namespace {

// P(T > t) by Simpson's rule on the density Γ((ν+1)/2)/(√(νπ)Γ(ν/2)) (1 + x²/ν)^{−(ν+1)/2}, on
// [t, t + 2000] (the rest of the tail is below 1e-17 for ν >= 5).
double tail_by_quadrature(double t, double nu) {
  const double c = std::exp(std::lgamma((nu + 1) / 2) - std::lgamma(nu / 2)) / std::sqrt(nu * M_PI);
  auto pdf = [&](double x) { return c * std::pow(1 + x * x / nu, -(nu + 1) / 2); };
  const int n = 400000;
  const double h = 2000.0 / n;
  double s = pdf(t) + pdf(t + 2000);
  for (int k = 1; k < n; ++k) s += (k % 2 ? 4 : 2) * pdf(t + k * h);
  return s * h / 3;
}

std::unique_ptr<Objective> quadratic() {
  return make_problem(Spec::parse("quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]", "--problem"), 4, {});
}

const CheckRow& row(const std::vector<CheckRow>& rows, const std::string& id) {
  for (const auto& r : rows)
    if (r.id == id) return r;
  FAIL("no row " << id);
  return rows.front();
}

}  // namespace

TEST_CASE("Student-t tail and quantile agree with the integrated density", "[seed_stats]") {
  for (double nu : {5.0, 7.0, 19.0})
    for (double t : {0.5, 2.0, 4.0, 8.0}) {
      const double q = tail_by_quadrature(t, nu);
      CHECK(student_t_upper_tail(t, nu) == Approx(q).epsilon(1e-6));
      CHECK(student_t_upper_quantile(q, nu) == Approx(t).epsilon(1e-6));
    }
  // 7 dof: a 4-SE excursion is 80x likelier than under the normal tail (3.17e-5).
  CHECK(student_t_upper_tail(4.0, 7) / (0.5 * std::erfc(4 / std::sqrt(2.0))) > 60);
  CHECK(student_t_upper_quantile(0.025, 7) == Approx(2.364624).epsilon(1e-6));
}

TEST_CASE("the supermartingale test uses the t quantile with Bonferroni over the tested horizons", "[seed_stats]") {
  // 8 seeds with mean excess e and sample sd 1 (values e ± a fixed pattern), so t = e·√8.
  auto horizon = [](double t_stat) {
    const std::vector<double> z = {-1.5, -1, -0.5, 0, 0, 0.5, 1, 1.5};
    double ss = 0;
    for (double v : z) ss += v * v;
    const double sd = std::sqrt(ss / 7);
    std::vector<double> out;
    for (double v : z) out.push_back(t_stat / std::sqrt(8.0) + v / sd);
    return out;
  };
  const double crit = student_t_upper_quantile(1e-3 / 24, 7);
  CHECK(crit > 7.5);  // far above the 4 SE of the normal tail
  std::vector<std::vector<double>> values(24, horizon(-2));
  values[5] = horizon(6.0);  // above the per-T 1e-3 quantile (4.79) and the normal's 4, below crit
  SupermartingaleTest st = supermartingale_test(values, 0, 1e-3, 1e-14, 1e-12);
  CHECK(st.tested == 24);
  CHECK(st.critical_t == Approx(crit));
  CHECK(st.worst_t == Approx(6.0).epsilon(1e-9));
  CHECK(st.worst_index == 5);
  CHECK_FALSE(st.rejects());
  values[7] = horizon(1.2 * crit);
  st = supermartingale_test(values, 0, 1e-3, 1e-14, 1e-12);
  CHECK(st.rejects());
  CHECK(st.min_adjusted_p < 1e-3);
  // Horizons where every seed agrees are exact inequalities.
  std::vector<std::vector<double>> same(3, std::vector<double>(8, 1.0));
  CHECK_FALSE(supermartingale_test(same, 1.0, 1e-3, 1e-14, 1e-12).rejects());
  CHECK(supermartingale_test(same, 1.0 - 1e-6, 1e-3, 1e-14, 1e-12).rejects());
  CHECK(supermartingale_test(same, 1.0, 1e-3, 1e-14, 1e-12).all_deterministic());
}

TEST_CASE("log-spaced horizons cover 1 and T-1 without repeats", "[seed_stats]") {
  const auto h = log_spaced_horizons(301, 24);
  REQUIRE(h.size() >= 10);
  CHECK(h.front() == 1);
  CHECK(h.back() == 300);
  for (std::size_t k = 1; k < h.size(); ++k) CHECK(h[k] > h[k - 1]);
}

TEST_CASE("run_rows: a card without a per-run monotone potential is checked over seeds", "[seed_stats]") {
  // ef21_pp with TopK draws no compressor randomness, but its participation is random: its card
  // says potential_monotone_when_deterministic = false, so the row is the supermartingale test.
  const auto p = quadratic();
  RunCheckOptions o;
  o.rounds = 60;
  o.seeds = 4;
  const auto rows = run_rows(*p, "ef21_pp[s=2]", std::string("topk[k=4]"), o);
  const CheckRow& r = row(rows, "potential-supermartingale");
  CHECK(r.verdict == "pass");
  CHECK(r.note.find("Student-t") != std::string::npos);
}

TEST_CASE("run_rows: the linear-rate row measures the worst effective rate over t >= 1", "[seed_stats]") {
  const auto p = quadratic();
  RunCheckOptions o;
  o.rounds = 100;
  const auto rows = run_rows(*p, "gd", std::nullopt, o);
  const CheckRow& r = row(rows, "linear-rate");
  CHECK(r.verdict == "pass");
  CHECK(r.measured < r.bound);  // the slack shows: gd contracts faster than its theorem's rho
  CHECK(r.measured > 0.5);
  CHECK(r.ratio() < 0.95);
}

TEST_CASE("rate-fit: the log-log slope of an exact power law, and gd's 1/T on the quadratic", "[seed_stats]") {
  std::vector<double> x, y;
  for (double t = 10; t < 1000; t *= 1.3) x.push_back(t), y.push_back(3 * std::pow(t, -0.7));
  CHECK(loglog_slope(x, y) == Approx(-0.7).epsilon(1e-12));
  const auto p = quadratic();
  RunCheckOptions o;
  o.rounds = 200;
  const auto rows = run_rows(*p, "gd", std::nullopt, o);
  const CheckRow& r = row(rows, "rate-fit");
  CHECK(r.bound == Approx(-1).epsilon(1e-9));  // the card's 2 Phi^0/(gamma T)
  CHECK(r.measured > -1.0);                    // (1/T) S_T with S_T increasing: slope >= -1
  CHECK(r.measured < -0.95);                   // and gd's sum has converged by T = 200
  CHECK(r.verdict == "pass");
}

TEST_CASE("pl-rate: EF21 under PL and LAG contract at least at their (recalled) rates", "[seed_stats]") {
  const auto p = quadratic();
  for (const auto& [m, comp] : {std::pair<std::string, std::string>{"ef21", "topk[k=4]"}, {"lag", "identity"}}) {
    const auto rows = pl_rate_rows(*p, m, comp, 150);
    REQUIRE(rows.size() == 1);
    INFO(rows[0].note);
    CHECK(rows[0].provenance == "paper-recalled");
    CHECK(rows[0].verdict == "pass");
    CHECK(rows[0].measured < rows[0].bound);
    CHECK(rows[0].measured > 0.5);
  }
}
