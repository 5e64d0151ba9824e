// Tests of the LIBSVM reader (parsing, label mapping, compression by magic bytes, error messages)
// and of dataset resolution on the search path.
// GCC 12 reports a false -Wrestrict inside std::string when Boost's gzip_compressor is inlined
// (the location is libstdc++'s char_traits.h, so the pragma must precede every include).
#pragma GCC diagnostic ignored "-Wrestrict"
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <boost/iostreams/device/file.hpp>
#include <boost/iostreams/filter/bzip2.hpp>
#include <boost/iostreams/filter/gzip.hpp>
#include <boost/iostreams/filter/lzma.hpp>
#include <boost/iostreams/filtering_stream.hpp>

#include "core/error.hpp"
#include "problems/datasets.hpp"
#include "problems/libsvm.hpp"
#include "test_problem_helpers.hpp"

using namespace commopt;
using commopt::testing::TempDir;
using commopt::testing::write_file;

namespace {

std::string usage_error_of(const std::filesystem::path& p, std::optional<int> features = std::nullopt) {
  LibsvmOptions o;
  o.features = features;
  try {
    (void)read_libsvm(p, o);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

template <class Filter>
void write_compressed(const std::filesystem::path& p, const std::string& text, Filter filter) {
  namespace io = boost::iostreams;
  io::filtering_ostream out;
  out.push(filter);
  out.push(io::file_sink(p.string(), std::ios::binary));
  out << text;
}

const std::string kToy = "+1 1:0.5 3:-2\n-1 2:1e-3\n+1 4:7 \n";

}  // namespace

TEST_CASE("libsvm: values, indices and labels are parsed exactly", "[libsvm]") {
  TempDir dir;
  write_file(dir / "toy", kToy);
  const LibsvmData d = read_libsvm(dir / "toy");
  CHECK(d.info.name == "toy");
  CHECK(d.info.rows == 3);
  CHECK(d.info.features == 4);
  CHECK(d.info.nnz == 4);
  CHECK(d.info.compression == "none");
  CHECK(d.info.binary);
  REQUIRE(d.A.rows() == 3);
  REQUIRE(d.A.cols() == 4);
  CHECK(d.A.coeff(0, 0) == 0.5);
  CHECK(d.A.coeff(0, 2) == -2.0);
  CHECK(d.A.coeff(0, 1) == 0.0);
  CHECK(d.A.coeff(1, 1) == 1e-3);
  CHECK(d.A.coeff(2, 3) == 7.0);
  CHECK(d.b[0] == 1.0);
  CHECK(d.b[1] == -1.0);
  CHECK(d.b[2] == 1.0);
  REQUIRE(d.info.labels.size() == 2);
  CHECK(d.info.labels[0].label == -1.0);
  CHECK(d.info.labels[0].count == 1);
  CHECK(d.info.labels[1].label == 1.0);
  CHECK(d.info.labels[1].count == 2);
  CHECK(d.info.checksum.size() == 16);
}

TEST_CASE("libsvm: binary labels map the smaller to -1 and the larger to +1", "[libsvm]") {
  TempDir dir;
  for (const auto& [lo, hi] : std::vector<std::pair<std::string, std::string>>{{"0", "1"}, {"1", "2"}, {"-1", "+1"},
                                                                             {"-1.0", "1.0"}}) {
    write_file(dir / "bin", hi + " 1:1\n" + lo + " 2:1\n" + lo + " 1:2\n");
    const LibsvmData d = read_libsvm(dir / "bin");
    INFO("labels " << lo << "/" << hi);
    CHECK(d.info.binary);
    CHECK(d.b[0] == 1.0);
    CHECK(d.b[1] == -1.0);
    CHECK(d.b[2] == -1.0);
    CHECK(d.info.labels[0].label == std::stod(lo));  // raw labels are kept in the counts
    CHECK(d.info.labels[0].count == 2);
  }
  write_file(dir / "multi", "3 1:1\n1 1:1\n2 2:1\n");
  const LibsvmData m = read_libsvm(dir / "multi");
  CHECK_FALSE(m.info.binary);
  CHECK(m.b[0] == 3.0);
  CHECK(m.b[1] == 1.0);
  CHECK(m.info.labels.size() == 3);
}

TEST_CASE("libsvm: feature count is the largest index unless given", "[libsvm]") {
  TempDir dir;
  write_file(dir / "toy", kToy);
  LibsvmOptions o;
  o.features = 10;
  const LibsvmData d = read_libsvm(dir / "toy", o);
  CHECK(d.info.features == 10);
  CHECK(d.A.cols() == 10);
  const std::string msg = usage_error_of(dir / "toy", 3);
  CHECK_THAT(msg, Catch::Contains("line 3") && Catch::Contains("index 4") && Catch::Contains("toy"));
}

TEST_CASE("libsvm: xz, bzip2 and gzip are detected by magic bytes, whatever the suffix", "[libsvm]") {
  TempDir dir;
  write_file(dir / "plain", kToy);
  const LibsvmData plain = read_libsvm(dir / "plain");
  write_compressed(dir / "xz.txt", kToy, boost::iostreams::lzma_compressor());
  write_compressed(dir / "bz.gz", kToy, boost::iostreams::bzip2_compressor());
  write_compressed(dir / "gz.xz", kToy, boost::iostreams::gzip_compressor());
  for (const auto& [file, kind] : std::vector<std::pair<std::string, std::string>>{
           {"xz.txt", "xz"}, {"bz.gz", "bzip2"}, {"gz.xz", "gzip"}}) {
    INFO(file);
    const LibsvmData d = read_libsvm(dir / file);
    CHECK(d.info.compression == kind);
    CHECK(d.info.checksum == plain.info.checksum);
    CHECK(d.info.nnz == plain.info.nnz);
    CHECK(d.A.isApprox(plain.A));
    CHECK(d.b == plain.b);
  }
  write_file(dir / "broken.xz", std::string("\xFD" "7zXZ\0garbage", 13));
  CHECK_THAT(usage_error_of(dir / "broken.xz"), Catch::Contains("broken.xz") && Catch::Contains("xz"));
}

TEST_CASE("libsvm: a last line without a trailing newline is read like any other", "[libsvm]") {
  // Each text ends in a data line; without its final '\n' the file must give the same rows.
  struct Case {
    std::string text;  // with the final newline
    long rows;
    long nnz;
  };
  const std::vector<Case> cases = {
      {kToy, 3, 4},
      {"-1 2:1.5 5:-3\n", 1, 2},                   // a one-line file
      {"# header\n1 1:1\n\n-1 3:2 4:0.25\n", 2, 3},  // the last line after a blank one
      {"1 1:1\r\n2 2:4\r\n", 2, 2},               // CRLF: the unterminated line ends in '\r'
      {"1 1:1\n2 7:-1 # comment\n", 2, 2},          // a trailing comment on the last line
  };
  TempDir dir;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const std::string& with = cases[k].text;
    REQUIRE(with.back() == '\n');
    const std::string without = with.substr(0, with.size() - 1);
    INFO("case " << k << ": " << with);
    write_file(dir / "with", with);
    write_file(dir / "without", without);
    const LibsvmData a = read_libsvm(dir / "with");
    const LibsvmData b = read_libsvm(dir / "without");
    CHECK(a.info.rows == cases[k].rows);
    CHECK(b.info.rows == cases[k].rows);
    CHECK(b.info.nnz == cases[k].nnz);
    CHECK(b.info.features == a.info.features);
    REQUIRE(b.A.rows() == a.A.rows());
    REQUIRE(b.A.cols() == a.A.cols());
    CHECK(Eigen::MatrixXd(b.A) == Eigen::MatrixXd(a.A));
    CHECK(b.b == a.b);
    // The compressed path decompresses to the same text: the same rows again.
    write_compressed(dir / "without.xz", without, boost::iostreams::lzma_compressor());
    write_compressed(dir / "without.gz", without, boost::iostreams::gzip_compressor());
    for (const char* file : {"without.xz", "without.gz"}) {
      INFO(file);
      const LibsvmData c = read_libsvm(dir / file);
      CHECK(c.info.checksum == b.info.checksum);
      CHECK(c.info.rows == cases[k].rows);
      CHECK(Eigen::MatrixXd(c.A) == Eigen::MatrixXd(a.A));
      CHECK(c.b == a.b);
    }
    // Row selection (keep_rows, the MPI path) scans the same last line: keep only the last row.
    LibsvmOptions last_only;
    last_only.keep_rows = [](const Vec& labels) {
      std::vector<char> keep(static_cast<std::size_t>(labels.size()), 0);
      if (!keep.empty()) keep.back() = 1;
      return keep;
    };
    const LibsvmData s = parse_libsvm(without, "without", last_only);
    CHECK(s.info.rows == cases[k].rows);
    CHECK(s.info.rows_parsed == 1);
    REQUIRE(s.A.rows() == a.A.rows());
    CHECK(Eigen::VectorXd(Eigen::SparseVector<double>(s.A.row(s.A.rows() - 1))) ==
          Eigen::VectorXd(Eigen::SparseVector<double>(a.A.row(a.A.rows() - 1))));
  }
}

TEST_CASE("libsvm: malformed input names the file and the line", "[libsvm]") {
  struct Case {
    std::string text;
    int line;
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"1 1:1\n-1 0:1\n", 2, "1-based"},
      {"1 1:1\nabc 2:1\n", 2, "not a number"},
      {"1 1:1 2:x\n", 1, "not a finite number"},
      {"1 1:1\n1 2:1\n1 a:1\n", 3, "not an integer"},
      {"1 1:1\n1 2:1\n1 3:1 2:1\n", 3, "strictly increasing"},
      {"1 2:1 2:1\n", 1, "strictly increasing"},
      {"1 1:1\n3:1 5:2\n", 2, "missing label"},
      {"1 1:1 7\n", 1, "not index:value"},
  };
  TempDir dir;
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const std::string file = "bad" + std::to_string(k) + ".txt";
    write_file(dir / file, cases[k].text);
    const std::string msg = usage_error_of(dir / file);
    INFO(cases[k].text << " -> " << msg);
    CHECK_THAT(msg, Catch::Contains(file) && Catch::Contains("line " + std::to_string(cases[k].line) + ":") &&
                        Catch::Contains(cases[k].fragment));
  }
  write_file(dir / "empty.txt", "");
  CHECK_THAT(usage_error_of(dir / "empty.txt"), Catch::Contains("empty.txt") && Catch::Contains("empty"));
  write_file(dir / "blank.txt", "\n  \n");
  CHECK_THAT(usage_error_of(dir / "blank.txt"), Catch::Contains("blank.txt") && Catch::Contains("empty"));
  CHECK_THAT(usage_error_of(dir / "absent"), Catch::Contains("absent") && Catch::Contains("no such file"));
}

TEST_CASE("libsvm: the shipped a9a and mushrooms match MANIFEST.md", "[libsvm]") {
  // Numbers from /work/shared/datasets/MANIFEST.md (rows, features, entries, label counts).
  const auto a9a = load_dataset("a9a", COMMOPT_SHARED_DATASETS);
  CHECK(a9a->info.rows == 32561);
  CHECK(a9a->info.features == 123);
  CHECK(a9a->info.nnz == 451592);
  CHECK(a9a->info.compression == "xz");
  REQUIRE(a9a->info.labels.size() == 2);
  CHECK(a9a->info.labels[0].count == 24720);  // -1
  CHECK(a9a->info.labels[1].count == 7841);   // +1
  CHECK((a9a->b.array() > 0).count() == 7841);
  const auto mush = load_dataset("mushrooms", COMMOPT_SHARED_DATASETS);
  CHECK(mush->info.rows == 8124);
  CHECK(mush->info.features == 112);
  CHECK(mush->info.nnz == 170604);
  CHECK((mush->b.array() < 0).count() == 3916);  // label `1` (the smaller) -> -1
}

TEST_CASE("datasets: resolution, caching and listing", "[libsvm]") {
  TempDir dir;
  write_compressed(dir / "toy.gz", kToy, boost::iostreams::gzip_compressor());
  write_file(dir / "README.md", "# not a dataset\n");
  CHECK(resolve_dataset("toy", dir.path().string()) == dir / "toy.gz");
  const auto first = load_dataset("toy", dir.path().string());
  const auto again = load_dataset("toy", dir.path().string());
  CHECK(first.get() == again.get());  // parsed once per process
  CHECK(first->info.name == "toy");
  CHECK(load_dataset((dir / "toy.gz").string(), "")->info.rows == 3);  // a path is used directly

  const auto listed = list_datasets(dir.path().string());
  REQUIRE_FALSE(listed.empty());
  CHECK(listed[0].name == "toy");
  CHECK(listed[0].compression == "gzip");
  for (const auto& info : listed) CHECK(info.name != "README");

  std::string msg;
  try {
    (void)resolve_dataset("no-such-dataset", dir.path().string());
  } catch (const UsageError& e) {
    msg = e.what();
  }
  CHECK_THAT(msg, Catch::Contains("no-such-dataset.xz") && Catch::Contains("--data-dir"));
  for (const auto& place : dataset_search_path(dir.path().string())) CHECK_THAT(msg, Catch::Contains(place.string()));
  CHECK_THROWS_AS(resolve_dataset((dir / "nope").string(), ""), UsageError);
}
