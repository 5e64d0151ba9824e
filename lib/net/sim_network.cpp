// SimNetwork: n workers in one process. Workers run in parallel on a WorkerPool when the work per
// round pays for the barrier (net/worker_pool.hpp); every worker owns its state and random
// streams, and the server reads the messages in worker order, so the result does not depend on
// the thread count.
#include "net/network.hpp"

#include "net/worker_pool.hpp"

namespace commopt {

SimNetwork::SimNetwork(const Objective& problem, MethodInstance& method, std::uint64_t seed)
    : problem_(problem), method_(method), seed_(seed), shared_(problem), envs_(static_cast<std::size_t>(problem.workers())),
      ups_(static_cast<std::size_t>(problem.workers())) {
  const int n = problem.workers();
  for (int i = 0; i < n; ++i) {
    envs_[static_cast<std::size_t>(i)].problem = &shared_;
    envs_[static_cast<std::size_t>(i)].worker = i;
    envs_[static_cast<std::size_t>(i)].seed = seed;
  }
  counters_.bits_up.assign(static_cast<std::size_t>(n), 0);
  counters_.grad_evals.assign(static_cast<std::size_t>(n), 0.0);
  double rows = 0;
  for (int i = 0; i < n; ++i) rows += problem.samples(i);
  threads_ = choose_threads(requested_threads(), n, static_cast<double>(n) * problem.dim() + rows);
  note_chosen_threads(threads_);
  if (threads_ > 1) pool_ = std::make_unique<WorkerPool>(threads_);
}

SimNetwork::~SimNetwork() = default;

void SimNetwork::run_round(int t) {
  const int n = problem_.workers();
  ServerEnv server_env{t, seed_};
  if (t > 0) {
    down_.clear();
    method_.server->broadcast(server_env, down_);
    if (down_.sent) counters_.bits_down += down_.bits;
  }
  const bool armed = take_evaluation_expected();
  // One thread: the kept shares of the leading workers go into folded_ right after each step
  // (SharedGradients' fold), in worker order, instead of a d-vector kept per worker.
  const bool fold = armed && !pool_;
  shared_.start_round(armed, &method_.server->model(), fold);  // x^t
  if (fold) folded_.start(n, problem_.dim());
  const auto step = [&](int i) {
    WorkerEnv& env = envs_[static_cast<std::size_t>(i)];
    env.round = t;
    auto& worker = *method_.workers[static_cast<std::size_t>(i)];
    if (t > 0 && down_.sent) worker.apply(down_, env);
    Message& up = ups_[static_cast<std::size_t>(i)];
    up.clear();
    worker.upload(env, up);
  };
  if (pool_) {
    pool_->run(n, step);
  } else {
    for (int i = 0; i < n; ++i) {
      step(i);
      // worker i's potential term after its step, as evaluate() would compute it after the round:
      // nothing later in the round changes worker i's state
      if (WorkerShare* s = fold ? shared_.step_done(i) : nullptr)
        folded_.add(share_at(problem_, *method_.workers[static_cast<std::size_t>(i)], i, method_.server->model(), s,
                             share_));
    }
  }
  counters_.participants = 0;
  for (int i = 0; i < n; ++i) {
    const Message& up = ups_[static_cast<std::size_t>(i)];
    if (up.sent) {
      counters_.bits_up[static_cast<std::size_t>(i)] += up.bits;
      ++counters_.participants;
      ++counters_.messages_up;
    }
    counters_.grad_evals[static_cast<std::size_t>(i)] = envs_[static_cast<std::size_t>(i)].grad_evals;
  }
  method_.server->absorb(ups_, server_env);
}

Evaluation SimNetwork::evaluate() {
  const int n = problem_.workers();
  const Vec& x = model();
  const bool reuse = shared_.kept_at(x);
  const int first = reuse ? shared_.folded() : 0;  // workers 0..first−1 are in folded_ already
  if (first > 0) sum_ = folded_;
  else sum_.start(n, problem_.dim());
  for (int i = first; i < n; ++i)  // worker order: a deterministic sum
    sum_.add(share_at(problem_, *method_.workers[static_cast<std::size_t>(i)], i, x,
                      reuse ? shared_.kept(i) : nullptr, share_));
  return sum_.finish(problem_, *method_.server, x);
}

}  // namespace commopt
