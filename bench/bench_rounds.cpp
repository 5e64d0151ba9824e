// Scaling benchmark (issue 13): one round of gd, ef21, dasha, dasha_pp, marina, lag at
// n in {10, 100, 1000} workers on a9a (logreg, default compressors, 1 thread), next to the floor:
// one worker's full logistic gradient over all of a9a (one pass over the data).
// Counters: passes = sample gradients per round / rows of a9a (the gradient passes the method
// does), ratio = time per round / (passes x floor). A ratio near 1 means a round costs only its
// gradient passes; the excess is the per-worker O(n d) work (codecs, dense vector arithmetic).
// Run: ./build-test/commopt_bench --benchmark_filter='rounds|floor'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "net/worker_pool.hpp"
#include "problems/registry.hpp"

namespace {

using namespace commopt;

const char* const kProblem = "logreg[data=a9a]";

std::unique_ptr<Objective> make_a9a(int n) {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse(kProblem, "bench"), n, o);
}

// This thread's CPU seconds (the benchmark's counters divide by CPU time too).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// CPU seconds of one full gradient of the single-worker a9a problem (mean over >= 0.5 s).
double floor_seconds() {
  static const double seconds = [] {
    const auto p = make_a9a(1);
    Vec x = Vec::Constant(p->dim(), 0.01), g(p->dim());
    p->grad(0, x, g);  // warm-up
    long long reps = 0;
    const double start = thread_cpu_seconds();
    double elapsed = 0;
    while (elapsed < 0.5) {
      p->grad(0, x, g);
      benchmark::DoNotOptimize(g.data());
      ++reps;
      elapsed = thread_cpu_seconds() - start;
    }
    return elapsed / static_cast<double>(reps);
  }();
  return seconds;
}

void floor_gradient(benchmark::State& state) {
  const auto p = make_a9a(1);
  Vec x = Vec::Constant(p->dim(), 0.01), g(p->dim());
  for (auto _ : state) {
    p->grad(0, x, g);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
}

void one_round(benchmark::State& state, const std::string& method) {
  const int n = static_cast<int>(state.range(0));
  const auto p = make_a9a(n);
  set_requested_threads(1);
  MethodSetup setup;
  setup.problem = p.get();
  setup.method = Spec::parse(method, "bench");
  setup.compressor = Spec::parse(find_method(setup.method.name()).default_compressor, "bench");
  setup.seed = 1;
  MethodInstance m = make_method(setup);
  SimNetwork net(*p, m, setup.seed);
  (void)p->constants();  // lazily computed constants (L, ...) are not part of a round
  net.run_round(0);       // the initialization round and two warm-up rounds are not timed
  net.run_round(1);
  net.run_round(2);
  const int first = 3;
  int t = first;
  const auto evals = [&] {
    const auto& g = net.counters().grad_evals;
    return std::accumulate(g.begin(), g.end(), 0.0);
  };
  const double evals_before = evals();
  for (auto _ : state) net.run_round(t++);
  double rows = 0;
  for (int i = 0; i < n; ++i) rows += p->samples(i);
  const double rounds = static_cast<double>(t - first);
  const double passes = rounds > 0 ? (evals() - evals_before) / rows / rounds : 0;
  state.counters["passes"] = passes;
  // kIsRate | kInvert reports elapsed / value = (seconds per round) / (passes x floor).
  state.counters["ratio"] = benchmark::Counter(rounds * std::max(passes, 1e-12) * floor_seconds(),
                                               benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

BENCHMARK(floor_gradient)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, gd, std::string("gd"))->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, ef21, std::string("ef21"))->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, dasha, std::string("dasha"))->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, dasha_pp, std::string("dasha_pp[participation=independent[p=0.5]]"))
    ->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, marina, std::string("marina"))->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(one_round, lag, std::string("lag"))->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);
