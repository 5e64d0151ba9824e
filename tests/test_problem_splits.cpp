// Tests of the row splits over workers: contiguous boundaries, seeded shuffles, label sorting,
// and the worker-count errors.
#include <catch2/catch.hpp>

#include <algorithm>
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
