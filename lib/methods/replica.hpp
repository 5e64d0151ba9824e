// ModelReplica: the workers' copy of the model x^t, held once per process (issue 13). Every worker
// of a method decodes the same broadcast and applies it to an identical replica (method.hpp), so
// the replicas are identical by construction: one ModelReplica per process (per MPI rank) is shared
// by the workers built there, and round t's broadcast is decoded into it once, not once per worker:
//   step:        x^t = x^{t−1} − γ·decode(down^t)                  (GD, EF21, DASHA, MARINA, ...)
//   accumulate:  g^t = g^{t−1} + decode(b^t),  x^t = x^{t−1} − γ g^t  (EF21-BC's compressed downlink)
//   step with a schedule: x^t = x^{t−1} − γ_t·decode(down^t), γ_t = step_at(t)  (SGD, signSGD, LAQ)
//   custom:      x^t = rule(t, down^t, x^{t−1})  (dist-EF-SGD's weight decay, Qsparse's forwarded g_r)
// The arithmetic is the one each worker did on its own copy, so iterates are bit-identical.
// Workers read x through a const reference. advance(t, down) is a per-round once-guard: the first
// call for round t decodes, later calls for round t return, so every driver that calls
// WorkerLogic::apply for each worker (the simulator's worker pool, the MPI rank's loop, the theory
// drivers) stays correct and race-free on any number of threads.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "compress/compressor.hpp"

namespace commopt {

class ModelReplica {
 public:
  enum class Update { step, accumulate, custom };
  // custom: applies round t's broadcast to x in place, under the replica's lock (it may keep state
  // of its own, e.g. a momentum buffer every worker would otherwise hold).
  using Rule = std::function<void(int round, const Message& down, Vec& x)>;
  struct Options {
    Update update = Update::step;
    // Keep x^{t−1} and ||x^t − x^{t−1}||² (MARINA, FRECON, DASHA-PAGE/MVR differences; LAG/IAG/LAQ moves).
    bool keep_previous = false;
    // With keep_previous: keep the last `move_history` moves ||x^t − x^{t−1}||² (LAG/LAQ/SLAQ/IAG's
    // trigger and potential history, identical for every worker of the process, held here once).
    int move_history = 0;
    // With move_history: the two sums over the ring that every worker of LAG/LAQ/IAG would otherwise
    // form itself, computed once per round after the move is stored:
    //   trigger:   Σ_{d=1}^D ξ ||x^{t+1−d} − x^{t−d}||²  (ξ_d = trigger_weight, summed in ring-slot order)
    //   potential: Σ_{d=1}^D β_d ||x^{t+1−d} − x^{t−d}||²  (β_d = potential_weights[d − 1]; empty: 0)
    double trigger_weight = 0;
    std::vector<double> potential_weights;
    // step: the step of round t's broadcast, γ_t = step_at(t) (a schedule); empty: the constant step.
    std::function<double(int round)> step_at;
    Rule rule;  // custom only
  };

  // The replica starts at x0 (round 0); down_codec decodes the broadcasts (custom: may be null).
  ModelReplica(const Vec& x0, CompressorPtr down_codec, double step, Options options);
  ModelReplica(const ModelReplica&) = delete;
  ModelReplica& operator=(const ModelReplica&) = delete;

  // Applies round t's broadcast once (t ≥ 1): the first call of round t decodes, the others of
  // round t return once it is applied. Thread-safe. A call for a round before the last one applied
  // is a driver bug (std::logic_error).
  void advance(int round, const Message& down);

  const Vec& x() const { return x_; }
  // x^{t−1}: the model before the last advance (x^0 before the first); keep_previous only.
  const Vec& previous() const;
  // ||x^t − x^{t−1}||², computed once per round; keep_previous only.
  double last_move_sq() const { return move_sq_; }
  // ||x^{t−k} − x^{t−k−1}||² for k = 0 (the latest) .. move_history − 1; 0 before those rounds.
  double move(int k) const {
    const std::size_t size = moves_.size();
    return moves_[(next_move_ + size - 1 - static_cast<std::size_t>(k)) % size];
  }
  int move_history() const { return static_cast<int>(moves_.size()); }
  // Σ_d ξ ||Δ_{t+1−d}||² and Σ_d β_d ||Δ_{t+1−d}||² of the last applied round (Options; 0 before round 1).
  double trigger_history() const { return trigger_history_; }
  double potential_history() const { return potential_history_; }
  // accumulate: g^t, the sum of the decoded broadcasts.
  const Vec& accumulated() const { return g_; }
  double step() const { return step_; }  // the constant step (0 for a schedule or a custom rule)
  // How many broadcasts were decoded (one per round), and the last round applied (0: none).
  long long decodes() const { return decodes_; }
  int round() const { return round_.load(std::memory_order_acquire); }

 private:
  void decode(int round, const Message& down);

  Vec x_, previous_, g_;
  CompressorPtr codec_;
  double step_;
  Options options_;
  double move_sq_ = 0, trigger_history_ = 0, potential_history_ = 0;
  std::vector<double> moves_;  // ring of the last move_history moves
  std::size_t next_move_ = 0;
  long long decodes_ = 0;
  std::atomic<int> round_{0};  // the last round applied, published after the decode
  std::mutex mu_;
};

using ReplicaPtr = std::shared_ptr<ModelReplica>;

// The replica of a dense (identity-coded, value_bits wide) broadcast, x ← x − step·decode(down).
ReplicaPtr dense_replica(const Vec& x0, int value_bits, double step, bool keep_previous = false);
// ... with the step of round t's broadcast γ_t = step_at(t) (a schedule: SGD's η_{t−1}).
ReplicaPtr dense_replica(const Vec& x0, int value_bits, std::function<double(int round)> step_at,
                         bool keep_previous = false);
// The replica moved by `rule` (Update::custom; no codec of its own).
ReplicaPtr custom_replica(const Vec& x0, ModelReplica::Rule rule, bool keep_previous = false);

}  // namespace commopt
