// labels= of the LIBSVM problems (problems/label_map.hpp): the maps on a tiny file with known labels,
// through the split's row selection too; the errors; the constants keys; and news20 as a binary
// problem, `logreg[data=news20,labels=upto:10]`, against the construction the benchmarks had before
// (every label <= 10 made +1 after parsing): the same matrix, labels, loss and gradient bits.
#include <catch2/catch.hpp>
#include "test_paths.hpp"  // before bench_data.hpp, which reads COMMOPT_SHARED_DATASETS

#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include "bench/bench_data.hpp"
#include "core/error.hpp"
#include "problems/label_map.hpp"
#include "problems/logistic.hpp"
#include "problems/problem_data.hpp"
#include "problems/registry.hpp"
#include "test_cli_helpers.hpp"

namespace {

using namespace commopt;
namespace fs = std::filesystem;

// Six rows with labels 3, 1, 7, 2, 5, 3 (one feature each, so the rows are told apart).
const fs::path& tiny_file() {
  static const fs::path path = [] {
    const fs::path p = fs::temp_directory_path() / ("commopt-labels-" + std::to_string(::getpid()) + ".libsvm");
    std::ofstream(p) << "3 1:1\n1 2:1\n7 3:1\n2 1:2\n5 2:2\n3 3:2\n";
    return p;
  }();
  return path;
}

std::shared_ptr<const LibsvmData> load(const std::string& labels, int workers = 1, ProblemOptions o = {}) {
  const std::string spec = "logreg[data=" + tiny_file().string() + (labels.empty() ? "" : ",labels=" + labels) + "]";
  return load_problem_data(Spec::parse(spec, "--problem"), workers, o);
}

std::vector<double> labels_of(const LibsvmData& d) { return {d.b.data(), d.b.data() + d.b.size()}; }

std::string error_of(const std::string& labels) {
  try {
    (void)load(labels);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "no error";
}

bool same_bits(const Vec& a, const Vec& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(double) * static_cast<std::size_t>(a.size())) == 0;
}

}  // namespace

TEST_CASE("labels=: upto and onevsrest on known labels", "[problems][labels]") {
  using V = std::vector<double>;
  CHECK(labels_of(*load("upto:3")) == V{1, 1, -1, 1, -1, 1});
  CHECK(labels_of(*load("upto:2.5")) == V{-1, 1, -1, 1, -1, -1});
  CHECK(labels_of(*load("onevsrest:3")) == V{1, -1, -1, -1, -1, 1});
  CHECK(labels_of(*load("onevsrest:+7")) == V{-1, -1, 1, -1, -1, -1});
  const auto d = load("upto:3");
  CHECK(d->info.binary);
  CHECK(d->info.label_map == "upto:3");
  REQUIRE(d->info.labels.size() == 2);
  CHECK(d->info.labels[0].label == -1);
  CHECK(d->info.labels[0].count == 2);
  CHECK(d->info.labels[1].count == 4);
  CHECK(d->info.content_key() == d->info.checksum + "|labels=upto:3");
  // keep: the file's own labels (five of them here), and no map in the key.
  const auto kept = load("keep");
  CHECK_FALSE(kept->info.binary);
  CHECK(labels_of(*kept) == V{3, 1, 7, 2, 5, 3});
  CHECK(kept->info.content_key() == kept->info.checksum);
  CHECK(load("")->info.content_key() == kept->info.checksum);
}

TEST_CASE("labels=: a process holding some workers sees the mapped labels in the split", "[problems][labels]") {
  // label-sorted over the mapped labels: the two −1 rows (7, 5) first, then the +1 rows in file order.
  ProblemOptions all;
  all.split = "label-sorted";
  ProblemOptions block = all;
  block.worker_begin = 1;
  block.worker_end = 2;
  const auto full = load("upto:3", 3, all), part = load("upto:3", 3, block);
  CHECK(labels_of(*part) == labels_of(*full));
  const Split s = make_split(full->b, 3, SplitKind::label_sorted, 0);
  REQUIRE(s.rows(0).size() == 2);
  CHECK(full->b[s.rows(0)[0]] == -1);
  CHECK(full->b[s.rows(0)[1]] == -1);
  CHECK(part->info.rows_parsed == 2);
  for (const int r : s.rows(1)) {  // the rows this process parsed are the full parse's
    CHECK(part->A.row(r).nonZeros() == full->A.row(r).nonZeros());
    CHECK(part->A.row(r).sum() == full->A.row(r).sum());
  }
  for (const int r : s.rows(0)) CHECK(part->A.row(r).nonZeros() == 0);
}

TEST_CASE("labels=: errors name the input and the fix", "[problems][labels]") {
  CHECK_THAT(error_of("split:10"), Catch::Contains("labels=split:10 in 'logreg[data=") &&
                                       Catch::Contains("is not a label map") && Catch::Contains("upto:T") &&
                                       Catch::Contains("onevsrest:C"));
  CHECK_THAT(error_of("upto"), Catch::Contains("needs a number after 'upto:'") && Catch::Contains("labels=upto:10"));
  CHECK_THAT(error_of("upto:x"), Catch::Contains("needs a number"));
  CHECK_THAT(error_of("onevsrest:3x"), Catch::Contains("needs a number after 'onevsrest:'"));
  CHECK_THAT(error_of("upto:inf"), Catch::Contains("needs a number"));
  CHECK_THAT(error_of("onevsrest:4"),
             Catch::Contains("labels=onevsrest:4 puts all 6 rows in class -1 (the file's labels: 1, 2, 3, 5, 7)") &&
                 Catch::Contains("choose C among them"));
  CHECK_THAT(error_of("upto:7"), Catch::Contains("puts all 6 rows in class +1") && Catch::Contains("1 <= T < 7"));
  CHECK_THAT(error_of("upto:0.5"), Catch::Contains("in class -1"));
  CHECK_THAT(error_of("Upto:3"), Catch::Contains("is not a label map"));
  // The CLI: one line, exit code 2; the logistic problem on 5 labels says how to make them two.
  const std::string p = "--problem 'logreg[data=" + tiny_file().string();
  auto o = testing::run_cli("run " + p + ",labels=split:10]' -n 2 --rounds 1 --method gd --out /dev/null -q");
  CHECK(o.code == 2);
  CHECK(testing::lines(o.output) == 1);
  CHECK_THAT(o.output, Catch::Contains("labels=split:10"));
  o = testing::run_cli("run " + p + "]' -n 2 --rounds 1 --method gd --out /dev/null -q");
  CHECK(o.code == 2);
  CHECK_THAT(o.output, Catch::Contains("5 distinct labels") && Catch::Contains("labels=upto:T"));
  o = testing::run_cli("list problems");
  CHECK_THAT(o.output, Catch::Contains("labels     = keep"));
}

TEST_CASE("labels=: the problems take the map; the constants key names it", "[problems][labels]") {
  const std::string data = "data=" + tiny_file().string();
  const auto logreg = make_problem(Spec::parse("logreg[" + data + ",labels=upto:3]", "--problem"), 2, {});
  CHECK(logreg->dim() == 3);
  const auto& lp = dynamic_cast<const LogisticProblem&>(*logreg);
  CHECK_THAT(lp.constants_key(), Catch::Contains("|labels=upto:3|problem=logreg"));
  const auto flipped = make_problem(Spec::parse("logreg[" + data + ",labels=onevsrest:3]", "--problem"), 2, {});
  CHECK(dynamic_cast<const LogisticProblem&>(*flipped).constants_key() != lp.constants_key());
  // The 2-class softmax of a map (x = W ∈ R^{3×2}, bias row appended: dim 8), and mlp on two classes.
  CHECK(make_problem(Spec::parse("softmax[" + data + ",labels=upto:3]", "--problem"), 2, {})->dim() == 8);
  CHECK(make_problem(Spec::parse("softmax[" + data + "]", "--problem"), 2, {})->dim() == 4 * 5);
  CHECK(make_problem(Spec::parse("mlp[" + data + ",hidden=2,labels=upto:3]", "--problem"), 2, {})->dim() ==
        3 * 2 + 2 + 2 * 2 + 2);
  for (const char* p : {"logreg_nc", "sigmoid_lsq"})
    CHECK(make_problem(Spec::parse(std::string(p) + "[" + data + ",labels=onevsrest:7]", "--problem"), 2, {})->dim() >= 3);
}

TEST_CASE("labels=upto:10 on news20 is the benchmarks' binary news20, bit for bit", "[problems][labels][slow]") {
  // The construction bench/bench_data.hpp had: parse news20, then every label <= 10 → +1, else −1.
  auto reference = std::make_shared<LibsvmData>(read_libsvm(fs::path(COMMOPT_SHARED_DATASETS) / "news20.xz"));
  for (Index j = 0; j < reference->b.size(); ++j) reference->b[j] = reference->b[j] <= 10 ? 1.0 : -1.0;
  reference->info.binary = true;
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  const Spec spec = Spec::parse("logreg[data=news20,labels=upto:10]", "--problem");
  const auto mapped = load_problem_data(spec, 1, o);
  REQUIRE(mapped == bench::libsvm_data("news20_binary"));  // the benchmarks load this very object
  REQUIRE(mapped->A.rows() == 15935);
  REQUIRE(mapped->A.cols() == 62061);
  REQUIRE(mapped->A.nonZeros() == reference->A.nonZeros());
  CHECK(std::memcmp(mapped->A.outerIndexPtr(), reference->A.outerIndexPtr(), sizeof(int) * 15936) == 0);
  CHECK(std::memcmp(mapped->A.innerIndexPtr(), reference->A.innerIndexPtr(), sizeof(int) * reference->A.nonZeros()) == 0);
  CHECK(std::memcmp(mapped->A.valuePtr(), reference->A.valuePtr(), sizeof(double) * reference->A.nonZeros()) == 0);
  CHECK(same_bits(mapped->b, reference->b));
  CHECK(mapped->info.binary);
  // The problem the CLI builds against one built on the reference: f and ∇f_i at 0 and at a point.
  LogisticOptions lo;
  lo.disk_cache = false;
  const LogisticProblem ref(reference, 10, lo, "reference");
  const auto cli = make_problem(spec, 10, o);
  REQUIRE(cli->dim() == ref.dim());
  Vec x = Vec::Zero(ref.dim()), g1, g2;
  for (int pass = 0; pass < 2; ++pass) {
    for (int i : {0, 4, 9}) {
      const double f1 = ref.loss_grad(i, x, g1), f2 = cli->loss_grad(i, x, g2);
      CHECK(std::memcmp(&f1, &f2, sizeof f1) == 0);
      CHECK(same_bits(g1, g2));
    }
    for (Index k = 0; k < x.size(); ++k) x[k] = 1e-3 * static_cast<double>((k * 7919) % 201 - 100);
  }
  CHECK(*ref.accuracy(x) == *cli->accuracy(x));
}
