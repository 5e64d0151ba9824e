// The majority-vote identity of signsgd_mv / signum_mv (ef-local-lazy.md §10.1, signsgd_mv.cpp),
// evaluated on the simulated network at 64-bit values: with full local gradients every round moves
//   x^{t+1} = x^t − η_t V_t,  V_t = sgn_tie(Σ_i sgn_zero(m_i^t)),  m_i^t = β m_i^{t−1} + (1−β)∇f_i(x^t)
// (β = 0: m_i^t = ∇f_i(x^t)), exactly, with the votes recomputed here from the problem's gradients
// and the run's conventions. Power: the run with the other tie convention must break it (the check
// sees the ties).
#include <cmath>

#include <fmt/format.h>

#include "methods/schedule.hpp"
#include "net/network.hpp"
#include "theory/checks.hpp"

namespace commopt {

namespace {
int convention(const std::string& v) { return v == "plus" ? 1 : v == "minus" ? -1 : 0; }
double sgn(double v, int zero) { return v > 0 ? 1.0 : v < 0 ? -1.0 : zero; }

struct VoteCount {
  long long mismatches = 0;  // coordinates where x^{t+1} ≠ x^t − η_t V_t
  long long ties = 0;        // coordinates with Σ_i s_i = 0
};

// Runs `method` and compares every step with the vote under the sign(0) and tie conventions given.
VoteCount count_mismatches(const Objective& p, const std::string& method, long long rounds, int zero, int tie) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse("identity", "--compressor");
  s.value_bits = 64;
  s.seed = 1;
  MethodInstance m = make_method(s);
  const StepSchedule sched = parse_schedule(s.method, m.info["stepsize"].get<double>());
  const double beta = m.info.value("beta", 0.0);
  const int n = p.workers(), d = p.dim();
  std::vector<Vec> mom(static_cast<std::size_t>(n), Vec::Zero(d));
  Vec g, sum(d), vote(d);
  SimNetwork net(p, m, 1);
  net.run_round(0);
  Vec x = net.model();
  VoteCount c;
  for (long long t = 0; t < rounds; ++t) {
    sum.setZero();
    for (int i = 0; i < n; ++i) {
      p.grad(i, x, g);
      Vec& mi = mom[static_cast<std::size_t>(i)];
      mi = beta == 0 ? g : Vec(beta * mi + (1.0 - beta) * g);
      for (int j = 0; j < d; ++j) sum[j] += sgn(mi[j], zero);
    }
    for (int j = 0; j < d; ++j) {
      vote[j] = sgn(sum[j], tie);
      c.ties += sum[j] == 0;
    }
    net.run_round(static_cast<int>(t + 1));
    const Vec x1 = net.model();
    const Vec expected = x - sched.at(t) * vote;
    for (int j = 0; j < d; ++j) c.mismatches += std::fabs(x1[j] - expected[j]) > 1e-12 * (1 + std::fabs(x[j]));
    x = x1;
  }
  return c;
}
}  // namespace

std::vector<CheckRow> majority_vote_rows(const Objective& p, const std::string& method, long long rounds) {
  CheckRow r{"majority-vote", method, p.name(), 0, 0, "", "derived", ""};
  const Spec spec = Spec::parse(method, "--method");
  if (spec.get_int("batch", 0) != 0) {
    r.verdict = "skipped";
    r.note = "the identity is checked with full local gradients (batch=0)";
    return {r};
  }
  const std::string tie_text = spec.get_string("tie", "zero");
  const int zero = convention(spec.get_string("zero", "zero")), tie = convention(tie_text);
  const VoteCount c = count_mismatches(p, method, rounds, zero, tie);
  r.measured = static_cast<double>(c.mismatches);
  r.verdict = c.mismatches == 0 ? "pass" : "FAIL";
  r.note = fmt::format("coordinates (over {} rounds x d) where x^(t+1) != x^t - eta_t sign(sum_i sign(m_i)); "
                       "{} tied votes seen",
                       rounds, c.ties);
  const std::string other = tie == 0 ? "plus" : "zero";
  const std::string flipped = with_method_param(method, "tie", other);
  CheckRow power{"majority-vote-power", flipped, p.name(), 0, 0, "", "derived", ""};
  const VoteCount b = count_mismatches(p, flipped, rounds, zero, tie);
  power.measured = static_cast<double>(b.mismatches);
  power.verdict = b.mismatches > 0 ? "pass" : "FAIL";
  power.note = fmt::format("the tie={} run checked against the tie={} identity must disagree somewhere (it does on "
                           "{} coordinates); pass = broken",
                           other, tie_text, b.mismatches);
  return {r, power};
}

}  // namespace commopt
