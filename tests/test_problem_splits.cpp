// Tests of the row splits over workers: contiguous boundaries, seeded shuffles, label sorting,
// and the worker-count errors.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>

#include "core/error.hpp"
#include "problems/split.hpp"

using namespace commopt;

TEST_CASE("split: contiguous boundaries are floor(i*m/n) in file order", "[problems]") {
  const Vec labels = Vec::Ones(10);
  const Split s = make_split(labels, 3, SplitKind::contiguous, 0);
  CHECK(s.workers() == 3);
  CHECK(s.offset == std::vector<int>{0, 3, 6, 10});
  std::vector<int> identity(10);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(s.order == identity);
  for (int m : {7, 100, 1605}) {
    for (int n : {1, 2, 3, 7}) {
      const Split t = make_split(Vec::Ones(m), n, SplitKind::contiguous, 0);
      for (int i = 0; i <= n; ++i) CHECK(t.offset[static_cast<std::size_t>(i)] == (static_cast<long long>(i) * m) / n);
    }
  }
  CHECK(s.rows(1).size() == 3);
  CHECK(s.rows(2)[0] == 6);
}

TEST_CASE("split: shuffled is a seeded permutation", "[problems]") {
  const Vec labels = Vec::Ones(1000);
  const Split a = make_split(labels, 4, SplitKind::shuffled, 42);
  const Split b = make_split(labels, 4, SplitKind::shuffled, 42);
  const Split c = make_split(labels, 4, SplitKind::shuffled, 43);
  CHECK(a.order == b.order);
  CHECK(a.order != c.order);
  std::vector<int> sorted = a.order;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> identity(1000);
  std::iota(identity.begin(), identity.end(), 0);
  CHECK(sorted == identity);
  CHECK(a.order != identity);
  CHECK(a.offset == std::vector<int>{0, 250, 500, 750, 1000});
}

TEST_CASE("split: label-sorted puts all -1 rows before +1 rows, stably", "[problems]") {
  Vec labels(9);
  labels << 1, -1, 1, -1, -1, 1, 1, -1, 1;
  const Split s = make_split(labels, 2, SplitKind::label_sorted, 0);
  CHECK(s.order == std::vector<int>{1, 3, 4, 7, 0, 2, 5, 6, 8});
  for (std::size_t k = 1; k < s.order.size(); ++k) CHECK(labels[s.order[k - 1]] <= labels[s.order[k]]);
}

TEST_CASE("split: worker count and name errors", "[problems]") {
  const Vec labels = Vec::Ones(5);
  CHECK_THROWS_AS(make_split(labels, 0, SplitKind::contiguous, 0), UsageError);
  CHECK_THROWS_WITH(make_split(labels, 6, SplitKind::contiguous, 0), Catch::Contains("5 rows"));
  CHECK_NOTHROW(make_split(labels, 5, SplitKind::contiguous, 0));
  CHECK(parse_split("label-sorted") == SplitKind::label_sorted);
  CHECK_THROWS_WITH(parse_split("label_sorted"), Catch::Contains("did you mean 'label-sorted'"));
  for (const auto& name : split_names()) CHECK(split_name(parse_split(name)) == name);
}

TEST_CASE("split: shuffled draws every permutation uniformly (Fisher-Yates, not Sattolo)", "[problems]") {
  // Over seeds 0..N-1 (independent streams), the permutation of m = 4 rows is uniform on the 24
  // permutations. Pearson's statistic has 23 degrees of freedom (mean 23, sd sqrt(46) = 6.8); a
  // uniform shuffle exceeds 90 with probability < 1e-9. Sattolo's algorithm (the draw below(i)
  // instead of below(i + 1)) only makes the 6 cyclic permutations: the statistic is ~3 N.
  // The seeds are fixed, so the outcome is deterministic.
  constexpr int m = 4, perms = 24, N = 24000;
  std::map<std::vector<int>, int> counts;
  int with_fixed_point = 0;
  const Vec labels = Vec::Ones(m);
  for (int seed = 0; seed < N; ++seed) {
    const Split s = make_split(labels, 1, SplitKind::shuffled, static_cast<std::uint64_t>(seed));
    ++counts[s.order];
    bool fixed = false;
    for (int k = 0; k < m; ++k) fixed |= s.order[static_cast<std::size_t>(k)] == k;
    with_fixed_point += fixed;
  }
  const double expected = static_cast<double>(N) / perms;
  double chi2 = 0;
  std::vector<int> perm = {0, 1, 2, 3};
  do {
    const double o = counts.count(perm) ? counts[perm] : 0;
    chi2 += (o - expected) * (o - expected) / expected;
  } while (std::next_permutation(perm.begin(), perm.end()));
  CHECK(counts.size() == perms);
  INFO("chi^2 = " << chi2 << " with 23 degrees of freedom");
  CHECK(chi2 < 90.0);
  // 15 of the 24 permutations of 4 have a fixed point (24 minus the 9 derangements): 0.625,
  // binomial sd sqrt(0.625 * 0.375 / N) = 0.0031; 6 sd = 0.019. Sattolo: none has a fixed point.
  CHECK(static_cast<double>(with_fixed_point) / N == Approx(0.625).margin(0.019));
}

TEST_CASE("split: a shuffled row stays in place with probability 1/m, as in a uniform shuffle", "[problems]") {
  // m = 10: P(some fixed point) = 1 − D_10/10! = 1 − 1334961/3628800 = 0.632120811... (→ 1 − 1/e),
  // and each row stays in place with probability 1/10. Over N = 4000 seeds: sd 0.0076 for the first,
  // a 6 sd band of 0.046; every row's count is Binomial(N, 0.1): mean 400, sd 19, band 6 sd.
  constexpr int m = 10, N = 4000;
  const Vec labels = Vec::Ones(m);
  int with_fixed_point = 0;
  std::vector<int> stays(m, 0);
  for (int seed = 0; seed < N; ++seed) {
    const Split s = make_split(labels, 2, SplitKind::shuffled, static_cast<std::uint64_t>(seed) + 1000003);
    bool fixed = false;
    for (int k = 0; k < m; ++k) {
      const bool here = s.order[static_cast<std::size_t>(k)] == k;
      fixed |= here;
      stays[static_cast<std::size_t>(k)] += here;
    }
    with_fixed_point += fixed;
  }
  CHECK(static_cast<double>(with_fixed_point) / N == Approx(1.0 - 1334961.0 / 3628800.0).margin(0.046));
  for (int k = 0; k < m; ++k) {
    INFO("row " << k);
    CHECK(std::abs(stays[static_cast<std::size_t>(k)] - 400) <= 6 * 19);
  }
}
