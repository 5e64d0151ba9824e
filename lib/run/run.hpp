// The round loop: runs a method on a Network, stops on rounds / bits / target / time or divergence,
// and records trace rows on a log-spaced grid of rounds (always the first and the last).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/network.hpp"
#include "trace/trace.hpp"

namespace commopt {

struct StopRule {
  long long rounds = 1000;               // --rounds: at most this many rounds after the initialization
  // The round cap only guards a budget or a target (--max-bits, --target, --time-limit given without
  // --rounds): hitting it is reported as "safety cap hit before the budget", not as a normal end.
  bool rounds_is_safety_cap = false;
  std::optional<double> max_bits;        // --max-bits: uplink bits per worker (mean), cumulative
  std::optional<double> target;          // --target: stop when the target quantity is <= this
  std::string target_on = "grad_norm_sq";  // or "gap" (f − f*, needs f*)
  std::optional<double> time_limit;      // --time-limit: seconds of method time
  double divergence_factor = 1e6;        // loss above this times the initial loss = diverged
};

struct LogGrid {
  long long every = 0;    // --log-every N: a fixed grid; 0 = log-spaced
  double growth = 1.08;   // log-spaced grid: next = max(t+1, ceil(t * growth))
  long long next(long long t) const;
};

struct RunResult {
  RunStatus status = RunStatus::running;  // how the run ended (trace/status.hpp)
  std::string message;   // one line for the summary
  long long rounds = 0;  // rounds run after the initialization
  double seconds = 0;    // the method's own time
  double cpu_seconds = 0;  // the process's CPU time over the same rounds (all its threads)
  TraceRow last;
};

using RowSink = std::function<void(const TraceRow&)>;
// Called after every round that does not end the run (the progress line; it must be cheap): the
// round, the mean uplink bits per worker so far, the method's seconds, and ||grad f||^2 when the
// round was evaluated (a logged row or a target to check), else NaN.
using RoundTick = std::function<void(long long round, double bits_up, double seconds, double grad_norm_sq)>;

// Runs until a stop rule fires. Every logged row goes to `sink` (the writer and the progress bar);
// the target is checked on every round when one is given (evaluation is not counted in seconds).
RunResult run_rounds(Network& net, const Objective& problem, const StopRule& stop, const LogGrid& grid,
                     const RowSink& sink, const RoundTick& tick = {});

}  // namespace commopt
