// The lazy methods' history held once per process (lib/methods/replica.hpp, issue 13). LAG, LAQ,
// SLAQ and IAG read one ring of the last D moves ||Δ_s||² = ||x^s − x^{s−1}||² and its two sums,
// formed once per round by the shared replica. Facts checked against references built here from
// the model's history alone (no product code):
//   - the trigger sum is Σ_{j=0}^{D−1} ξ·ring[j] in ring-slot order (slot j holds the move of the
//     latest round s with (s − 1) mod D = j), bit for bit: the order every worker summed its own
//     ring in, so the skip decisions and traces stay identical;
//   - the potential sum is Σ_{d=1}^D β_d ||Δ_{t+1−d}||² with each method's β_d, bit for bit;
//   - LAG-WK's skip decisions are, at every round and worker, the rule
//     skip ⇔ t > 0 and ||∇f_m(x^t) − ∇f_m(x̂_m)||² <= (1/γ²) Σ_d ξ ||Δ_{t+1−d}||², replayed here.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <functional>

#include "methods/common.hpp"
#include "net/network.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr int kWorkers = 4;
constexpr int kRounds = 14;

const Objective& tiny_problem() {
  static const auto p = problem("logreg_nc[data=a1a,lambda=0.1]", kWorkers);
  return *p;
}

MethodSetup setup_of(const std::string& method) {
  MethodSetup s;
  s.problem = &tiny_problem();
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse("identity", "--compressor");
  s.value_bits = 64;
  s.seed = 7;
  return s;
}

// One round as SimNetwork runs it, sequentially, keeping each worker's upload.
void run_round(MethodInstance& m, int t, std::vector<WorkerEnv>& envs, std::vector<Message>& ups) {
  ServerEnv se{t, 7};
  Message down;
  if (t > 0) m.server->broadcast(se, down);
  for (int i = 0; i < kWorkers; ++i) {
    WorkerEnv& env = envs[static_cast<std::size_t>(i)];
    env.round = t;
    if (t > 0 && down.sent) m.workers[static_cast<std::size_t>(i)]->apply(down, env);
    ups[static_cast<std::size_t>(i)].clear();
    m.workers[static_cast<std::size_t>(i)]->upload(env, ups[static_cast<std::size_t>(i)]);
  }
  m.server->absorb(ups, se);
}

std::vector<WorkerEnv> envs_of(const MethodSetup& s) {
  std::vector<WorkerEnv> envs(kWorkers);
  for (int i = 0; i < kWorkers; ++i) envs[static_cast<std::size_t>(i)] = WorkerEnv{s.problem, i, 0, s.seed};
  return envs;
}

// ||Δ_s||² from the iterates x^0..x^t (0 for s < 1).
double move_of(const std::vector<Vec>& xs, int s) {
  return s >= 1 ? (xs[static_cast<std::size_t>(s)] - xs[static_cast<std::size_t>(s - 1)]).squaredNorm() : 0.0;
}

}  // namespace

TEST_CASE("lazy history: the replica's trigger and potential sums are the ring's, slot by slot", "[replica][laq]") {
  struct Case {
    const char* method;
    int D;
    double xi;
    // β_d for d = k + 1 (the expression each method forms)
    std::function<double(const MethodInstance&, int k)> beta;
  };
  const double Lhat2 = tiny_problem().constants().L_hat * tiny_problem().constants().L_hat;
  const Case cases[] = {
      {"lag[D=3,xi=0.05]", 3, 0.05, [](const MethodInstance& m, int k) { return 0.05 * (3.0 - k) / (2 * m.stepsize); }},
      {"lag[D=5,xi=0.05,rule=ps]", 5, 0.05,
       [](const MethodInstance& m, int k) { return 0.05 * (5.0 - k) / (2 * m.stepsize); }},
      {"laq[D=3,xi=0.1]", 3, 0.1, [](const MethodInstance& m, int k) { return 0.1 * (3.0 - k) / m.stepsize; }},
      {"slaq[D=4,xi=0.05,schedule=step[at=4,factor=0.5],batch=16]", 4, 0.05,
       [](const MethodInstance& m, int k) { return 0.05 * (4.0 - k) / m.stepsize; }},
      {"iag", kWorkers - 1, 0.0,
       [Lhat2](const MethodInstance& m, int k) {
         return m.stepsize / 2 * (kWorkers - 1.0) * Lhat2 * static_cast<double>(kWorkers - 1 - k);
       }},
  };
  for (const Case& c : cases) {
    SECTION(c.method) {
      const MethodSetup s = setup_of(c.method);
      MethodInstance m = make_method(s);
      auto envs = envs_of(s);
      std::vector<Message> ups(kWorkers);
      std::vector<Vec> xs;  // x^0, x^1, ...
      for (int t = 0; t <= kRounds; ++t) {
        INFO("round " << t);
        run_round(m, t, envs, ups);
        const ModelReplica& r = dynamic_cast<const ReplicaWorker&>(*m.workers[0]).replica();
        xs.push_back(r.x());
        REQUIRE(r.move_history() == c.D);
        double trigger = 0;  // slot j = (s − 1) mod D holds the latest such s <= t
        for (int j = 0; j < c.D; ++j) {
          int s_ = t - ((t - 1 - j) % c.D + c.D) % c.D;
          trigger += c.xi * move_of(xs, s_);
        }
        double potential = 0;
        for (int k = 0; k < c.D; ++k) potential += c.beta(m, k) * move_of(xs, t - k);
        CHECK(r.trigger_history() == trigger);
        CHECK(r.potential_history() == potential);
        for (int i = 0; i < kWorkers; ++i)  // every worker reads the one replica
          CHECK(&dynamic_cast<const ReplicaWorker&>(*m.workers[static_cast<std::size_t>(i)]).replica() == &r);
        if (std::string(c.method).rfind("lag[D=3", 0) == 0)  // LAG's potential term is the replica's sum
          CHECK(m.workers[0]->potential_term(xs.back()) == potential);
      }
    }
  }
}

TEST_CASE("lazy history: LAG-WK skips exactly when ||grad change||^2 <= (1/gamma^2) sum_d xi ||move_d||^2", "[laq]") {
  const int D = 3;
  const double xi = 0.3;
  const MethodSetup s = setup_of("lag[D=3,xi=0.3]");
  MethodInstance m = make_method(s);
  auto envs = envs_of(s);
  std::vector<Message> ups(kWorkers);
  const Objective& p = tiny_problem();
  std::vector<Vec> xs, ghat(kWorkers, Vec::Zero(p.dim()));  // ∇f_m(x̂_m): the last uploaded gradient
  int skips = 0, uploads = 0;
  for (int t = 0; t <= 3 * kRounds; ++t) {
    run_round(m, t, envs, ups);
    xs.push_back(dynamic_cast<const ReplicaWorker&>(*m.workers[0]).replica().x());  // x^t, the workers' point
    double history = 0;  // ring-slot order, as the workers summed their rings
    for (int j = 0; j < D; ++j) history += xi * move_of(xs, t - ((t - 1 - j) % D + D) % D);
    const double rhs = history / (m.stepsize * m.stepsize);
    for (int i = 0; i < kWorkers; ++i) {
      INFO("round " << t << " worker " << i);
      Vec g;
      p.grad(i, xs.back(), g);
      const Vec delta = g - ghat[static_cast<std::size_t>(i)];
      const bool skip = t > 0 && delta.squaredNorm() <= rhs;
      CHECK(ups[static_cast<std::size_t>(i)].sent == !skip);
      if (!skip) ghat[static_cast<std::size_t>(i)] += delta;
      (skip ? skips : uploads) += 1;
    }
  }
  CHECK(skips > 0);  // both branches are exercised
  CHECK(uploads > kWorkers);
}
