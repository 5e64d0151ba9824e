// The simulator's worker pool (net/worker_pool.hpp): every task runs exactly once per call, the
// pool is reusable round after round, a task's exception reaches the caller, and the automatic
// thread choice keeps small runs on one thread.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "net/worker_pool.hpp"

using commopt::WorkerPool;

TEST_CASE("worker pool: each index runs exactly once per call, over many calls", "[worker_pool]") {
  for (int threads : {1, 2, 3}) {
    WorkerPool pool(threads);
    REQUIRE(pool.threads() == threads);
    for (int call = 0; call < 200; ++call) {
      const int n = 1 + call % 17;
      std::vector<std::atomic<int>> hits(static_cast<std::size_t>(n));
      pool.run(n, [&](int i) { hits[static_cast<std::size_t>(i)].fetch_add(1); });
      for (int i = 0; i < n; ++i) REQUIRE(hits[static_cast<std::size_t>(i)].load() == 1);
    }
  }
}

TEST_CASE("worker pool: a task's exception is rethrown after the others ended", "[worker_pool]") {
  WorkerPool pool(2);
  std::atomic<int> ran{0};
  REQUIRE_THROWS_AS(pool.run(10, [&](int i) {
    ran.fetch_add(1);
    if (i == 3) throw std::runtime_error("task 3");
  }), std::runtime_error);
  REQUIRE(ran.load() == 10);
  pool.run(4, [&](int) { ran.fetch_add(1); });  // still usable
  REQUIRE(ran.load() == 14);
}

TEST_CASE("worker pool: automatic thread choice", "[worker_pool]") {
  using commopt::choose_threads;
  using commopt::kParallelWorkThreshold;
  CHECK(choose_threads(0, 1000, kParallelWorkThreshold / 2) == 1);  // small work: no barrier
  CHECK(choose_threads(0, 1, 1e12) == 1);                           // one worker: nothing to split
  CHECK(choose_threads(0, 100, kParallelWorkThreshold) >= 1);
  CHECK(choose_threads(3, 2, 0) == 2);                              // a request, capped at n
  CHECK(choose_threads(2, 100, 0) == 2);
}
