// "No allocation inside the round loop": counts every malloc/calloc/realloc (Eigen allocates with
// malloc, operator new ends in malloc) while a warmed-up method runs rounds on the simulated
// network. The test binary interposes glibc's allocator; the counter only counts.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>

#include "net/network.hpp"
#include "problems/registry.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* malloc(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(n);
}
void* calloc(std::size_t n, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, n);
}
}

TEST_CASE("no heap allocation in the round loop once warmed up", "[methods][alloc]") {
  commopt::ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  auto p = commopt::make_problem(commopt::Spec::parse("logreg_nc[data=a1a,lambda=0.1]", "p"), 4, opts);
  (void)p->constants();
  {  // the counter sees Eigen's allocations (else this test could not fail)
    const long before = g_allocations.load();
    commopt::Vec v = commopt::Vec::Ones(100);
    REQUIRE(g_allocations.load() > before);
    REQUIRE(v.sum() == 100);
  }
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"gd", "identity"},         {"ef21", "topk[k=5]"},      {"dasha", "randk[k=5]"},
      {"lag", "identity"},        {"local_sgd[batch=16]", "identity"}, {"dist_ef_sgd", "scaled_sign"}};
  for (const auto& [m, c] : cases) {
    INFO(m);
    commopt::MethodSetup s;
    s.problem = p.get();
    s.method = commopt::Spec::parse(m, "--method");
    s.compressor = commopt::Spec::parse(c, "--compressor");
    commopt::MethodInstance inst = commopt::make_method(s);
    commopt::SimNetwork net(*p, inst, 1);
    for (int t = 0; t < 5; ++t) net.run_round(t);  // warm-up: buffers reach their sizes
    const long before = g_allocations.load();
    for (int t = 5; t < 50; ++t) net.run_round(t);
    CHECK(g_allocations.load() - before == 0);
  }
}
