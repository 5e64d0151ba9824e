// Generic tests over every method of the registry (benchopt's test_solver_run is the model): each
// entry of method_registry(), found by iterating the registry (no hand-kept list of names), runs
// with its default compressor on one tiny finite-sum problem, every round logged, and must
//   - stay finite and decrease ||∇f||² within kRounds rounds at its own theory step;
//   - repeat itself: the same seed gives the same rows (every column but seconds), on one OpenMP
//     thread as on many;
//   - report in its trace exactly the bits of the Messages it encoded, summed here by a loop that
//     drives the method's WorkerLogic/ServerLogic itself (a sequential copy of SimNetwork's
//     round), every sent Message holding exactly ceil(bits/8) payload bytes (what MPI sends);
//   - have a theorem card (theory/cards.hpp).
// A failure names the method in its section.
#include <catch2/catch.hpp>

#include "test_method_helpers.hpp"

#include <cmath>
#include <map>
#include <sstream>

#include <omp.h>

#include "net/worker_pool.hpp"

#include "methods/method.hpp"
#include "theory/cards.hpp"
#include "theory/extra_checks.hpp"

using namespace commopt;
using namespace commopt::testing;

namespace {

// Finite sums (a1a rows split over the workers) so that PAGE, MVR and minibatch methods run as
// they are meant to; the nonconvex regularizer keeps every method's theory step applicable.
constexpr const char* kProblem = "logreg_nc[data=a1a,lambda=0.1]";
constexpr int kWorkers = 4;
constexpr long long kRounds = 50;
constexpr std::uint64_t kSeed = 3;
constexpr int kValueBits = 64;

const Objective& tiny_problem() {
  static const auto p = problem(kProblem, kWorkers);
  return *p;
}

std::optional<std::string> compressor_of(const MethodEntry& e) {
  return e.uses_compressor ? std::optional<std::string>(e.default_compressor) : std::nullopt;
}

// A run of the entry with its defaults, on `threads` OpenMP threads (SimNetwork's parallel loop).
JobResult run_default(const MethodEntry& e, int threads) {
  const int before = omp_get_max_threads(), before_requested = requested_threads();
  omp_set_num_threads(threads);
  set_requested_threads(threads);  // the simulator's worker pool (net/worker_pool.hpp)
  JobResult r = run(tiny_problem(), e.name, compressor_of(e), kRounds, kSeed, kValueBits);
  omp_set_num_threads(before);
  set_requested_threads(before_requested);
  return r;
}

// One run per method on one thread, shared by the checks below. (One thread: a loaded machine
// makes OpenMP's barriers slow, and only the thread-count check needs more.)
const JobResult& reference_run(const MethodEntry& e) {
  static std::map<std::string, JobResult> runs;
  auto it = runs.find(e.name);
  if (it == runs.end()) it = runs.emplace(e.name, run_default(e, 1)).first;
  return it->second;
}

// The first row where two traces differ in a column other than `seconds`; "" when none does.
std::string first_difference(const std::vector<TraceRow>& a, const std::vector<TraceRow>& b) {
  if (a.size() != b.size()) return "row counts " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    TraceRow x = a[i], y = b[i];
    x.seconds = y.seconds = 0;
    if (csv_line(x) != csv_line(y)) return csv_line(x) + "  vs  " + csv_line(y);
  }
  return "";
}

// What crossed the wire up to and including round t, summed from the Messages themselves.
struct Tally {
  std::vector<std::uint64_t> bits_up;  // cumulative, per worker
  std::uint64_t bits_down = 0;         // cumulative, one broadcast received by every worker
  int participants = 0;                // uploads sent in round t
  double grad_evals = 0;               // mean over workers, cumulative
  double loss = 0;                     // f(x^t)
};

// Where a message's payload disagrees with its bit count; "" when it holds ceil(bits/8) bytes.
std::string payload_mismatch(const Message& m, const std::string& who, int t) {
  if (!m.sent || m.bytes.size() == (m.bits + 7) / 8) return "";
  std::ostringstream s;
  s << who << " at round " << t << ": " << m.bits << " bits but " << m.bytes.size() << " payload bytes";
  return s.str();
}

// Builds the method as run_job does and drives its logic round by round in the order of
// SimNetwork::run_round (broadcast, apply, upload, absorb), sequentially, summing Message::bits of
// every sent upload and broadcast. Stops, before any party decodes it, at the first message whose
// payload size disagrees with its bits, and describes it in `bad`.
std::vector<Tally> tally_messages(const MethodEntry& e, std::string& bad) {
  const Objective& p = tiny_problem();
  const int n = p.workers();
  MethodSetup setup;
  setup.problem = &p;
  setup.method = Spec::parse(e.name, "--method");
  setup.compressor = Spec::parse(compressor_of(e).value_or("identity"), "--compressor");
  setup.value_bits = kValueBits;
  setup.seed = kSeed;
  MethodInstance m = make_method(setup);
  std::vector<WorkerEnv> envs(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    envs[static_cast<std::size_t>(i)].problem = &p;
    envs[static_cast<std::size_t>(i)].worker = i;
    envs[static_cast<std::size_t>(i)].seed = kSeed;
  }
  std::vector<Message> ups(static_cast<std::size_t>(n));
  Message down;
  Tally sum;
  sum.bits_up.assign(static_cast<std::size_t>(n), 0);
  std::vector<Tally> out;
  for (int t = 0; t <= kRounds; ++t) {
    ServerEnv server_env{t, kSeed};
    if (t > 0) {
      down.clear();
      m.server->broadcast(server_env, down);
      if (bad = payload_mismatch(down, "broadcast", t); !bad.empty()) return out;
      if (down.sent) sum.bits_down += down.bits;
    }
    sum.participants = 0;
    double evals = 0;
    for (int i = 0; i < n; ++i) {
      const auto k = static_cast<std::size_t>(i);
      envs[k].round = t;
      if (t > 0 && down.sent) m.workers[k]->apply(down, envs[k]);
      ups[k].clear();
      m.workers[k]->upload(envs[k], ups[k]);
      if (bad = payload_mismatch(ups[k], "upload of worker " + std::to_string(i), t); !bad.empty()) return out;
      if (ups[k].sent) {
        sum.bits_up[k] += ups[k].bits;
        ++sum.participants;
      }
      evals += envs[k].grad_evals;
    }
    m.server->absorb(ups, server_env);
    sum.grad_evals = evals / n;
    sum.loss = 0;
    for (int i = 0; i < n; ++i) sum.loss += p.loss(i, m.server->model()) / n;
    out.push_back(sum);
  }
  return out;
}

// The first row whose bit columns (and participants, oracle calls, loss) disagree with the tally.
std::string first_bits_mismatch(const std::vector<TraceRow>& rows, const std::vector<Tally>& tally) {
  for (const TraceRow& row : rows) {
    const Tally& s = tally.at(static_cast<std::size_t>(row.round));
    double up = 0, up_max = 0;
    for (std::uint64_t b : s.bits_up) {
      up += static_cast<double>(b);
      up_max = std::max(up_max, static_cast<double>(b));
    }
    up /= static_cast<double>(s.bits_up.size());
    std::ostringstream why;
    why.precision(17);
    why << "round " << row.round << ": ";
    if (row.bits_up != up) why << "bits_up " << row.bits_up << " but the messages' mean is " << up;
    else if (row.bits_up_max != up_max) why << "bits_up_max " << row.bits_up_max << " but the messages' max is " << up_max;
    else if (row.bits_down != static_cast<double>(s.bits_down))
      why << "bits_down " << row.bits_down << " but the broadcasts sum to " << s.bits_down;
    else if (row.participants != s.participants)
      why << "participants " << row.participants << " but " << s.participants << " uploads were sent";
    else if (row.grad_evals != s.grad_evals) why << "grad_evals " << row.grad_evals << " but counted " << s.grad_evals;
    else if (row.loss != Approx(s.loss).epsilon(1e-12)) why << "loss " << row.loss << " but the replay has " << s.loss;
    else continue;
    return why.str();
  }
  return "";
}

}  // namespace

TEST_CASE("registry: every method stays finite and decreases the squared gradient norm", "[registry]") {
  for (const MethodEntry& e : method_registry()) {
    DYNAMIC_SECTION(e.name << " + " << compressor_of(e).value_or("(dense)")) {
      const JobResult& r = reference_run(e);
      REQUIRE(!r.rows.empty());
      auto finite = [](std::optional<double> v) { return !v || std::isfinite(*v); };
      long long first_non_finite = -1;
      for (const TraceRow& row : r.rows)
        if (!finite(row.loss) || !finite(row.grad_norm_sq) || !finite(row.gap) || !finite(row.lyapunov)) {
          first_non_finite = row.round;
          break;
        }
      {
        INFO("first round with a non-finite loss, ||grad f||^2, gap or potential (-1: none)");
        CHECK(first_non_finite == -1);
      }
      CHECK(r.run.status == RunStatus::max_rounds);
      CHECK(r.rows.back().round == kRounds);
      const double first = r.rows.front().grad_norm_sq, last = r.rows.back().grad_norm_sq;
      INFO("||grad f(x^0)||^2 = " << first << ", ||grad f(x^" << r.rows.back().round << ")||^2 = " << last);
      CHECK(last < first);
    }
  }
}

TEST_CASE("registry: every method repeats its trace for a seed on one thread as on many", "[registry]") {
  const int many = std::max(omp_get_max_threads(), 2);
  for (const MethodEntry& e : method_registry()) {
    DYNAMIC_SECTION(e.name << " + " << compressor_of(e).value_or("(dense)")) {
      const JobResult& a = reference_run(e);
      {
        INFO("the same seed twice on 1 OpenMP thread");
        CHECK(first_difference(a.rows, run_default(e, 1).rows) == "");
      }
      INFO("the same seed on 1 thread, then on " << many);
      CHECK(first_difference(a.rows, run_default(e, many).rows) == "");
    }
  }
}

TEST_CASE("registry: every method's trace counts exactly the bits of its encoded messages", "[registry]") {
  for (const MethodEntry& e : method_registry()) {
    DYNAMIC_SECTION(e.name << " + " << compressor_of(e).value_or("(dense)")) {
      std::string bad_payload;
      const std::vector<Tally> tally = tally_messages(e, bad_payload);
      REQUIRE(bad_payload == "");
      const JobResult& r = reference_run(e);
      REQUIRE(r.rows.size() == tally.size());
      CHECK(first_bits_mismatch(r.rows, tally) == "");
      std::uint64_t sent = 0;
      for (std::uint64_t b : tally.back().bits_up) sent += b;
      CHECK(sent > 0);
    }
  }
}

TEST_CASE("registry: every method has a theorem card", "[registry][theory]") {
  for (const MethodEntry& e : method_registry()) {
    INFO("method " << e.name);
    const TheoremCard* card = find_card(e.name);
    CHECK(card != nullptr);
    if (card) CHECK(card->method == e.name);
  }
}

TEST_CASE("registry: every extra check a plan names exists", "[registry][theory]") {
  for (const MethodEntry& e : method_registry())
    for (const std::string& x : e.check.extra) {
      INFO("method " << e.name << ", extra check " << x);
      CHECK_NOTHROW(find_extra_check(x));
    }
  CHECK_THROWS_AS(find_extra_check("virtual-sequense"), std::logic_error);
}
