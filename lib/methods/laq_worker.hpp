// LAQ's worker (Sun, Chen, Giannakis, Yang, NeurIPS 2019, Algorithm 1; laq.cpp assembles the method):
// the quantized innovation around the last upload, the lazy trigger (7a)/(7b) and the worker's share
// of the potential (derived in laq_worker.cpp).
#pragma once
#include <string>
#include <vector>

#include "compress/laq.hpp"
#include "methods/common.hpp"
#include "methods/schedule.hpp"

namespace commopt {

// laq / slaq / qgd's options (spec: laq[...]); qgd is D = 0, xi = 0, tbar = 0.
struct LaqMethodOptions {
  long long bits = 4;            // b
  long long D = 10;              // past moves in (7a)
  double xi = 0.025;             // ξ_d = xi (the code's ck/D; ck = 0.8 gives 0.08)
  double eps_weight = 3;         // w: the 3 of (7a)
  double additive = 0;           // a: SLAQ's additive 0.2
  long long tbar = 100;          // t̄: forced upload after t̄ consecutive skips
  long long batch = 0;           // SLAQ minibatch B (0: full local gradient)
  std::string normalize = "sum"; // sum: numeric stepsize is α (γ = Mα); mean: it is γ
  std::string lyapunov = "budget";
};

// The replica LAQ's workers share (one per process): x^t = x^{t−1} − γ_{t−1} g^{t−1}, with x^{t−1},
// the ring of the last D moves ||Δ_s||² = ||x^s − x^{s−1}||², the trigger's Σ_d ξ ||Δ_{t+1−d}||² and
// the potential's Σ_d β_d ||Δ_{t+1−d}||² (β_d = ξ(D − d + 1)/γ), each formed once per round.
ReplicaPtr laq_replica(const Vec& x0, const LaqMethodOptions& o, int value_bits, const StepSchedule& sched);

// Worker m: v = ∇f_m(x^t) − Q̂_m, δQ = C_b(v), Q = Q̂_m + δQ, ε = ∇f_m(x^t) − Q; skips iff
//   (7a) ||δQ||² <= (1/γ_t²) Σ_{d=1}^D ξ ||x^{t+1−d} − x^{t−d}||² + w(||ε||² + ||ε̂_m||²) + a
//   and (7b) clock < t̄; uploads δQ otherwise (Q̂_m ← Q, ε̂_m ← ε, clock ← 0).
// The history sum is the replica's, read by every worker: no worker keeps a ring of its own.
class LaqWorker final : public ReplicaWorker {
 public:
  LaqWorker(ReplicaPtr replica, const LaqMethodOptions& o, int value_bits, const StepSchedule& sched);
  void upload(WorkerEnv& env, Message& up) override;
  // Σ_d β_d ||Δ_{t+1−d}||² − (γ/2) Σ_{s<t} Z_m^s (lyapunov=paper: the history sum alone).
  double potential_term(const Vec&) const override;
  // "moves": the replica's ring in age order, ||Δ_t||², ||Δ_{t−1}||², ... (0 before round 1).
  void expose(StateView& out) const override;
  long long clock() const { return clock_; }

 private:
  LaqMethodOptions o_;
  StepSchedule sched_;
  Vec qhat_, cand_, grad_, innovation_;
  LaqCompressor codec_;
  mutable Vec moves_by_age_;  // expose()'s view of the replica's ring
  std::vector<int> rows_;
  long long clock_ = 0;
  double eps_hat2_ = 0, budget_ = 0, pending_ = 0;
};

}  // namespace commopt
