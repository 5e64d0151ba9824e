// Pieces every method shares: the workers' base over the shared model replica, dense codecs, and
// the step-size resolution `stepsize=theory | theory*C | <number>`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "methods/method.hpp"
#include "methods/replica.hpp"

namespace commopt {

// The `stepsize` parameter every method takes (resolve_stepsize reads it).
inline const ParamDoc kStepsizeParam{"stepsize", "theory", "theory (the method's rule), theory*C, or a number"};
// ... for methods that also carry the paper's recalled rule (stepsize=paper).
inline const ParamDoc kStepsizePaperParam{
    "stepsize", "theory", "theory ([CERT] rule), paper (the paper's recalled rule, unverified), theory*C, or a number"};

// Resolves the `stepsize` parameter of `spec` against the method's theory value. Records the
// rule ("theory: 1/L [Nesterov]", "theory*0.5", "user") and the value in info. `stepsize=paper`
// selects `paper_value` (the paper's recalled rule, recorded as unverified); methods without one
// reject it with a UsageError.
double resolve_stepsize(const Spec& spec, double theory_value, const std::string& theory_rule,
                        nlohmann::json& info, std::optional<double> paper_value = std::nullopt,
                        const std::string& paper_rule = "");

// The dense codec (identity compressor at the run's value width) used for uncompressed messages.
CompressorPtr dense_codec(int d, int value_bits);

// The compressor context of worker i of problem p: {i, n, the problem's parameter block sizes}
// (block-wise compressors such as block_sign and blockwise[...] read the blocks).
inline CompressorContext worker_context(const Objective& p, int i) {
  return {i, p.workers(), block_sizes(p)};
}

// g = ∇f_i(x) (batch = 0) or the mean of `batch` sample gradients at rows drawn uniformly with
// replacement from Purpose::sample (rows has `batch` entries). Counts the oracle calls in env.
inline void sample_gradient(WorkerEnv& env, const Vec& x, long long batch, std::vector<int>& rows, Vec& g) {
  const Objective& p = *env.problem;
  if (batch == 0) {
    p.grad(env.worker, x, g);
    env.grad_evals += p.samples(env.worker);
    return;
  }
  Rng rng = env.rng(Purpose::sample);
  for (int& r : rows) r = static_cast<int>(rng.below(static_cast<std::uint64_t>(p.samples(env.worker))));
  p.minibatch_grad(env.worker, x, rows, g);
  env.grad_evals += static_cast<double>(batch);
}

// Records the problem constants a step-size rule used.
nlohmann::json constants_json(const ProblemConstants& c);

// Lower bound on f used by potentials: f* when known, else 0 (every loss here is nonnegative).
double f_lower(const Objective& problem);

// Base for workers that read the model replica x^t and apply x ← x − step·decode(down). The
// replica is shared by the workers of one process (methods/replica.hpp): apply() decodes round
// t's broadcast once, whichever worker calls it first; the others find it applied.
class ReplicaWorker : public WorkerLogic {
 public:
  explicit ReplicaWorker(ReplicaPtr replica) : replica_(std::move(replica)), step_(replica_->step()) {}
  void apply(const Message& down, WorkerEnv& env) override {
    replica_->advance(env.round, down);  // x^{t} = x^{t-1} − γ·decode(broadcast), once per round
  }
  // "x" is the shared replica: invariant:replicas compares it with the server's x (invariants.hpp).
  void expose(StateView& out) const override { out.add("x", x()); }
  const ModelReplica& replica() const { return *replica_; }

 protected:
  const Vec& x() const { return replica_->x(); }
  // x^{t−1} (replicas built with keep_previous).
  const Vec& x_prev() const { return replica_->previous(); }

  ReplicaPtr replica_;
  double step_;
};

}  // namespace commopt
