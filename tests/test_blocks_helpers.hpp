// Shared by the tests of the problems with parameter blocks (test_problems_blocks*.cpp): a small
// three-class LIBSVM file and a minibatch of its rows and the problem factory (random vectors and
// the finite-difference check: test_gradient_helpers.hpp).
#pragma once
#include <catch2/catch.hpp>

#include "test_paths.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/rng.hpp"
#include "problems/registry.hpp"
#include "test_gradient_helpers.hpp"
#include "test_problem_helpers.hpp"

namespace commopt::testing {


// 12 rows, 5 features, labels 1, 2, 7 (three classes, ranks 0, 1, 2), rows 0..2 one of each class.
inline const char* kThreeClass =
    "1 1:0.5 3:-1.2\n2 2:1.0 4:0.3 5:2.0\n7 1:-0.7 5:0.9\n1 3:1.5\n2 1:0.2 2:-0.4 3:0.6 4:0.8 5:-1.0\n"
    "7 4:-2.0\n1 2:0.9 5:0.1\n2 1:1.1 3:0.3\n7 2:-0.5 4:1.4\n1 5:-0.8\n2 1:0.4 4:0.4\n7 3:-0.9 5:1.2\n";
// Rows 0, 0, 1, 2 of kThreeClass: its full loss is the minibatch {0, 0, 1, 2} of the original.
inline const char* kRows0012 = "1 1:0.5 3:-1.2\n1 1:0.5 3:-1.2\n2 2:1.0 4:0.3 5:2.0\n7 1:-0.7 5:0.9\n";

inline std::unique_ptr<Objective> make_problem_n(const std::string& text, int workers) {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse(text, "--problem"), workers, o);
}

inline std::string problem_error_of(const std::string& text, int workers = 2) {
  try {
    (void)make_problem_n(text, workers);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}


struct Files {
  TempDir dir;
  Files() {
    write_file(dir / "three.libsvm", kThreeClass);
    write_file(dir / "rows0012.libsvm", kRows0012);
  }
  std::string three() const { return (dir / "three.libsvm").string(); }
  std::string rows() const { return (dir / "rows0012.libsvm").string(); }
};


}  // namespace commopt::testing
