// LAQ's worker (laq_worker.hpp): Sun, Chen, Giannakis, Yang, "Communication-Efficient Distributed
// Learning via Lazily Aggregated Quantized Gradients", NeurIPS 2019, Algorithm 1, trigger (7a)/(7b).
//
// POTENTIAL (derived here, checked on every round of deterministic runs). The paper's V in mean units:
//   V^t = f(x^t) − f_low + Σ_{d=1}^D β_d ||Δ_{t+1−d}||²,  β_d = (1/γ) Σ_{j=d}^D ξ_j,  Δ_s = x^s − x^{s−1}
// (the paper's Σ_d Σ_{j≥d} (ξ_j/α)||·||² divided by M). With e_m = Q̂_m − ∇f_m(x^t) after the round:
// upload: e_m = −ε; skip: e_m = −(δQ + ε), so by (7a) ||e_m||² <= 2||δQ||² + 2||ε||²
//   <= (2/γ²) Σ_d ξ_d ||Δ_{t+1−d}||² + Z_m,  Z_m = (2w+2)||ε||² + 2w||ε̂_m||² + 2a   (upload: Z_m = ||ε||²).
// Descent lemma with e = g − ∇f = mean e_m and Jensen: f(x^{t+1}) <= f(x^t) − (γ/2)||∇f||²
//   − (1/(2γ) − L/2)||Δ_{t+1}||² + (γ/2)(1/M)Σ||e_m||², and V's history part changes by
//   β_1||Δ_{t+1}||² − Σ_d (ξ_d/γ)||Δ_{t+1−d}||², which cancels the (1/γ)Σ ξ_d||Δ||² exactly. Hence
//   V^{t+1} <= V^t − (γ/2)||∇f(x^t)||² − (1/(2γ) − L/2 − Σ_d ξ_d/γ)||Δ_{t+1}||² + (γ/2) Z̄^t,
// and for γ <= (1 − 2Σ_d ξ_d)/L (= (1 − 2Dξ)/L, the theory step) the reported potential
//   Φ^t = V^t − (γ/2) Σ_{s<t} Z̄^s     (V minus the quantization budget spent; Z̄ = mean_m Z_m)
// never increases. Without quantization error (ε = ε̂ = a = 0) Φ = V. `lyapunov=paper` reports V itself
// (not monotone in general: the ε-terms of (7a) let V rise by at most (γ/2)Z̄^t per round).

#include "methods/laq_worker.hpp"

#include "methods/sampling.hpp"

namespace commopt {

ReplicaPtr laq_replica(const Vec& x0, const LaqMethodOptions& o, int value_bits, const StepSchedule& sched) {
  ModelReplica::Options ro;
  ro.keep_previous = o.D > 0;  // qgd (D = 0) needs no move
  ro.move_history = static_cast<int>(o.D);
  ro.trigger_weight = o.xi;  // ξ_d = ξ
  const double gamma = sched.base;  // the potential is reported for a constant step only
  for (long long k = 0; k < o.D; ++k)  // β_{k+1} = (1/γ) Σ_{j=k+1}^D ξ_j = ξ(D − k)/γ
    ro.potential_weights.push_back(o.xi * static_cast<double>(o.D - k) / gamma);
  ro.step_at = [sched](int t) { return sched.at(t - 1); };  // x^t = x^{t−1} − γ_{t−1} g^{t−1}
  const int d = static_cast<int>(x0.size());
  return std::make_shared<ModelReplica>(x0, dense_codec(d, value_bits), 0.0, ro);
}

LaqWorker::LaqWorker(ReplicaPtr replica, const LaqMethodOptions& o, int value_bits, const StepSchedule& sched)
    : ReplicaWorker(std::move(replica)), o_(o), sched_(sched), qhat_(Vec::Zero(x().size())), cand_(x().size()),
      codec_(static_cast<int>(x().size()), static_cast<int>(o.bits), ValueCodec{value_bits}) {}

void LaqWorker::upload(WorkerEnv& env, Message& up) {
  const Objective& p = *env.problem;
  if (o_.batch > 0) {  // SLAQ: B rows with replacement from the worker's own stream
    Rng rng = env.rng(Purpose::sample);
    sample_with_replacement(rng, p.samples(env.worker), static_cast<int>(o_.batch), rows_);
    p.minibatch_grad(env.worker, x(), rows_, grad_);
    env.grad_evals += static_cast<double>(o_.batch);
  } else {
    p.grad(env.worker, x(), grad_);  // ∇f_m(x^t)
    env.grad_evals += p.samples(env.worker);
  }
  const double gamma = sched_.at(env.round);
  innovation_ = grad_ - qhat_;  // v
  Rng rng = env.compress_rng(codec_);
  codec_.compress(innovation_, rng, up);  // the candidate δQ = C_b(v), encoded
  cand_ = qhat_;
  codec_.add_decoded(up, 1.0, cand_);     // Q = Q̂ + δQ
  const double dq2 = (cand_ - qhat_).squaredNorm(), eps2 = (grad_ - cand_).squaredNorm();
  const double history = replica().trigger_history();  // Σ_d ξ ||Δ_{t+1−d}||², once per round
  const double rhs = history / (gamma * gamma) + o_.eps_weight * (eps2 + eps_hat2_) + o_.additive;
  budget_ += pending_;
  if (clock_ < o_.tbar && dq2 <= rhs) {  // (7a) and (7b): skip
    up.clear();
    ++clock_;
    pending_ = gamma / 2 * ((2 * o_.eps_weight + 2) * eps2 + 2 * o_.eps_weight * eps_hat2_ + 2 * o_.additive);
    return;
  }
  qhat_ = cand_;  // the server's copy moves identically (same decoded message)
  eps_hat2_ = eps2;
  clock_ = 0;
  pending_ = gamma / 2 * eps2;
}

double LaqWorker::potential_term(const Vec&) const {
  const double history = replica().potential_history();  // Σ_d β_d ||Δ_{t+1−d}||², once per round
  return o_.lyapunov == "paper" ? history : history - budget_;
}

void LaqWorker::expose(StateView& out) const {
  ReplicaWorker::expose(out);
  const int D = replica().move_history();
  moves_by_age_.resize(static_cast<Index>(D));
  for (int k = 0; k < D; ++k) moves_by_age_[static_cast<Index>(k)] = replica().move(k);
  out.add("moves", moves_by_age_);
}

}  // namespace commopt
