// Scaling benchmark (issue 13): one round of every registered method (its default compressor, 1
// thread) at the grid of the targets, next to the floor of the same data:
//   a9a (d = 123) and w8a (d = 300) at n = 10, 100, 1000; news20 as a binary problem (labels
//   1–10 vs 11–20, d = 62061) at n = 10, 100.
// The floor, floor/<data>, is one worker's full logistic gradient over all rows (one pass over the
// data). Benchmarks are named rounds/<data>/<method>/<n>. Counters: floor_us = that floor,
// passes = sample gradients per round / rows (the gradient passes the method does), ratio = time per
// round / (passes x floor), per_floor = time per round / floor. A ratio near 1 means a round costs
// only its gradient passes; the excess is per-worker O(n d) work (codecs, dense vector arithmetic).
// Run (the whole grid takes a few minutes; filter for less):
//   ./build/commopt_bench --benchmark_filter='floor/|rounds/' --benchmark_min_time=0.2
//   ./build/commopt_bench --benchmark_filter='rounds/a9a/(gd|ef21)/'
//   ./build/commopt_bench --benchmark_filter='rounds/news20_binary/.*/10$'
#include <benchmark/benchmark.h>

#include <algorithm>
#include <ctime>
#include <map>
#include <memory>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "bench/bench_data.hpp"
#include "methods/method.hpp"
#include "net/network.hpp"
#include "net/worker_pool.hpp"

namespace commopt::bench {

namespace {

struct GridPoint {
  const char* data;
  std::vector<int> n;
};
const GridPoint kGrid[] = {{"a9a", {10, 100, 1000}}, {"w8a", {10, 100, 1000}}, {"news20_binary", {10, 100}}};

// Non-default parameters where the default run would not show the method's per-round cost.
std::string method_spec(const std::string& name) {
  if (name == "dasha_pp") return "dasha_pp[participation=independent[p=0.5]]";
  return name;
}

// Problems are built once per (data, n) and shared by the methods (their oracles are const).
const Objective& bench_problem(const std::string& data, int n) {
  static std::map<std::pair<std::string, int>, std::unique_ptr<Objective>> cache;
  auto& p = cache[{data, n}];
  if (!p) {
    p = make_bench_problem(data, n);
    (void)p->constants();  // lazily computed constants (L, ...) are not part of a round
  }
  return *p;
}

// This thread's CPU seconds (the benchmark's counters divide by CPU time too).
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

// CPU seconds of one full gradient of the single-worker problem (mean over >= 0.5 s).
double floor_seconds(const std::string& data) {
  static std::map<std::string, double> cache;
  const auto it = cache.find(data);
  if (it != cache.end()) return it->second;
  const Objective& p = bench_problem(data, 1);
  Vec x = Vec::Constant(p.dim(), 0.01), g(p.dim());
  p.grad(0, x, g);  // warm-up
  long long reps = 0;
  const double start = thread_cpu_seconds();
  double elapsed = 0;
  while (elapsed < 0.5) {
    p.grad(0, x, g);
    benchmark::DoNotOptimize(g.data());
    ++reps;
    elapsed = thread_cpu_seconds() - start;
  }
  return cache[data] = elapsed / static_cast<double>(reps);
}

void floor_gradient(benchmark::State& state, const std::string& data) {
  const Objective& p = bench_problem(data, 1);
  Vec x = Vec::Constant(p.dim(), 0.01), g(p.dim());
  for (auto _ : state) {
    p.grad(0, x, g);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
}

void one_round(benchmark::State& state, const std::string& data, const std::string& method) {
  const int n = static_cast<int>(state.range(0));
  const Objective& p = bench_problem(data, n);
  set_requested_threads(1);
  MethodSetup setup;
  setup.problem = &p;
  setup.method = Spec::parse(method, "bench");
  setup.compressor = Spec::parse(find_method(setup.method.name()).default_compressor, "bench");
  setup.seed = 1;
  MethodInstance m;
  try {
    m = make_method(setup);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());  // the timing loop then does not run
    return;
  }
  SimNetwork net(p, m, setup.seed);
  net.run_round(0);  // the initialization round and two warm-up rounds are not timed
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
  for (int i = 0; i < n; ++i) rows += p.samples(i);
  const double rounds = static_cast<double>(t - first);
  const double passes = rounds > 0 ? (evals() - evals_before) / rows / rounds : 0;
  const double floor = floor_seconds(data);
  state.counters["passes"] = passes;
  state.counters["floor_us"] = floor * 1e6;
  // kIsRate | kInvert reports elapsed / value: (seconds per round) / (passes x floor), / floor.
  state.counters["ratio"] = benchmark::Counter(rounds * std::max(passes, 1e-12) * floor,
                                               benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["per_floor"] =
      benchmark::Counter(rounds * floor, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

}  // namespace

// Called by the benchmark main (bench_gradient.cpp) before the flags are read: the method list is
// the registry's, so a new method joins the grid without editing this file.
void register_round_benchmarks() {
  for (const GridPoint& g : kGrid) {
    const std::string data = g.data;
    benchmark::RegisterBenchmark(("floor/" + data).c_str(), floor_gradient, data)->Unit(benchmark::kMicrosecond);
    for (const MethodEntry& e : method_registry()) {
      auto* b = benchmark::RegisterBenchmark(("rounds/" + data + "/" + e.name).c_str(), one_round, data,
                                             method_spec(e.name));
      for (int n : g.n) b->Arg(n);
      b->Unit(benchmark::kMicrosecond);
    }
  }
}

}  // namespace commopt::bench
