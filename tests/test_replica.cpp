// The shared model replica (methods/replica.hpp, issue 13): the workers of one process read one
// x^t, decoded once per round. Facts checked:
//   - for every registered method whose workers are ReplicaWorkers (and for variants that take the
//     other replica paths: a step schedule, dist-EF-SGD's weight decay, Qsparse's forwarded
//     messages, partial participation), a run with the shared replica on 2 threads (SimNetwork's
//     worker pool) gives, round by round, bit for bit, the server's model and every worker's exposed
//     state of a reference where each worker holds a private replica and decodes the broadcast
//     itself (what every worker did before the replica was shared);
//   - the replica applied one broadcast per round sent and equals the server's x^t bit for bit;
//   - the participation set drawn once per process (round_draw.hpp) is S^t of the paper's shared
//     stream Rng(seed, server, t, participation), recomputed here: exactly its members upload;
//   - advance() called for the same round by many threads at once decodes once;
//   - a broadcast of an earlier round than the last applied is refused.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "methods/common.hpp"
#include "methods/sampling.hpp"
#include "net/network.hpp"
#include "net/worker_pool.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr int kWorkers = 4;
constexpr int kRounds = 12;
constexpr std::uint64_t kSeed = 5;

const Objective& tiny_problem() {
  static const auto p = problem("logreg_nc[data=a1a,lambda=0.1]", kWorkers);
  return *p;
}

MethodSetup setup_of(const std::string& method) {
  const MethodEntry& e = find_method(Spec::parse(method, "--method").name());
  MethodSetup s;
  s.problem = &tiny_problem();
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(e.uses_compressor ? e.default_compressor : "identity", "--compressor");
  s.value_bits = 32;  // the float32 wire: replicas must still match bit for bit
  s.seed = kSeed;
  return s;
}

const ReplicaWorker* replica_worker(const MethodInstance& m) {
  return dynamic_cast<const ReplicaWorker*>(m.workers.at(0).get());
}

// Every exposed vector and scalar of two views, bit for bit; "" when equal, else the first name.
std::string first_difference(const StateView& a, const StateView& b) {
  if (a.vectors() != b.vectors() || a.scalars() != b.scalars()) return "<shape>";
  for (int k = 0; k < a.vectors(); ++k)
    if (std::string(a.vector_name(k)) != b.vector_name(k) || a.vector(k) != b.vector(k)) return a.vector_name(k);
  for (int k = 0; k < a.scalars(); ++k)
    if (a.scalar(k) != b.scalar(k)) return a.scalar_name(k);
  return "";
}

// The pre-sharing behaviour: worker i comes from instance i, whose replica only worker i advances,
// so every worker decodes every broadcast into a replica of its own; the server is instance 0's.
// One round as SimNetwork runs it, sequentially.
struct PrivateReplicas {
  explicit PrivateReplicas(const MethodSetup& s) {
    for (int i = 0; i < kWorkers; ++i) {
      instances.push_back(make_method(s));
      envs.emplace_back();
      envs.back().problem = s.problem;
      envs.back().worker = i;
      envs.back().seed = s.seed;
    }
    ups.resize(kWorkers);
  }
  WorkerLogic& worker(int i) { return *instances[static_cast<std::size_t>(i)].workers[static_cast<std::size_t>(i)]; }
  ServerLogic& server() { return *instances[0].server; }
  void round(int t) {
    ServerEnv se{t, kSeed};
    if (t > 0) {
      down.clear();
      server().broadcast(se, down);
      decodes += down.sent ? 1 : 0;
    }
    for (int i = 0; i < kWorkers; ++i) {
      WorkerEnv& env = envs[static_cast<std::size_t>(i)];
      env.round = t;
      if (t > 0 && down.sent) worker(i).apply(down, env);
      ups[static_cast<std::size_t>(i)].clear();
      worker(i).upload(env, ups[static_cast<std::size_t>(i)]);
    }
    server().absorb(ups, se);
  }
  std::vector<MethodInstance> instances;
  std::vector<WorkerEnv> envs;
  std::vector<Message> ups;
  Message down;
  long long decodes = 0;  // broadcasts sent (a replica applies each once)
};

struct RequestThreads {
  explicit RequestThreads(int t) : before(requested_threads()) { set_requested_threads(t); }
  ~RequestThreads() { set_requested_threads(before); }
  int before;
};

// Variants whose replicas or draws take paths the defaults miss.
const char* const kVariants[] = {
    "sgd[schedule=step[at=3:7,factor=0.5]]",                     // step_at: η_{t−1} changes
    "signum_mv[schedule=step[at=4,factor=0.5],batch=8]",         // the vote codec with a schedule
    "dist_ef_sgdm[weight_decay=0.01,schedule=step[at=5,factor=0.5]]",  // custom rule: x and w
    "qsparse_local_sgd[down=messages,H=2]",                      // custom rule: forwarded g_r
    "qsparse_local_sgd[sync=async,gap=random,H=3]",              // skipped broadcasts
    "slaq[schedule=step[at=4,factor=0.5],batch=16]",             // LAQ's moves with a schedule
    "pp_marina[participation=snice[s=2],p=0.3]",                 // shared coin and S^t
    "ef21_pp[participation=snice[s=1]]",
    "frecon[participation=snice[s=3]]",
    "dasha_pp[participation=independent[p=0.5]]",
};

}  // namespace

TEST_CASE("replica: every ReplicaWorker method matches private per-worker replicas bit for bit", "[replica]") {
  std::vector<std::string> specs, shared;
  for (const MethodEntry& e : method_registry()) specs.push_back(e.name);
  specs.insert(specs.end(), std::begin(kVariants), std::end(kVariants));
  for (const std::string& spec : specs) {
    const MethodSetup s = setup_of(spec);
    MethodInstance m = make_method(s);
    const ReplicaWorker* rw = replica_worker(m);
    if (!rw) continue;
    shared.push_back(spec);
    SECTION(spec) {
      const ModelReplica& replica = rw->replica();
      for (const auto& w : m.workers)  // one replica for the process
        REQUIRE(&dynamic_cast<const ReplicaWorker&>(*w).replica() == &replica);
      PrivateReplicas ref(s);
      RequestThreads two(2);
      SimNetwork net(*s.problem, m, kSeed);
      REQUIRE(net.threads() == 2);
      for (int t = 0; t <= kRounds; ++t) {
        INFO("round " << t);
        net.run_round(t);
        ref.round(t);
        REQUIRE(replica.decodes() == ref.decodes);  // one decode per broadcast, whatever the worker count
        REQUIRE(replica.x() == m.server->model());
        REQUIRE(m.server->model() == ref.server().model());
        for (int i = 0; i < kWorkers; ++i) {
          StateView a, b;
          m.workers[static_cast<std::size_t>(i)]->expose(a);
          ref.worker(i).expose(b);
          INFO("worker " << i);
          REQUIRE(first_difference(a, b) == "");
          REQUIRE(a.find("x") != nullptr);  // invariant:replicas reads it
        }
      }
    }
  }
  // The methods the issue names decode once; a refactor that drops one from the base shows here.
  // (cser keeps no copy of the common model: its workers' x_i differ by their errors e_i.)
  for (const char* name : {"gd", "ef21", "ef21_pp", "ef21_bc", "dasha", "dasha_pp", "marina", "diana", "iag", "lag",
                           "frecon", "local_sgd", "ef_sgd", "mem_sgd", "sgd", "qsgd_sgd", "signsgd_mv", "signum_mv",
                           "dist_ef_sgd", "dist_ef_sgdm", "dist_ef_blocksgd", "qsparse_local_sgd", "laq", "qgd",
                           "slaq"}) {
    INFO(name);
    REQUIRE(std::find(shared.begin(), shared.end(), name) != shared.end());
  }
}

TEST_CASE("replica: concurrent advance() of one round decodes once", "[replica]") {
  const int d = 1000;
  Vec x0 = Vec::LinSpaced(d, -1.0, 1.0);
  const ReplicaPtr shared = dense_replica(x0, 32, 0.25, /*keep_previous=*/true);
  const ReplicaPtr alone = dense_replica(x0, 32, 0.25, true);
  const CompressorPtr codec = dense_codec(d, 32);
  WorkerPool pool(4);
  Message down;
  for (int t = 1; t <= 50; ++t) {
    Rng rng(9, kServer, t, Purpose::server);
    codec->compress(Vec::Constant(d, 0.01 * t) + x0 * (1.0 / t), rng, down);
    pool.run(16, [&](int) { shared->advance(t, down); });
    alone->advance(t, down);
    REQUIRE(shared->decodes() == t);
    REQUIRE(shared->round() == t);
    REQUIRE(shared->x() == alone->x());
    REQUIRE(shared->previous() == alone->previous());
    REQUIRE(shared->last_move_sq() == (alone->x() - alone->previous()).squaredNorm());
  }
  REQUIRE_THROWS_AS(shared->advance(49, down), std::logic_error);  // a late broadcast is a driver bug
}

namespace {

// S^t as the papers define it, from the shared stream alone (sampling.hpp): `coin` > 0 is MARINA's
// probability of a full round, drawn first from the same stream (then everyone sends).
std::vector<char> expected_senders(Participation part, double coin, int t) {
  std::vector<char> mask(static_cast<std::size_t>(part.n), 1);
  if (t == 0) return mask;  // round 0: every worker initializes
  Rng rng(kSeed, kServer, t, Purpose::participation);
  if (coin > 0 && rng.bernoulli(coin)) return mask;
  part.draw(rng, mask);
  return mask;
}

Participation snice_of(int s) {
  Participation p;
  p.kind = Participation::Kind::snice, p.s = s, p.n = kWorkers;
  return p;
}

}  // namespace

TEST_CASE("replica: the participation set drawn once per process is the shared stream's S^t", "[replica]") {
  Participation indep;
  indep.kind = Participation::Kind::independent, indep.p = 0.5, indep.n = kWorkers;
  struct Case {
    const char* method;
    Participation part;
    double coin;
  };
  const Case cases[] = {{"ef21_pp[participation=snice[s=1]]", snice_of(1), 0},
                        {"frecon[participation=snice[s=3]]", snice_of(3), 0},
                        {"dasha_pp[participation=snice[s=2]]", snice_of(2), 0},
                        {"dasha_pp[participation=independent[p=0.5]]", indep, 0},
                        {"pp_marina[participation=snice[s=2],p=0.3]", snice_of(2), 0.3}};
  for (const Case& c : cases) {
    SECTION(c.method) {
      const MethodSetup s = setup_of(c.method);
      MethodInstance m = make_method(s);
      std::vector<WorkerEnv> envs(kWorkers);
      std::vector<Message> ups(kWorkers);
      Message down;
      int partial = 0;  // rounds with some worker left out: the draw is exercised
      for (int t = 0; t <= 3 * kRounds; ++t) {
        INFO("round " << t);
        ServerEnv se{t, kSeed};
        if (t > 0) {
          down.clear();
          m.server->broadcast(se, down);
        }
        const std::vector<char> want = expected_senders(c.part, c.coin, t);
        for (int i = 0; i < kWorkers; ++i) {
          WorkerEnv& env = envs[static_cast<std::size_t>(i)];
          env.problem = s.problem, env.worker = i, env.seed = kSeed, env.round = t;
          WorkerLogic& w = *m.workers[static_cast<std::size_t>(i)];
          if (t > 0 && down.sent) w.apply(down, env);
          ups[static_cast<std::size_t>(i)].clear();
          w.upload(env, ups[static_cast<std::size_t>(i)]);
          INFO("worker " << i);
          REQUIRE(ups[static_cast<std::size_t>(i)].sent == (want[static_cast<std::size_t>(i)] != 0));
        }
        partial += std::count(want.begin(), want.end(), 0) > 0 ? 1 : 0;
        m.server->absorb(ups, se);
      }
      REQUIRE(partial >= kRounds);  // most rounds leave someone out
    }
  }
}

TEST_CASE("replica: LAQ's ring of moves is ||x^s - x^{s-1}||^2 of the model's history", "[replica]") {
  for (const char* method : {"laq[D=3]", "slaq[D=4,schedule=step[at=4,factor=0.5],batch=16]"}) {
    SECTION(method) {
      const MethodSetup s = setup_of(method);
      MethodInstance m = make_method(s);
      SimNetwork net(*s.problem, m, kSeed);
      std::vector<Vec> history;  // x^0, x^1, ...
      for (int t = 0; t <= kRounds; ++t) {
        INFO("round " << t);
        net.run_round(t);
        history.push_back(m.server->model());
        for (int i = 0; i < kWorkers; ++i) {
          StateView view;
          m.workers[static_cast<std::size_t>(i)]->expose(view);
          const Vec* moves = view.find("moves");
          REQUIRE(moves != nullptr);
          for (Index k = 0; k < moves->size(); ++k) {
            const int s_ = t - static_cast<int>(k);  // the move Δ_s = x^s − x^{s−1}, s ≥ 1
            const Vec& now = history[static_cast<std::size_t>(std::max(s_, 0))];
            const Vec& before = history[static_cast<std::size_t>(std::max(s_ - 1, 0))];
            REQUIRE((*moves)[k] == (s_ >= 1 ? (now - before).squaredNorm() : 0.0));
          }
        }
      }
    }
  }
}
