// The exact state invariants of a method (MethodEntry::invariants, methods/invariants.hpp) as check
// rows: the shipped code runs on the simulator at value_bits = 64, every party shows its state after
// every round, and each invariant's relative residual must stay at rounding level:
//   invariant:<name>        max over rounds (and seeds) of |lhs − rhs|_∞ / (largest scale so far) ≤ 1e-12;
//   invariant:<name>-power  the same residual on the last state with one party's vectors moved by
//                           1e-6 × the scale must exceed 1e-9 (the invariant reads the state it claims).
#pragma once
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "methods/method.hpp"
#include "theory/checks.hpp"

namespace commopt {

inline constexpr double kInvariantTolerance = 1e-12;

// The worst relative residual of each invariant of `entry` over `rounds` rounds of one run.
struct InvariantRun {
  std::vector<double> worst;          // per invariant
  std::vector<long long> worst_round;
  std::vector<long long> applied;     // rounds where the invariant applied
  std::vector<double> power;          // per invariant: residual on the perturbed last state
};
InvariantRun run_invariants(const Objective& problem, const MethodEntry& entry, const std::string& method,
                            const std::string& compressor, long long rounds, std::uint64_t seed);

// The rows of one planned run: one seed when nothing is random, else `seeds` seeds (the seeds
// `commopt check` runs: first_seed, first_seed + 1, ...); empty when the method declares none.
std::vector<CheckRow> invariant_rows(const Objective& problem, const std::string& method,
                                     const std::string& compressor, const RunCheckOptions& opts);

}  // namespace commopt
