// Compressors that need the worker index or the shared stream (dasha-family.md §2 "PermK", §2 RandK
// with a shared seed; ef-local-lazy.md §2.5 GRBS, §2.6 LAQ's reference, §13 RNG streams):
// PermK parts have disjoint supports, sum to n·x and average to x exactly (n | d, and d < n);
// GRBS draws the same block on every worker from WorkerEnv::compress_rng; shared-seed RandK sends no
// indices and the server replays each worker's independent subset; LAQ's reference kept by the
// method stays identical on worker and server, with skipped uploads; methods run with them end to end.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <set>

#include "compress/grbs.hpp"
#include "compress/laq.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "test_compress_helpers.hpp"
#include "theory/compressor_bits.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {
// Every worker's message of one round, encoded as a method does (WorkerEnv::compress_rng).
std::vector<Message> round_messages(const std::string& spec, const Vec& x, int d, int n, int round, int w = 64) {
  std::vector<Message> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const auto c = make_c(spec, d, w, {i, n});
    WorkerEnv env;
    env.worker = i;
    env.round = round;
    env.seed = 77;
    Rng rng = env.compress_rng(*c);
    c->compress(x, rng, out[static_cast<std::size_t>(i)]);
  }
  return out;
}
}  // namespace

TEST_CASE("permk: n parts, disjoint supports, sum n x, mean x exactly", "[compress]") {
  for (const auto& [d, n] : std::vector<std::pair<int, int>>{{16, 4}, {17, 4}, {64, 8}, {5, 5}, {4, 8}, {3, 6}, {3, 7}, {1, 3}}) {
    const auto server = make_c("permk", d, 64, {0, n});
    const auto range = *closed_form_bits_range(Spec::parse("permk", "t"), d, 64, {0, n});
    for (const Vec& x : adversarial_vectors(d, 12)) {
      for (int round = 0; round < 5; ++round) {
        const auto msgs = round_messages("permk", x, d, n, round);
        Vec sum = Vec::Zero(d), mean = Vec::Zero(d), holders = Vec::Zero(d);
        for (int i = 0; i < n; ++i) {
          const Message& m = msgs[static_cast<std::size_t>(i)];
          CHECK(m.sender == i);
          CHECK(m.shared_key == msgs[0].shared_key);  // one permutation per round
          CHECK(m.bits >= range.min);
          CHECK(m.bits <= range.max);
          Vec part = Vec::Zero(d), ones = Vec::Zero(d);
          server->add_decoded(m, 1.0, part);
          server->add_decoded(m, 1.0 / n, mean);
          const auto block = static_cast<int>(m.bits / 64);
          // the support of the part is `block` coordinates (a coordinate that is 0 in x decodes to 0)
          CHECK(block == (d >= n ? d / n + (m.bits > range.min ? 1 : 0) : 1));
          sum += part;
          for (int j = 0; j < d; ++j) holders[j] += part[j] != 0.0 ? 1 : 0;
        }
        INFO("d=" << d << " n=" << n << " round " << round);
        if (d >= n) {
          CHECK(sum == static_cast<double>(n) * x);  // disjoint supports, each scaled by n (exact)
          for (int j = 0; j < d; ++j) CHECK(holders[j] <= (x[j] != 0.0 ? 1 : 0));
          for (int j = 0; j < d; ++j) CHECK(holders[j] == (x[j] != 0.0 ? 1 : 0));
        }
        // n = 2^m: (1/n)(n x_j) is exact; for d < n the c_j halves of a denormal can lose its last bit.
        const bool denormal = (x.array() != 0 && x.array().abs() < 1e-300).any();
        if ((n & (n - 1)) == 0 && (d % n == 0 || (d < n && !denormal))) CHECK(mean == x);
        if (d >= n) CHECK(mean == ((1.0 / n) * (static_cast<double>(n) * x)).eval());  // one holder each
        CHECK((mean - x).cwiseAbs().maxCoeff() <= 4e-16 * n * x.cwiseAbs().maxCoeff() + 1e-320);
      }
    }
  }
  // With d >= n every coordinate has exactly one holder: check on a vector without zeros.
  const int d = 23, n = 4;
  const auto server = make_c("permk", d, 32, {0, n});
  std::multiset<int> seen;
  for (int i = 0; i < n; ++i) {
    Vec part = Vec::Zero(d);
    server->add_decoded(round_messages("permk", Vec::Ones(d), d, n, 3, 32)[static_cast<std::size_t>(i)], 1.0, part);
    for (int j = 0; j < d; ++j)
      if (part[j] != 0) seen.insert(j);
  }
  CHECK(seen.size() == static_cast<std::size_t>(d));
  CHECK(std::set<int>(seen.begin(), seen.end()).size() == static_cast<std::size_t>(d));
}

TEST_CASE("grbs: every worker draws the same block; every block is drawn over rounds", "[compress]") {
  const int d = 50, n = 5;
  Vec x(d);
  for (int i = 0; i < d; ++i) x[i] = i + 1.0;
  const auto c = make_c("grbs[ratio=0.2]", d, 64);
  const auto& g = dynamic_cast<const GrbsCompressor&>(*c);
  REQUIRE(g.blocks() == 5);
  std::set<int> firsts;
  for (int round = 0; round < 60; ++round) {
    const auto msgs = round_messages("grbs[ratio=0.2]", x, d, n, round);
    const Vec y0 = decode_with(*c, msgs[0]);
    for (const auto& m : msgs) {
      CHECK(m.bits == 10u * 64u);  // no index bits
      CHECK(decode_with(*c, m) == y0);
    }
    firsts.insert(g.block_of(msgs[0].shared_key).first);
  }
  CHECK(firsts == std::set<int>{0, 10, 20, 30, 40});
}

TEST_CASE("randk shared seed: no index bits, independent subsets, server replays each", "[compress]") {
  const int d = 40, n = 4, k = 5;
  Vec x(d);
  for (int i = 0; i < d; ++i) x[i] = 0.5 + i;
  const auto server = make_c("randk[k=5,shared_seed=true]", d, 32, {0, n});
  int differ = 0;
  for (int round = 0; round < 10; ++round) {
    const auto msgs = round_messages("randk[k=5,shared_seed=true]", x, d, n, round, 32);
    std::vector<Vec> parts;
    for (int i = 0; i < n; ++i) {
      const Message& m = msgs[static_cast<std::size_t>(i)];
      CHECK(m.bits == static_cast<std::uint64_t>(k) * 32);
      CHECK(m.index_coding == IndexCoding::none);
      const Vec y = decode_with(*server, m);
      int kept = 0;
      for (int j = 0; j < d; ++j)
        if (y[j] != 0) {
          ++kept;
          CHECK(y[j] == f32(static_cast<double>(d) / k * x[j]));
        }
      CHECK(kept == k);
      parts.push_back(y);
    }
    differ += parts[0].cwiseAbs().cwiseMin(1.0) != parts[1].cwiseAbs().cwiseMin(1.0) ? 1 : 0;
  }
  CHECK(differ >= 8);  // the workers' subsets are not all the same
}

TEST_CASE("laq: the method's reference stays identical on worker and server, with skips", "[compress]") {
  const int d = 30, rounds = 40;
  for (int w : {32, 64}) {
    const auto worker = make_c("laq[bits=4]", d, w), server = make_c("laq[bits=4]", d, w);
    const auto& laq = dynamic_cast<const LaqCompressor&>(*worker);
    Vec q_hat = Vec::Zero(d), server_sum = Vec::Zero(d), g(d);
    Rng data(5, 0, 0, Purpose::data);
    Message m;
    for (int t = 0; t < rounds; ++t) {
      for (int i = 0; i < d; ++i) g[i] = std::sin(0.3 * i + 0.05 * t) * (1 + 0.1 * data.normal());
      const Vec v = g - q_hat;  // innovation against the last uploaded value
      Rng rng(1, 0, t, Purpose::compress);
      worker->compress(v, rng, m);
      if (t % 3 == 2) continue;  // a skipped upload: nothing sent, no reference moves
      const double r_hat = laq.radius(m);
      worker->add_decoded(m, 1.0, q_hat);
      server->add_decoded(m, 1.0, server_sum);
      CHECK(q_hat == server_sum);  // bit-identical references
      for (int i = 0; i < d; ++i) CHECK(std::abs(q_hat[i] - g[i]) <= laq.tau() * r_hat * (1 + 1e-12));
    }
  }
}

TEST_CASE("methods run with permk, shared-seed randk, grbs, block_sign, laq, bernoulli", "[compress]") {
  ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  const int n = 4;
  auto p = make_problem(Spec::parse("quadratic[d=24,mu=0.1,L=1,seed=2]", "--problem"), n, opts);
  struct Case { std::string method, comp; std::uint64_t bits_per_worker; };
  const std::vector<Case> cases = {{"dasha", "permk", 6 * 32},
                                   {"dasha", "randk[k=6,shared_seed=true]", 6 * 32},
                                   {"dasha", "qsgd[s=4]", 32 + 24 * 4},
                                   {"ef21", "grbs[k=6]", 6 * 32},
                                   {"ef21", "block_sign[blocks=3]", 24 + 3 * 32},
                                   {"ef21", "signtopk[k=4]", 4 * 5 + 32 + 4}};
  for (const auto& c : cases) {
    INFO(c.method << " " << c.comp);
    JobSpec job;
    job.method = c.method;
    job.compressor = c.comp;
    job.stop.rounds = 400;
    job.seed = 3;
    job.grid.every = 1;
    const JobResult r = run_job(*p, job);
    REQUIRE(r.rows.size() > 10);
    // dasha's theory step converges fast here; ef21's with alpha = 1/24 .. 1/4 is much slower.
    CHECK(r.rows.back().grad_norm_sq < (c.method == "dasha" ? 1e-3 : 0.9) * r.rows.front().grad_norm_sq);
    const double per_round = r.rows[6].bits_up - r.rows[5].bits_up;  // bits_up: per worker (mean)
    CHECK(per_round == static_cast<double>(c.bits_per_worker));
  }
}
