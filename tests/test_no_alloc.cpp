// "No allocation inside the round loop": counts every malloc/calloc/realloc (Eigen allocates with
// malloc, operator new ends in malloc) while a warmed-up method runs rounds on the simulated
// network. The test binary interposes glibc's allocator (or, under AddressSanitizer, installs ASan's
// allocation hooks); the counter only counts.
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <atomic>
#include <cstdlib>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "problems/registry.hpp"

namespace {
std::atomic<long> g_allocations{0};
}

#if defined(__SANITIZE_ADDRESS__)
// Under AddressSanitizer (scripts/test.sh builds with it) the allocator is ASan's: it calls these hooks on
// every allocation, including calloc and realloc (the sanitizer runtime's interface, declared here because
// GCC 12 does not ship sanitizer/allocator_interface.h).
extern "C" int __sanitizer_install_malloc_and_free_hooks(void (*malloc_hook)(const volatile void*, std::size_t),
                                                          void (*free_hook)(const volatile void*));
namespace {
void count_allocation(const volatile void*, std::size_t) { g_allocations.fetch_add(1, std::memory_order_relaxed); }
void ignore_free(const volatile void*) {}
// (the runtime installs nothing unless both hooks are given)
[[maybe_unused]] const int g_hooks_installed = __sanitizer_install_malloc_and_free_hooks(count_allocation, ignore_free);
}  // namespace
#else
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
#endif

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
  // Every registered method with its default compressor (found by iterating the registry), then
  // settings that reach other code paths (minibatches, momentum, async syncs, forwarded messages).
  std::vector<std::pair<std::string, std::string>> cases;
  for (const commopt::MethodEntry& e : commopt::method_registry())
    cases.emplace_back(e.name, e.default_compressor.empty() ? "identity" : e.default_compressor);
  for (const auto& extra : std::vector<std::pair<std::string, std::string>>{
           {"ef21", "topk[k=5]"},
           {"dasha", "randk[k=5]"},
           {"local_sgd[batch=16]", "identity"},
           {"qsparse_local_sgd[sync=async,gap=random,momentum=0.9,down=messages]", "qtopk[k=5,s=16]"},
           {"qsparse_local_sgd[down=messages]", "signtopk[k=5]"},
           {"dist_ef_sgdm[weight_decay=0.01,batch=8,schedule=step[at=20,factor=0.5]]", "scaled_sign"},
           {"dist_ef_blocksgdm[block_size=10]", "block_sign"},
           {"signum_mv[batch=8,zero=plus,tie=plus]", "identity"},
           {"cser[batch=16,momentum=0.9]", "identity"},
           {"cser[form=error,H=2,R_reset=3]", "identity"},
           {"cser_pl[R=2]", "identity"},
           {"ef_sgd", "topk[k=5]"},
           {"ef_sgd", "grbs[k=8]"},
           {"topk_sgd", "topk[k=3]"},
           {"mem_sgd", "randk_biased[k=3]"},
           {"mem_sgd[schedule=step[at=10,factor=0.5]]", "topk[k=3]"},
           {"qsgd_sgd", "qsgd[s=4]"},
           {"lag[rule=ps]", "identity"},
           {"iag[order=random]", "identity"},
           {"slaq", "identity"},
       })
    cases.push_back(extra);
  for (const auto& [m, c] : cases) {
    INFO(m);
    commopt::MethodSetup s;
    s.problem = p.get();
    s.method = commopt::Spec::parse(m, "--method");
    s.compressor = commopt::Spec::parse(c, "--compressor");
    commopt::MethodInstance inst = commopt::make_method(s);
    commopt::SimNetwork net(*p, inst, 1);
    // Warm-up long enough for every periodic event (syncs, resets, clocks) to have happened once.
    // Every other round is a logged one (Network::expect_evaluation): it keeps the gradients for the
    // evaluation, which runs between the counted rounds.
    for (int t = 0; t < 40; ++t) {
      net.expect_evaluation(t % 2 == 0);
      net.run_round(t);
      if (t % 2 == 0) (void)net.evaluate();
    }
    long allocations = 0;
    for (int t = 40; t < 120; ++t) {
      net.expect_evaluation(t % 2 == 0);
      const long before = g_allocations.load();
      net.run_round(t);
      allocations += g_allocations.load() - before;
      if (t % 2 == 0) (void)net.evaluate();
    }
    CHECK(allocations == 0);
  }
}
