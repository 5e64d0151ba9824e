// Micro-benchmarks of the logistic-regression oracles on a9a (one worker holding all rows), next
// to a memcpy of as many bytes as the CSR arrays hold: the full gradient reads them twice
// (z = A x, then A^T s), so ~2x the copy time is the memory-traffic floor.
// This TU holds main() for the whole commopt_bench binary (BENCHMARK_MAIN plus the registration of
// bench_rounds.cpp's grid, which reads the method registry).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <tuple>
#include <numeric>
#include <vector>

#include "bench/bench_data.hpp"
#include "core/rng.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"

namespace {

using namespace commopt;

const LogisticProblem& problem(const std::string& spec) {
  static std::vector<std::pair<std::string, std::unique_ptr<Objective>>> cache;
  for (const auto& [s, p] : cache)
    if (s == spec) return dynamic_cast<const LogisticProblem&>(*p);
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  cache.emplace_back(spec, make_problem(Spec::parse(spec, "bench"), 1, o));
  return dynamic_cast<const LogisticProblem&>(*cache.back().second);
}

// Bytes of the CSR arrays: values (8) + inner indices (4) per entry, outer index (4) per row + 1.
std::size_t csr_bytes(const Csr& A) {
  return static_cast<std::size_t>(A.nonZeros()) * (sizeof(double) + sizeof(int)) +
         static_cast<std::size_t>(A.rows() + 1) * sizeof(int);
}

Vec start_point(int dim) {
  Rng rng(1, 0, 0, Purpose::data);
  Vec x(dim);
  for (int k = 0; k < dim; ++k) x[k] = 0.1 * rng.normal();
  return x;
}

// with_loss: loss_grad (what the trace evaluation calls); otherwise grad (what the methods call).
void full_gradient(benchmark::State& state, const std::string& spec, bool with_loss) {
  const LogisticProblem& p = problem(spec);
  const Vec x = start_point(p.dim());
  Vec g(p.dim());
  for (auto _ : state) {
    if (with_loss) {
      benchmark::DoNotOptimize(p.loss_grad(0, x, g));
    } else {
      p.grad(0, x, g);
      benchmark::DoNotOptimize(g.data());
    }
    benchmark::ClobberMemory();
  }
  const Csr& A = p.local_data(0);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * csr_bytes(A)));
  state.counters["nnz"] = static_cast<double>(A.nonZeros());
  state.counters["ns_per_nnz"] = benchmark::Counter(static_cast<double>(state.iterations() * A.nonZeros()),
                                                    benchmark::Counter::kIsRate | benchmark::Counter::kInvert,
                                                    benchmark::Counter::kIs1000);
}

void minibatch_gradient(benchmark::State& state, const std::string& spec) {
  const LogisticProblem& p = problem(spec);
  const Vec x = start_point(p.dim());
  Vec g(p.dim());
  std::vector<int> rows(static_cast<std::size_t>(state.range(0)));
  Rng rng(2, 0, 0, Purpose::sample);
  for (auto& r : rows) r = static_cast<int>(rng.below(static_cast<std::uint64_t>(p.samples(0))));
  for (auto _ : state) {
    p.minibatch_grad(0, x, rows, g);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows.size()));
}

// memcpy of the CSR byte count of a9a, the bandwidth reference for the gradient above.
void copy_csr_bytes(benchmark::State& state) {
  const std::size_t bytes = csr_bytes(problem("logreg[data=a9a]").local_data(0));
  std::vector<char> src(bytes, 1), dst(bytes);
  for (auto _ : state) {
    std::memcpy(dst.data(), src.data(), bytes);
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// One worker's grad() with the dense or the touched-columns path (GradientPath), data split over n
// workers: the crossover of LogisticProblem's automatic choice. Counter touched = the fraction of the
// d columns worker 0's rows use. Name: touched_columns/<data>/<dense|touched>/<n>.
void touched_columns(benchmark::State& state, const std::string& data, GradientPath path) {
  const int n = static_cast<int>(state.range(0));
  static std::map<std::tuple<std::string, GradientPath, int>, std::unique_ptr<Objective>> cache;
  auto& owned = cache[{data, path, n}];
  if (!owned) owned = bench::make_bench_problem(data, n, path);
  const auto& p = dynamic_cast<const LogisticProblem&>(*owned);
  const Vec x = start_point(p.dim());
  Vec g(p.dim());
  for (auto _ : state) {
    p.grad(0, x, g);
    benchmark::DoNotOptimize(g.data());
    benchmark::ClobberMemory();
  }
  const Csr& A = p.local_data(0);
  std::vector<char> used(static_cast<std::size_t>(A.cols()), 0);
  for (Index e = 0; e < A.nonZeros(); ++e) used[static_cast<std::size_t>(A.innerIndexPtr()[e])] = 1;
  state.counters["touched"] = static_cast<double>(std::count(used.begin(), used.end(), 1)) / static_cast<double>(A.cols());
  state.counters["rows"] = static_cast<double>(A.rows());
}

void register_touched_columns() {
  const std::pair<const char*, std::vector<int>> grid[] = {
      {"news20_binary", {1, 3, 10, 30, 100, 300, 1000}}, {"a9a", {10, 1000}}, {"w8a", {10, 1000}}};
  for (const auto& [data, ns] : grid)
    for (const auto& [path, tag] : {std::pair{GradientPath::dense, "dense"}, std::pair{GradientPath::touched_columns, "touched"}}) {
      auto* b = benchmark::RegisterBenchmark((std::string("touched_columns/") + data + "/" + tag).c_str(), touched_columns,
                                             std::string(data), path);
      for (int n : ns) b->Arg(n);
      b->Unit(benchmark::kMicrosecond);
    }
}

BENCHMARK_CAPTURE(full_gradient, logreg_a9a, std::string("logreg[data=a9a]"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(full_gradient, logreg_nc_a9a, std::string("logreg_nc[data=a9a]"), false)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(full_gradient, logreg_a9a_with_loss, std::string("logreg[data=a9a]"), true)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(copy_csr_bytes)->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(minibatch_gradient, logreg_a9a, std::string("logreg[data=a9a]"))
    ->Arg(1)
    ->Arg(64)
    ->Unit(benchmark::kMicrosecond);

}  // namespace

namespace commopt::bench {
void register_round_benchmarks();  // bench_rounds.cpp
}

int main(int argc, char** argv) {
  // As the CLI (cli/main.cpp): Eigen's own OpenMP products would run the sparse products on a
  // spin-waiting team, and the CPU-time counters would count it; every benchmark here is 1 thread.
  Eigen::setNbThreads(1);
  register_touched_columns();
  commopt::bench::register_round_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
