#include "run/run.hpp"

#include <chrono>
#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "run/interrupt.hpp"

namespace commopt {

long long LogGrid::next(long long t) const {
  if (every > 0) return t + every;
  return std::max(t + 1, static_cast<long long>(std::ceil(static_cast<double>(t) * growth)));
}

namespace {

TraceRow make_row(long long t, const Counters& c, const Evaluation& e, const Objective& problem, double seconds) {
  TraceRow r;
  r.round = t;
  const double n = static_cast<double>(c.bits_up.size());
  double up = 0, up_max = 0, evals = 0;
  for (std::size_t i = 0; i < c.bits_up.size(); ++i) {
    up += static_cast<double>(c.bits_up[i]);  // exact integer sum (< 2^53), divided once below
    up_max = std::max(up_max, static_cast<double>(c.bits_up[i]));
    evals += c.grad_evals[i];
  }
  r.grad_evals = evals / n;
  r.bits_up = up / n;
  r.bits_up_max = up_max;
  r.bits_down = static_cast<double>(c.bits_down);
  r.participants = c.participants;
  r.loss = e.loss;
  r.grad_norm_sq = e.grad_norm_sq;
  if (problem.constants().f_star) r.gap = e.loss - *problem.constants().f_star;
  r.lyapunov = e.lyapunov;
  r.accuracy = e.accuracy;
  r.seconds = seconds;
  return r;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

bool finite(const TraceRow& r) { return std::isfinite(r.loss) && std::isfinite(r.grad_norm_sq); }

}  // namespace

RunResult run_rounds(Network& net, const Objective& problem, const StopRule& stop, const LogGrid& grid,
                     const RowSink& sink, const RoundTick& tick) {
  using clock = std::chrono::steady_clock;
  double seconds = 0, cpu_seconds = 0;
  auto timed_round = [&](int t) {
    const auto start = clock::now();
    const double cpu_start = process_cpu_seconds();
    net.run_round(t);
    seconds += std::chrono::duration<double>(clock::now() - start).count();
    cpu_seconds += process_cpu_seconds() - cpu_start;
  };
  net.expect_evaluation(true);  // row 0
  timed_round(0);
  TraceRow row = make_row(0, net.counters(), net.evaluate(), problem, seconds);
  const double initial_loss = row.loss;
  long long next_log = grid.next(0);
  RunResult result;
  auto target_value = [&](const TraceRow& r) {
    return stop.target_on == "gap" ? r.gap.value_or(INFINITY) : r.grad_norm_sq;
  };
  auto finish = [&](TraceRow& r, RunStatus status, std::string message) {
    r.status = status;
    sink(r);
    result.status = status;
    result.message = std::move(message);
    result.rounds = r.round;
    result.seconds = seconds;
    result.cpu_seconds = cpu_seconds;
    result.last = r;
    return result;
  };
  auto stop_reason = [&](const TraceRow& r, long long t) -> std::optional<std::pair<RunStatus, std::string>> {
    if (!finite(r) || !net.model().allFinite())
      return std::make_pair(RunStatus::diverged, fmt::format("diverged at round {}: non-finite loss or iterate", t));
    if (initial_loss > 0 && r.loss > stop.divergence_factor * initial_loss)
      return std::make_pair(RunStatus::diverged, fmt::format("diverged at round {}: loss {:.3g} > {:g} x initial", t,
                                                             r.loss, stop.divergence_factor));
    if (stop.target && target_value(r) <= *stop.target)
      return std::make_pair(RunStatus::converged,
                            fmt::format("reached {} <= {:g} at round {}", stop.target_on, *stop.target, t));
    if (stop.max_bits && r.bits_up >= *stop.max_bits)
      return std::make_pair(RunStatus::max_bits, fmt::format("spent the bit budget {:g} at round {}", *stop.max_bits, t));
    if (interrupt_requested())
      return std::make_pair(RunStatus::interrupted, fmt::format("interrupted by a signal after round {}", t));
    if (stop.time_limit && seconds >= *stop.time_limit)
      return std::make_pair(RunStatus::time_limit, fmt::format("time limit {:g} s at round {}", *stop.time_limit, t));
    if (t >= stop.rounds) {
      if (stop.rounds_is_safety_cap)
        return std::make_pair(RunStatus::max_rounds,
                              fmt::format("hit the safety cap of {} rounds before the bit budget, target or time "
                                          "limit; pass --rounds to raise it", t));
      return std::make_pair(RunStatus::max_rounds, fmt::format("ran {} rounds", t));
    }
    return std::nullopt;
  };
  // Stop decisions are the root process's (net.agree); with one process agree() is the identity.
  // Elsewhere `why` may be empty while the root stops: rows there are not meaningful anyway.
  auto stop_now = [&](TraceRow& r, long long t, std::optional<RunResult>& out) {
    const auto why = stop_reason(r, t);
    if (!net.agree(why.has_value())) return false;
    out = why ? finish(r, why->first, why->second) : finish(r, RunStatus::stopped, "stopped by the root process");
    return true;
  };
  std::optional<RunResult> done;
  if (stop_now(row, 0, done)) return *done;
  sink(row);
  for (long long t = 1;; ++t) {
    // The evaluations known in advance share the round's gradients (Network::expect_evaluation);
    // the others (a bit budget or time limit reached, an interrupt) measure their own.
    net.expect_evaluation(t == next_log || stop.target.has_value() || t >= stop.rounds);
    timed_round(static_cast<int>(t));
    // Cheap per-round checks; a full evaluation only on logged rounds or when a target is set.
    const bool model_ok = net.model().allFinite();
    const Counters& c = net.counters();
    double bits_up = 0;
    for (auto b : c.bits_up) bits_up += static_cast<double>(b);
    bits_up /= static_cast<double>(c.bits_up.size());
    const bool must_stop = net.agree(!model_ok || t >= stop.rounds || (stop.max_bits && bits_up >= *stop.max_bits) ||
                                     (stop.time_limit && seconds >= *stop.time_limit) || interrupt_requested());
    double grad_norm_sq = NAN;
    if (t == next_log || must_stop || stop.target) {
      row = make_row(t, c, net.evaluate(), problem, seconds);
      if (stop_now(row, t, done)) return *done;
      grad_norm_sq = row.grad_norm_sq;
      if (t == next_log) {
        sink(row);
        next_log = grid.next(t);
      }
    }
    if (tick) tick(t, bits_up, seconds, grad_norm_sq);
  }
}

}  // namespace commopt
