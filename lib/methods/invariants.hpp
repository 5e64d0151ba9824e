// Exact state invariants of a method (issue 15 item 1): equations between the server's and the
// workers' states that the algorithm keeps at every round, e.g. EF21's g^t = (1/n) Σ_i g_i^t or
// DIANA's h^t = (1/n) Σ_i h_i^t. They are declared in the method's file next to its theorem and
// carried by its registry entry (MethodEntry::invariants); `commopt check` evaluates every one after
// every round of simulated runs of the shipped code (theory/invariants.cpp) and requires
//   max_t |lhs − rhs|_∞ / max_{s≤t} scale_s ≤ 1e-12   at value_bits = 64 (rounding only).
// A party shows its state by naming vectors (and scalars) in a StateView; nothing is copied and
// nothing allocates, and the views are only filled when a check asks (the run loop never does).
#pragma once
#include <array>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "core/objective.hpp"

namespace commopt {

// Named read-only views of one party's state after a round. Keys are string literals.
class StateView {
 public:
  static constexpr int kCapacity = 8;
  void clear() { vecs_ = 0, scalars_ = 0; }
  void add(const char* name, const Vec& v);     // std::logic_error past kCapacity
  void add_scalar(const char* name, double v);  // e.g. MARINA's "full_round" flag (0/1)
  const Vec* find(std::string_view name) const;
  const double* find_scalar(std::string_view name) const;
  // The vector `name` (std::logic_error naming `who` when the party does not show it).
  const Vec& at(std::string_view name, const char* who) const;
  // In order of add(): for copying a view with some vectors replaced (the checks' power rows).
  int vectors() const { return vecs_; }
  const char* vector_name(int k) const { return vec_[static_cast<std::size_t>(k)].first; }
  const Vec& vector(int k) const { return *vec_[static_cast<std::size_t>(k)].second; }
  int scalars() const { return scalars_; }
  const char* scalar_name(int k) const { return scalar_[static_cast<std::size_t>(k)].first; }
  double scalar(int k) const { return scalar_[static_cast<std::size_t>(k)].second; }

 private:
  std::array<std::pair<const char*, const Vec*>, kCapacity> vec_{};
  std::array<std::pair<const char*, double>, kCapacity> scalar_{};
  int vecs_ = 0, scalars_ = 0;
};

// What an invariant reads after round t: the problem, the round, and every party's view.
struct InvariantInput {
  const Objective* problem = nullptr;
  int round = 0;
  const StateView* server = nullptr;
  std::span<const StateView> workers;
};

// |lhs − rhs|_∞ and the magnitude it is relative to (e.g. max of |lhs|_∞ and the |term|_∞ of the
// sum); the check divides by the largest scale seen so far in the run, since rounding errors of an
// accumulator are relative to the largest values it has summed. A round where the invariant does
// not apply (e.g. a compressed MARINA round for "full rounds give ∇f") returns applies = false.
struct Residual {
  double abs = 0;
  double scale = 0;
  bool applies = true;
};

struct Invariant {
  std::string name;   // the check row is "invariant:<name>"
  std::string claim;  // the equation, quoted in the row's note
  std::function<Residual(const InvariantInput&)> residual;
};

// server[key_server] = (1/n) Σ_i worker_i[key_worker]  (EF21's g, DIANA's h, FRECON's y, ...).
Invariant mean_of_workers_invariant(std::string name, const char* key_server, const char* key_worker,
                                    std::string claim);
// worker_i[key_worker] = server[key_server] for every i (replicas of the model, of the broadcast g).
Invariant replicas_invariant(std::string name, const char* key_server, const char* key_worker, std::string claim);
// server[key_g] = ∇f(server x) = (1/n) Σ_i ∇f_i(x) on the rounds where the server's scalar `flag`
// is nonzero (every round when flag is null), e.g. GD every round, MARINA's full rounds.
Invariant gradient_invariant(std::string name, const char* key_g, const char* flag, std::string claim);
// worker_i[key] = ∇f_i(worker_i["x"]) for every i (DASHA's h_i^t = ∇f_i(x^t)).
Invariant worker_gradient_invariant(std::string name, const char* key, std::string claim);

// The two shapes most methods share: "replicas" and "g-mean" (the server's estimator
// g^t = (1/n) Σ_i g_i^t, with 1/n also on rounds where some workers skip). The workers of one
// process share one model replica (methods/replica.hpp), so "every worker's x equals every other's"
// is true by construction; "replicas" checks what remains: the shared replica, decoded once per
// round from the broadcast, equals the server's x^t (a missed, doubled or stale decode breaks it).
Invariant model_replicas_invariant();
Invariant estimator_mean_invariant();

}  // namespace commopt
