// CSER / CSEA / CSER-PL checks (ef-local-lazy.md §7.1, §7.3, §12.2), on runs of the shipped worker
// and server code driven round by round here (SimNetwork's order: broadcast, apply, upload, absorb),
// so each worker's state can be read right after it applied a broadcast, i.e. when iteration t−1
// is complete on every worker:
//   common model   x_i − e_i = x̂ (the server's model) on every worker         power: x_i alone
//   average model  x̄^t = x̄^{t−1} − (1/n) Σ_i d_i^{t−1},  d_i = η_t(g_i + μ u_i),  u_i ← μ u_i + g_i,
//                  g_i = ∇f_i(x_i) (full local gradients)                         power: x̂ for x̄
//   reset          with R_reset = 1, e_i = 0 exactly after each reset            power: reset=off
//   bits           uplink bits per worker and iteration = their exact expectation from the GRBS block
//                  counts (E|block| = d/N), within 4 standard deviations (0 when K divides d)
//                                                                                  power: no reset term
// All at 64-bit values (float64 rounding only), except the bits (32-bit values, the wire width).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "methods/cser.hpp"
#include "methods/schedule.hpp"
#include "theory/cser_checks.hpp"

namespace commopt {
namespace {

constexpr double kTol = 1e-12;

MethodInstance build(const Objective& p, const std::string& method, int value_bits) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse("identity", "--compressor");
  s.value_bits = value_bits;
  s.seed = 1;
  return make_method(s);
}

// `method` with key=value added (the ablations of the power rows).
std::string with(const std::string& method, const std::string& kv) {
  const auto close = method.rfind(']');
  return close == std::string::npos ? method + "[" + kv + "]" : method.substr(0, close) + "," + kv + "]";
}

// Drives one instance round by round; `after_apply(t)` sees the workers after round t's broadcast.
template <class Visit, class Up>
void drive(const Objective& p, MethodInstance& m, long long rounds, Visit after_apply, Up after_upload) {
  const int n = p.workers();
  std::vector<WorkerEnv> envs(static_cast<std::size_t>(n));
  std::vector<Message> ups(static_cast<std::size_t>(n));
  Message down;
  for (int i = 0; i < n; ++i) envs[static_cast<std::size_t>(i)] = WorkerEnv{&p, i, 0, 1, 0};
  for (long long t = 0; t <= rounds; ++t) {
    ServerEnv senv{static_cast<int>(t), 1};
    down.clear();
    if (t > 0) m.server->broadcast(senv, down);
    for (int i = 0; i < n; ++i) {
      WorkerEnv& env = envs[static_cast<std::size_t>(i)];
      env.round = static_cast<int>(t);
      if (t > 0 && down.sent) m.workers[static_cast<std::size_t>(i)]->apply(down, env);
    }
    after_apply(t);
    if (t == rounds) break;
    for (int i = 0; i < n; ++i) {
      ups[static_cast<std::size_t>(i)].clear();
      m.workers[static_cast<std::size_t>(i)]->upload(envs[static_cast<std::size_t>(i)], ups[static_cast<std::size_t>(i)]);
    }
    after_upload(t, ups);
    m.server->absorb(ups, senv);
  }
}

const CserWorkerState& state(const MethodInstance& m, int i) {
  return dynamic_cast<const CserWorkerState&>(*m.workers[static_cast<std::size_t>(i)]);
}

CheckRow row(const std::string& id, const std::string& method, const Objective& p, double measured, double bound,
             bool power, const std::string& note) {
  const bool holds = measured <= bound;
  return {id, method, p.name(), measured, bound, (power ? !holds : holds) ? "pass" : "FAIL", "derived", note};
}

// max over the snapshots after a reset iteration of max_i ||e_i||.
double error_after_resets(const Objective& p, const std::string& method, long long rounds, long long H) {
  MethodInstance m = build(p, method, 64);
  double worst = 0;
  drive(p, m, rounds, [&](long long t) {
    if (t == 0 || t % H != 0) return;  // iteration t−1 was a reset step iff t ≡ 0 (mod H)
    for (int i = 0; i < p.workers(); ++i) worst = std::max(worst, state(m, i).error().norm());
  }, [](long long, const std::vector<Message>&) {});
  return worst;
}

}  // namespace

std::vector<CheckRow> cser_invariant_rows(const Objective& p, const std::string& method, long long rounds) {
  MethodInstance m = build(p, method, 64);
  const int n = p.workers(), d = p.dim();
  const auto& info = m.info;
  const double mu = info["momentum"].get<double>();
  const bool full = info["batch"].get<long long>() == 0;
  const StepSchedule sched = parse_schedule(Spec::parse(method, "--method"), info["stepsize"].get<double>());
  std::vector<Vec> u(static_cast<std::size_t>(n), Vec::Zero(d));
  Vec xbar_pred(d), xhat_pred(d), g, xbar(d);
  double common = 0, common_power = 0, avg = 0, avg_power = 0;
  drive(p, m, rounds, [&](long long t) {
    const Vec& xhat = m.server->model();
    xbar.setZero();
    for (int i = 0; i < n; ++i) {
      const CserWorkerState& w = state(m, i);
      const double scale = std::max(1e-300, xhat.norm() + w.local_model().norm() + w.error().norm());
      common = std::max(common, (w.local_model() - w.error() - xhat).norm() / scale);
      common_power = std::max(common_power, (w.local_model() - xhat).norm() / scale);
      xbar += w.local_model() / n;
    }
    if (t > 0 && full) {
      avg = std::max(avg, (xbar - xbar_pred).norm() / std::max(1e-300, xbar.norm() + xbar_pred.norm()));
      avg_power = std::max(avg_power, (xhat - xhat_pred).norm() / std::max(1e-300, xhat.norm() + xhat_pred.norm()));
    }
    if (!full) return;
    // The predictions for the next snapshot: both move by −(1/n) Σ_i d_i (only x̄ must).
    xbar_pred = xbar, xhat_pred = xhat;
    for (int i = 0; i < n; ++i) {
      p.grad(i, state(m, i).local_model(), g);
      Vec& ui = u[static_cast<std::size_t>(i)];
      ui = mu * ui + g;
      const Vec di = sched.at(t) * (g + mu * ui);
      xbar_pred -= di / n;
      xhat_pred -= di / n;
    }
  }, [](long long, const std::vector<Message>&) {});
  const std::string note = fmt::format("max relative residual over {} rounds (float64 rounding only)", rounds);
  std::vector<CheckRow> rows = {
      row("cser-common-model", method, p, common, kTol, false, "x_i - e_i vs the server's xhat: " + note),
      row("cser-common-model-power", method, p, common_power, kTol, true,
          "the same with the error term dropped (x_i vs xhat) must break: " + note)};
  if (full) {
    rows.push_back(row("cser-average-model", method, p, avg, kTol, false,
                       "xbar^{t+1} = xbar^t - (1/n) sum_i d_i (averaged SGD with local NAG): " + note));
    rows.push_back(row("cser-average-model-power", method, p, avg_power, kTol, true,
                       "the same identity for xhat (the error term dropped) must break: " + note));
  } else {
    rows.push_back({"cser-average-model", method, p.name(), 0, kTol, "skipped", "derived",
                    "minibatch gradients: the identity is checked on full-gradient runs"});
  }
  const long long H = info["H"].get<long long>();
  if (info["R_reset"].get<double>() == 1 && info["reset"].get<std::string>() == "grbs") {
    rows.push_back(row("cser-reset-zero", method, p, error_after_resets(p, method, rounds, H), 0.0, false,
                       "max_i ||e_i|| right after each identity reset (exactly 0)"));
    rows.push_back(row("cser-reset-zero-power", with(method, "reset=off"), p,
                       error_after_resets(p, with(method, "reset=off"), rounds, H), 0.0, true,
                       "reset=off (ablation) must leave a nonzero error at the same iterations"));
  } else {
    rows.push_back({"cser-reset-zero", method, p.name(), 0, 0, "skipped", "derived",
                    "applies to R_reset = 1 (identity reset) with reset=grbs"});
  }
  return rows;
}

std::vector<CheckRow> cser_bits_rows(const Objective& p, const std::string& method, long long rounds) {
  MethodInstance m = build(p, method, 32);
  const auto& info = m.info;
  const long long H = info["H"].get<long long>();
  const long long T = std::max(H, rounds - rounds % H);  // whole periods: the fractions are exact counts
  const int d = p.dim(), n = p.workers();
  // Mean and variance of the bits of one GRBS block: N − 1 blocks of K, one of d − (N−1)K.
  auto moments = [&](const nlohmann::json& g) {
    const double K = g["K"].get<int>(), N = g["N"].get<int>(), last = d - (N - 1) * K;
    const double mean = d / N, sq = ((N - 1) * K * K + last * last) / N;
    return std::pair{32 * mean, 32 * 32 * (sq - mean * mean)};
  };
  const auto [ma, va] = moments(info["grbs_grad"]);
  const auto [mb, vb] = moments(info["grbs_reset"]);
  const double fa = info["grbs_grad"]["fraction"].get<double>(), fb = info["grbs_reset"]["fraction"].get<double>();
  std::vector<double> bits(static_cast<std::size_t>(n), 0.0);
  drive(p, m, T, [](long long) {}, [&](long long, const std::vector<Message>& ups) {
    for (int i = 0; i < n; ++i)
      if (ups[static_cast<std::size_t>(i)].sent) bits[static_cast<std::size_t>(i)] += ups[static_cast<std::size_t>(i)].bits;
  });
  const double measured = bits[0] / T;  // every worker sends the same blocks
  double spread = 0;
  for (double b : bits) spread = std::max(spread, std::abs(b - bits[0]));
  const double expected = fa * ma + fb * mb, sd = std::sqrt((fa * va + fb * vb) / T);
  const double nominal = 32.0 * d / info["R_C_exact"].get<double>();
  const double tol = 4 * sd + 1e-9 * expected;
  const std::string where = fmt::format("{} iterations; 32d/R_C,exact = {:.6g}, 32d/R_C(7.3 formula) = {:.6g}; 4 sd = {:.3g}",
                                        T, nominal, 32.0 * d / info["R_C"].get<double>(), 4 * sd);
  CheckRow r = row("cser-bits", method, p, measured, expected, false,
                   "uplink bits per worker per iteration vs their exact expectation: " + where);
  r.verdict = std::abs(measured - expected) <= tol && spread == 0 ? "pass" : "FAIL";
  const double without_reset = fa * ma;  // the reset term dropped
  CheckRow power = row("cser-bits-power", method, p, measured, without_reset, true,
                       "the expectation with the reset term dropped must be rejected: " + where);
  power.verdict = std::abs(measured - without_reset) > tol ? "pass" : "FAIL";
  return {r, power};
}

// Informational: the recalled theorem's leading term 2(f(x^0) − f_low)/(ηT) (V = 0 for full
// gradients; the H-dependent error term is not known with its constants) against the measured
// (1/T) Σ_t ||∇f(x̂^t)||². Not binding (§7.5 is recalled).
std::vector<CheckRow> cser_rate_rows(const Objective& p, const std::string& method, long long rounds) {
  MethodInstance m = build(p, method, 64);
  const double eta = m.info["stepsize"].get<double>();
  const int n = p.workers();
  Vec g, grad(p.dim());
  double sum = 0, f0 = 0;
  drive(p, m, rounds, [&](long long t) {
    if (t == rounds) return;
    grad.setZero();
    double f = 0;
    for (int i = 0; i < n; ++i) {
      f += p.loss_grad(i, m.server->model(), g) / n;
      grad += g / n;
    }
    if (t == 0) f0 = f;
    sum += grad.squaredNorm();
  }, [](long long, const std::vector<Message>&) {});
  const double bound = 2 * (f0 - p.constants().f_lower) / (eta * rounds);
  return {{"cser-leading-rate", method, p.name(), sum / rounds, bound, "not-binding", "paper-recalled",
           "(1/T) sum ||grad f(xhat^t)||^2 vs the recalled leading term 2(f(x0)-f_low)/(eta T); the error term's "
           "constants are not known"}};
}

}  // namespace commopt
