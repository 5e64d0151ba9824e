// A Network runs the rounds of a method (lib/methods/method.hpp) and counts what crosses the wire,
// from the encoded Messages only. SimNetwork keeps the n workers in one process; MpiNetwork
// (lib/net/mpi/) spreads them over ranks and produces the same counters and iterates. In a
// distributed network counters(), model() and evaluate() are meaningful on the root process only
// (evaluate() must still be called on every process: it is collective). Both evaluate through
// net/evaluate.hpp, in worker order, so their evaluations agree bit for bit.
#pragma once
#include <memory>
#include <cstdint>
#include <utility>
#include <vector>

#include "methods/method.hpp"
#include "net/evaluate.hpp"
#include "net/shared_gradients.hpp"

namespace commopt {

struct Counters {
  std::vector<std::uint64_t> bits_up;  // cumulative uplink bits of each worker
  std::uint64_t bits_down = 0;         // cumulative broadcast bits received by each worker
  std::vector<double> grad_evals;      // cumulative sample gradients of each worker
  int participants = 0;                // workers that sent in the latest round
  std::uint64_t messages_up = 0;       // uploads actually sent, all workers, all rounds
};

class Network {
 public:
  virtual ~Network() = default;
  // Round 0 is the initialization (uploads at x^0); round t ≥ 1 is broadcast, apply, upload.
  virtual void run_round(int t) = 0;
  virtual const Counters& counters() const = 0;
  virtual const Vec& model() const = 0;
  virtual Evaluation evaluate() = 0;
  // The root process's `flag` on every process (the round loop's stop decisions); the identity
  // in one process.
  virtual bool agree(bool flag) { return flag; }
  // Whether the model after the next run_round will be evaluated (a logged round): that round then
  // keeps the method's gradients at x^t for evaluate() (net/shared_gradients.hpp), which skips a
  // second pass over the data. A hint for one round: evaluate() gives the same bits either way.
  void expect_evaluation(bool on) { evaluation_expected_ = on; }

 protected:
  // Read and cleared by run_round.
  bool take_evaluation_expected() { return std::exchange(evaluation_expected_, false); }

 private:
  bool evaluation_expected_ = false;
};

class WorkerPool;

class SimNetwork final : public Network {
 public:
  // Workers run on choose_threads(requested_threads(), n, n·d + rows) threads (net/worker_pool.hpp).
  SimNetwork(const Objective& problem, MethodInstance& method, std::uint64_t seed);
  ~SimNetwork() override;
  int threads() const { return threads_; }
  void run_round(int t) override;
  const Counters& counters() const override { return counters_; }
  const Vec& model() const override { return method_.server->model(); }
  Evaluation evaluate() override;
  // The workers' problem, which keeps or folds a logged round's gradients (tests).
  const SharedGradients& shared_gradients() const { return shared_; }

 private:
  const Objective& problem_;
  MethodInstance& method_;
  std::uint64_t seed_;
  SharedGradients shared_;  // what the workers see as their problem (WorkerEnv::problem)
  std::vector<WorkerEnv> envs_;
  std::vector<Message> ups_;
  Message down_;
  Counters counters_;
  WorkerShare share_;  // evaluation scratch
  EvaluationSum sum_;
  EvaluationSum folded_;  // a logged round's leading workers, summed during the round (one thread)
  int threads_ = 1;
  std::unique_ptr<WorkerPool> pool_;  // null when threads_ == 1
};

}  // namespace commopt
