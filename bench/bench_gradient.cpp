// Micro-benchmarks of the logistic-regression oracles on a9a (one worker holding all rows), next
// to a memcpy of as many bytes as the CSR arrays hold: the full gradient reads them twice
// (z = A x, then A^T s), so ~2x the copy time is the memory-traffic floor.
// This TU holds BENCHMARK_MAIN for the whole commopt_bench binary.
#include <benchmark/benchmark.h>

#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

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

BENCHMARK_MAIN();
