// A method is worker logic plus server logic that exchange encoded Messages; neither knows the
// backend (DESIGN.md, "Core interfaces"). The exchange follows the papers' own order:
//   round 0 (initialization): every worker, holding x^0, uploads (e.g. DASHA's uncompressed
//            g_i^0 = ∇f_i(x^0), or GD's first gradient); the server absorbs the uploads;
//   round t ≥ 1: the server encodes one broadcast from its state and applies it to its own model,
//            giving x^t; the workers apply the broadcast to their model replica (one per process,
//            decoded once per round: methods/replica.hpp);
//            then every worker uploads at x^t (or skips: sent = false) and the server absorbs.
// Row t of the trace therefore describes x^t and counts every bit sent up to and including the
// uploads made at x^t, so the state the theory's potential needs (x^t, g^t, g_i^t) is complete.
// Server and workers apply the *decoded* broadcast, so the replica stays bit-identical to x^t even
// when values travel as float32.
#pragma once
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compress/compressor.hpp"
#include "core/objective.hpp"
#include "core/rng.hpp"
#include "core/spec.hpp"
#include "methods/invariants.hpp"
#include "methods/theorem.hpp"

namespace commopt {

// What a worker may touch in one round: its shard of the problem, its random streams, its counters.
struct WorkerEnv {
  const Objective* problem = nullptr;
  int worker = 0;
  int round = 0;
  std::uint64_t seed = 0;
  double grad_evals = 0;  // cumulative sample gradients computed by this worker
  Rng rng(Purpose p) const { return Rng(seed, worker, round, p); }
  // The stream a compressor draws from: the worker's own, or the one all workers share.
  Rng compress_rng(const Compressor& c) const {
    return c.needs_shared_randomness() ? Rng(seed, kServer, round, Purpose::shared)
                                       : Rng(seed, worker, round, Purpose::compress);
  }
};

struct ServerEnv {
  int round = 0;
  std::uint64_t seed = 0;
  Rng rng(Purpose p) const { return Rng(seed, kServer, round, p); }
};

class WorkerLogic {
 public:
  virtual ~WorkerLogic() = default;
  virtual void upload(WorkerEnv& env, Message& up) = 0;
  virtual void apply(const Message& down, WorkerEnv& env) = 0;
  // Worker i's share of the method's potential, given ∇f_i(x^t) (e.g. ||g_i − ∇f_i(x^t)||²).
  virtual double potential_term(const Vec& grad_i) const { (void)grad_i; return 0.0; }
  // The error memory of error-feedback methods (for the virtual-sequence checks); null otherwise.
  virtual const Vec* error_memory() const { return nullptr; }
  // Names the state vectors the method's invariants read (methods/invariants.hpp), e.g. "x", "g".
  // Called by the checks only, after a round; never on the run's hot path.
  virtual void expose(StateView& out) const { (void)out; }
};

class ServerLogic {
 public:
  virtual ~ServerLogic() = default;
  // `ups` holds one message per worker in worker order; non-senders have sent == false.
  virtual void absorb(std::span<const Message> ups, ServerEnv& env) = 0;
  // Encodes the broadcast that moves x^{t-1} to x^t (env.round = t) and applies it to the model.
  virtual void broadcast(ServerEnv& env, Message& down) = 0;
  virtual const Vec& model() const = 0;
  virtual const Vec* error_memory() const { return nullptr; }
  // Names the server's state for the invariants; the default shows the model as "x".
  virtual void expose(StateView& out) const { out.add("x", model()); }
  // The method's Lyapunov value Φ^t from f(x^t) − f_low, ∇f(x^t) and the mean of the workers'
  // potential terms; nullopt for methods without one.
  virtual std::optional<double> potential(double gap, const Vec& grad, double mean_worker_terms) const {
    (void)gap; (void)grad; (void)mean_worker_terms;
    return std::nullopt;
  }
};

// Everything the factory needs to build a method for one run.
struct MethodSetup {
  const Objective* problem = nullptr;
  Spec method;
  Spec compressor;
  int value_bits = 32;
  std::uint64_t seed = 0;
  // Workers whose logic this process keeps (a distributed run holds a block of them); the others
  // are built and then dropped (null). worker_end < 0: all workers.
  int worker_begin = 0;
  int worker_end = -1;
};

struct MethodInstance {
  std::vector<std::unique_ptr<WorkerLogic>> workers;
  std::unique_ptr<ServerLogic> server;
  double stepsize = 0;
  nlohmann::json info;  // stepsize rule and value, constants used, compressor constants, parameters
};

// info[kInfoStochastic]: true when the method's gradient oracle draws data rows (minibatch or
// stochastic gradients). Every builder writes it (make_method checks); `commopt check` reads it to
// decide between one run and a mean over seeds. Random compressors, coins and participation are not
// counted here (the compressor's constants say whether it is random).
inline constexpr const char* kInfoStochastic = "stochastic";

// A registered method, defined once in its own file (lib/methods/entries.hpp lists the functions).
struct MethodEntry {
  std::string name;
  std::string doc;
  std::string paper;  // paper and theorem the implementation and its step size follow
  std::vector<ParamDoc> params;
  bool uses_compressor = true;
  std::string default_compressor;
  MethodInstance (*build)(const MethodSetup&) = nullptr;
  TheoremCard card;  // card.method is filled by the registry from `name`
  CheckPlan check;
  // Exact state invariants of the algorithm (methods/invariants.hpp), checked after every round of
  // the check suite's simulated runs (theory/invariants.cpp).
  std::vector<Invariant> invariants;
};

const std::vector<MethodEntry>& method_registry();
const MethodEntry& find_method(const std::string& name);  // UsageError with "did you mean"
MethodInstance make_method(const MethodSetup& setup);

}  // namespace commopt
