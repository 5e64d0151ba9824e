// The LIBSVM reader's row selection (LibsvmOptions::keep_rows), which a process holding some
// workers of a distributed run uses: kept rows equal the full parse's, skipped rows are empty and
// not validated, labels and the feature count come from every row.
#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "problems/libsvm.hpp"

using namespace commopt;

namespace {
const std::string kText =
    "# comment\n"
    "1 1:0.5 3:2\n"
    "2 2:1 7:-1 # trailing comment 9:1\n"
    "\n"
    "1 4:3\n"
    "2 1:1 5:4\n";

LibsvmOptions keep(std::vector<char> flags, std::vector<double>* seen = nullptr) {
  LibsvmOptions o;
  o.keep_rows = [flags, seen](const Vec& labels) {
    if (seen) seen->assign(labels.data(), labels.data() + labels.size());
    return flags;
  };
  return o;
}
}  // namespace

TEST_CASE("libsvm keep_rows: kept rows as in the full parse, the others empty", "[libsvm][mpi]") {
  const LibsvmData full = parse_libsvm(kText, "t", {});
  std::vector<double> seen;
  const LibsvmData part = parse_libsvm(kText, "t", keep({0, 1, 0, 1}, &seen));
  CHECK(seen == std::vector<double>{-1, 1, -1, 1});  // the callback sees the ±1 labels of every row
  REQUIRE(part.A.rows() == full.A.rows());
  CHECK(part.A.cols() == full.A.cols());  // 7: the largest index of a skipped row counts
  CHECK(part.b == full.b);
  CHECK(part.info.rows_parsed == 2);
  CHECK(part.info.nnz == 4);
  CHECK(full.info.rows_parsed == 4);
  for (Index r = 0; r < full.A.rows(); ++r) {
    const Eigen::SparseVector<double> a = part.A.row(r), f = full.A.row(r);
    if (r == 1 || r == 3) {
      CHECK(Eigen::VectorXd(a) == Eigen::VectorXd(f));
    } else {
      CHECK(a.nonZeros() == 0);
    }
  }
}

TEST_CASE("libsvm keep_rows: only kept rows are validated, with their line numbers", "[libsvm][mpi]") {
  const std::string bad = "1 1:1\n-1 2:x 3:1\n1 3:1\n";  // line 2 has a bad value
  CHECK_NOTHROW(parse_libsvm(bad, "t", keep({1, 0, 1})));
  CHECK_THROWS_WITH(parse_libsvm(bad, "t", keep({0, 1, 0})), Catch::Contains("t, line 2: value 'x'"));
  // A bad label or last index is seen by every process (the scan needs them).
  CHECK_THROWS_AS(parse_libsvm("1 1:1\nx 2:1\n", "t", keep({1, 0})), UsageError);
  CHECK_THROWS_WITH(parse_libsvm("1 1:1\n1 2:1 y:1\n", "t", keep({1, 0})), Catch::Contains("line 2"));
}
