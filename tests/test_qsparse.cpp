// Qsparse-local-SGD (lib/methods/qsparse_local_sgd.cpp) and local SGD with momentum: the exact
// identities of theory/qsparse_checks.cpp on a1a and a quadratic, the sync sets and their bits, the
// asynchronous master, local momentum, the memory wipe, and bad specs.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <set>

#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/qsparse_local_sgd.hpp"
#include "theory/checks.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

constexpr const char* kA1a = "logreg_nc[data=a1a,lambda=0.1]";
constexpr const char* kQuad = "quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]";

MethodInstance build(const Objective& p, const std::string& method, const std::string& comp, int bits = 64) {
  MethodSetup s;
  s.problem = &p;
  s.method = Spec::parse(method, "--method");
  s.compressor = Spec::parse(comp, "--compressor");
  s.value_bits = bits;
  s.seed = 5;
  return make_method(s);
}

// SimNetwork's round, sequentially, keeping every message of the round for inspection.
struct Rounds {
  const Objective& p;
  MethodInstance& m;
  std::vector<WorkerEnv> envs;
  std::vector<Message> ups;
  Message down;
  Rounds(const Objective& p_, MethodInstance& m_) : p(p_), m(m_), envs(p_.workers()), ups(p_.workers()) {
    for (int i = 0; i < p.workers(); ++i) envs[i] = WorkerEnv{&p, i, 0, 5, 0};
  }
  void run(int t) {
    ServerEnv env{t, 5};
    down.clear();
    if (t > 0) m.server->broadcast(env, down);
    for (int i = 0; i < p.workers(); ++i) {
      envs[i].round = t;
      if (down.sent) m.workers[i]->apply(down, envs[i]);
      ups[i].clear();
      m.workers[i]->upload(envs[i], ups[i]);
    }
    m.server->absorb(ups, env);
  }
  const QsparseWorkerView& view(int i) const { return dynamic_cast<const QsparseWorkerView&>(*m.workers[i]); }
};

}  // namespace

TEST_CASE("qsparse: the virtual sequence moves by exactly -eta_t times the mean local step", "[qsparse][theory]") {
  const auto a1a = problem(kA1a, 4);
  const auto quad = problem(kQuad, 4);
  for (const Objective* p : {a1a.get(), quad.get()}) {
    for (const auto& [m, c] : std::vector<std::pair<std::string, std::string>>{
             {"qsparse_local_sgd[H=4,batch=0]", "qtopk[k=4,s=4]"},
             {"qsparse_local_sgd[H=3,sync=async,batch=8]", "signtopk[k=3]"},
             {"qsparse_local_sgd[H=5,momentum=0.9,nesterov=false,schedule=step[at=7:20,factor=0.5]]", "topk[k=2]"},
             {"qsparse_local_sgd[H=2,sync=async,momentum=0.5,warmup=5]", "qrandk[k=5,s=2]"}}) {
      INFO(p->name() << ": " << m << " + " << c);
      const auto rows = qsparse_virtual_sequence_rows(*p, m, c, 60);
      REQUIRE(rows.size() == 2);
      CHECK(rows[0].verdict == "pass");
      CHECK(rows[0].measured <= 1e-13);
      // power: with memory=off the compression error is lost and the identity breaks
      CHECK(rows[1].verdict == "pass");
      CHECK(rows[1].measured > 1e-6);
    }
  }
}

TEST_CASE("qsparse: H=1 with the identity compressor is gd; identity is local_sgd bit for bit", "[qsparse][theory]") {
  const auto p = problem(kA1a, 4);
  for (const CheckRow& r : qsparse_consistency_rows(*p, 40)) {
    INFO(r.method << ": " << r.note);
    CHECK(r.verdict == "pass");
  }
  CHECK(qsparse_consistency_rows(*p, 40)[1].measured == 0);
}

TEST_CASE("qsparse: sync uploads every H rounds, zero bits in between, the compressor's bits when syncing",
          "[qsparse]") {
  const auto p = problem(kA1a, 4);
  const int H = 4, d = p->dim();
  MethodInstance m = build(*p, fmt::format("qsparse_local_sgd[H={}]", H), "signtopk[k=7]", 32);
  // signtopk's wire format has a fixed size: min(K ceil(log2 d), d) + 32 + K
  Message probe;
  Rng rng(1, 0, 0, Purpose::compress);
  make_compressor(Spec::parse("signtopk[k=7]", "c"), d, 32)->compress(Vec::LinSpaced(d, -1, 1), rng, probe);
  Rounds net(*p, m);
  for (int t = 0; t <= 20; ++t) {
    net.run(t);
    const bool sync = (t + 1) % H == 0;
    INFO("round " << t);
    CHECK(net.down.sent == (t > 0 && t % H == 0));
    if (net.down.sent) CHECK(net.down.bits == static_cast<std::uint64_t>(32) * d);
    for (int i = 0; i < 4; ++i) {
      CHECK(net.ups[i].sent == sync);
      CHECK(net.ups[i].bits == (sync ? probe.bits : 0));
    }
  }
  // and the trace agrees: bits_up grows only on sync rounds
  const JobResult r = run(*p, fmt::format("qsparse_local_sgd[H={}]", H), "signtopk[k=7]", 20);
  for (std::size_t t = 1; t < r.rows.size(); ++t) {
    const double inc = r.rows[t].bits_up - r.rows[t - 1].bits_up;
    CHECK(inc == ((t + 1) % H == 0 ? static_cast<double>(probe.bits) : 0.0));
  }
}

TEST_CASE("qsparse async: each worker syncs every H rounds and the master applies only the syncing workers",
          "[qsparse]") {
  const auto p = problem(kA1a, 4);
  const int H = 4, n = 4;
  MethodInstance m = build(*p, fmt::format("qsparse_local_sgd[H={},sync=async]", H), "qtopk[k=6,s=8]");
  auto decoder = make_compressor(Spec::parse("qtopk[k=6,s=8]", "c"), p->dim(), 64);
  Rounds net(*p, m);
  std::vector<int> last_sync(n, 0);
  std::vector<bool> synced(n, false);
  Vec prev_step = Vec::Zero(p->dim());
  for (int t = 0; t <= 30; ++t) {
    const Vec before = m.server->model();
    std::vector<Vec> local(n);
    for (int i = 0; i < n; ++i) local[i] = net.view(i).local_model();
    net.run(t);
    INFO("round " << t);
    // the broadcast of round t applied the step absorbed at round t-1: x_t = x_{t-1} - (1/R) sum_{syncing} g_r
    CHECK((m.server->model() - (before - prev_step)).norm() == 0);
    for (int i = 0; i < n; ++i) {
      const QsparseWorkerView& w = net.view(i);
      // a worker that synced restarts from the new master model; the others keep their local models
      const Vec& start = synced[i] ? m.server->model() : local[i];
      CHECK((w.local_model() - (start - w.last_stepsize() * w.last_direction())).norm() == 0);
    }
    Vec step = Vec::Zero(p->dim());
    int syncing = 0;
    for (int i = 0; i < n; ++i) {
      synced[i] = net.ups[i].sent;
      if (!net.ups[i].sent) continue;
      ++syncing;
      CHECK((t + 1) - last_sync[i] <= H);  // gap <= H: staleness bounded by H
      CHECK((t + 1) % H == (i * H / n) % H);
      last_sync[i] = t + 1;
      decoder->add_decoded(net.ups[i], 1.0 / n, step);
    }
    CHECK(syncing == 1);  // staggered offsets 0, 1, 2, 3: one worker per round
    prev_step = step;
  }
}

TEST_CASE("qsparse gap=random: sync sets with gaps in [1, H], one set for all (sync) or one per worker (async)",
          "[qsparse]") {
  const auto p = problem(kA1a, 4);
  const int H = 5, n = 4;
  for (const std::string mode : {"sync", "async"}) {
    INFO(mode);
    MethodInstance m = build(*p, fmt::format("qsparse_local_sgd[H={},gap=random,sync={}]", H, mode), "topk[k=4]");
    Rounds net(*p, m);
    std::vector<int> last(n, 0), syncs(n, 0);
    std::vector<std::vector<int>> gaps(n);
    bool differ = false;
    for (int t = 0; t < 200; ++t) {
      net.run(t);
      for (int i = 0; i < n; ++i) {
        if (mode == "sync") CHECK(net.ups[i].sent == net.ups[0].sent);
        differ = differ || net.ups[i].sent != net.ups[0].sent;
        if (!net.ups[i].sent) continue;
        CHECK((t + 1) - last[i] >= 1);
        CHECK((t + 1) - last[i] <= H);
        gaps[i].push_back((t + 1) - last[i]);
        last[i] = t + 1, ++syncs[i];
      }
    }
    for (int i = 0; i < n; ++i) {
      CHECK(200 - last[i] <= H);
      CHECK(std::set<int>(gaps[i].begin(), gaps[i].end()).size() == static_cast<std::size_t>(H));  // every gap occurs
    }
    CHECK(differ == (mode == "async"));
    const auto rows = qsparse_virtual_sequence_rows(*p, fmt::format("qsparse_local_sgd[H={},gap=random,sync={}]", H, mode),
                                                    "topk[k=4]", 60);
    CHECK(rows[0].verdict == "pass");
    CHECK(rows[1].verdict == "pass");
  }
}

TEST_CASE("qsparse down=messages: the broadcast forwards the syncing workers' messages, every bit counted",
          "[qsparse]") {
  const auto p = problem(kA1a, 4);
  for (const std::string spec : {"qsparse_local_sgd[H=3,down=messages]", "qsparse_local_sgd[H=3,sync=async,down=messages]"}) {
    INFO(spec);
    MethodInstance m = build(*p, spec, "qtopk[k=5,s=8]");
    Rounds net(*p, m);
    std::uint64_t expect = 0;  // sender (2 bits for 4 workers) + index coding (2) + length (32) + payload
    for (int t = 0; t <= 30; ++t) {
      net.run(t);
      if (t > 0) {
        CHECK(net.down.sent == (expect > 0));
        CHECK(net.down.bits == expect);
      }
      expect = 0;
      for (int i = 0; i < 4; ++i)
        if (net.ups[i].sent) expect += 2 + 2 + 32 + net.ups[i].bits;
    }
    // the workers' replicas follow the master exactly: the virtual-sequence identity holds
    const auto rows = qsparse_virtual_sequence_rows(*p, spec, "qtopk[k=5,s=8]", 60);
    CHECK(rows[0].verdict == "pass");
    CHECK(rows[1].verdict == "pass");
  }
  // same iterates as the dense broadcast up to rounding, far fewer downlink bits
  const JobResult a = run(*p, "qsparse_local_sgd[H=4]", "signtopk[k=5]", 40, 1, 64);
  const JobResult b = run(*p, "qsparse_local_sgd[H=4,down=messages]", "signtopk[k=5]", 40, 1, 64);
  CHECK(b.rows.back().loss == Approx(a.rows.back().loss).epsilon(1e-12));
  CHECK(b.rows.back().bits_down < a.rows.back().bits_down / 5);
  CHECK_THROWS_AS(build(*p, "qsparse_local_sgd[down=messages]", "randk[k=3,shared_seed=true]"), UsageError);
}

TEST_CASE("qsparse: momentum buffers are local (Nesterov and heavy ball follow their recursions)", "[qsparse]") {
  const auto p = problem(kA1a, 4);
  for (const bool nesterov : {true, false}) {
    INFO("nesterov " << nesterov);
    MethodInstance m = build(*p, fmt::format("qsparse_local_sgd[H=2,momentum=0.7,nesterov={}]", nesterov),
                             "identity");
    Rounds net(*p, m);
    std::vector<Vec> v(4, Vec::Zero(p->dim()));
    for (int t = 0; t < 12; ++t) {
      net.run(t);
      for (int i = 0; i < 4; ++i) {
        const Vec& g = net.view(i).last_gradient();
        v[i] = 0.7 * v[i] + g;  // the buffer never crosses the wire and is never reset at syncs
        const Vec d = nesterov ? Vec(g + 0.7 * v[i]) : v[i];
        CHECK((net.view(i).last_direction() - d).norm() == 0);
      }
    }
    // each worker keeps its own buffer: the directions differ between workers
    CHECK((net.view(0).last_direction() - net.view(1).last_direction()).norm() > 0);
  }
  // momentum=0: the direction is the gradient
  MethodInstance m = build(*p, "qsparse_local_sgd[H=2]", "identity");
  Rounds net(*p, m);
  net.run(0);
  CHECK((net.view(0).last_direction() - net.view(0).last_gradient()).norm() == 0);
}

TEST_CASE("qsparse: wipe_on_decay zeroes the memory at the drops of schedule=step", "[qsparse]") {
  const auto p = problem(kA1a, 4);
  for (const bool wipe : {true, false}) {
    MethodInstance m = build(
        *p, fmt::format("qsparse_local_sgd[H=4,schedule=step[at=6,factor=0.5],wipe_on_decay={}]", wipe), "topk[k=3]");
    Rounds net(*p, m);
    for (int t = 0; t <= 5; ++t) net.run(t);
    REQUIRE(net.view(0).memory().norm() > 0);  // synced at t+1 = 4 with a lossy compressor
    net.run(6);                                // the drop: 7 is not a sync round, so m only changes by the wipe
    CHECK((net.view(0).memory().norm() == 0) == wipe);
    CHECK(net.view(0).last_stepsize() == Approx(0.5 * m.info["stepsize"].get<double>()));
  }
}

TEST_CASE("qsparse: bad specs are usage errors", "[qsparse]") {
  const auto p = problem(kA1a, 4);
  for (const std::string bad :
       {"qsparse_local_sgd[H=0]", "qsparse_local_sgd[sync=sometimes]", "qsparse_local_sgd[memory=maybe]",
        "qsparse_local_sgd[momentum=1]", "qsparse_local_sgd[nesterov=yes]", "qsparse_local_sgd[batch=-1]",
        "qsparse_local_sgd[schedule=cosine]", "qsparse_local_sgd[gap=sometimes]", "qsparse_local_sgd[down=sparse]", "local_sgd[momentum=-0.1]", "local_sgd[nesterov=1]"}) {
    INFO(bad);
    CHECK_THROWS_AS(build(*p, bad, "identity"), UsageError);
  }
}

TEST_CASE("local_sgd: momentum=0 and the constant schedule keep the plain local SGD trace", "[qsparse]") {
  const auto p = problem(kA1a, 4);
  const JobResult a = run(*p, "local_sgd[H=3,batch=8]", std::nullopt, 20);
  const JobResult b = run(*p, "local_sgd[H=3,batch=8,momentum=0,schedule=constant]", std::nullopt, 20);
  CHECK(same_rows(a.rows, b.rows));
  const JobResult c = run(*p, "local_sgd[H=3,batch=8,momentum=0.5]", std::nullopt, 20);
  CHECK(!same_rows(a.rows, c.rows));
  CHECK(c.rows.back().grad_norm_sq < c.rows.front().grad_norm_sq);
  // local momentum is local SGD's too: identity-compressed qsparse with momentum is local_sgd with momentum
  const double eta = 0.3;
  const JobResult l = run(*p, fmt::format("local_sgd[H=2,batch=0,momentum=0.5,stepsize={}]", eta), std::nullopt, 10,
                          1, 64);
  const JobResult q = run(*p, fmt::format("qsparse_local_sgd[H=2,batch=0,momentum=0.5,stepsize={},schedule=constant]",
                                          eta),
                          "identity", 20, 1, 64);
  for (std::size_t k = 1; k < l.rows.size(); ++k) CHECK(l.rows[k].loss == q.rows[2 * k].loss);
}
