// Problems shared by the benchmarks (issue 13's grid): LIBSVM logistic regression from the shared
// datasets, and news20 as a binary problem (labels 1–10 → +1, 11–20 → −1; d = 62061), which is
// `logreg[data=news20,labels=upto:10]`: the CLI's own spec, loaded by the same code.
#pragma once
#include <cstdlib>
#include <memory>
#include <string>

#include "problems/logistic.hpp"
#include "problems/problem_data.hpp"
#include "problems/registry.hpp"

namespace commopt::bench {

// The spec a bench data name stands for: "news20_binary" is news20 with labels=upto:10.
inline std::string bench_problem_spec(const std::string& data) {
  return data == "news20_binary" ? "logreg[data=news20,labels=upto:10]" : "logreg[data=" + data + "]";
}

inline ProblemOptions bench_problem_options() {
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return o;
}

// The dataset as the problem sees it (parsed once per process by the dataset cache).
inline std::shared_ptr<const LibsvmData> libsvm_data(const std::string& name) {
  return load_problem_data(Spec::parse(bench_problem_spec(name), "bench"), 1, bench_problem_options());
}

// "a9a", "w8a" or "news20_binary" as the registry builds bench_problem_spec(data) (logreg, λ = 1e-3),
// split over n workers; a forced gradient path builds LogisticProblem directly (same defaults).
// COMMOPT_BENCH_GRADIENT_PATH=dense in the environment turns `automatic` into `dense` (the gradient
// before the touched-columns path, for before/after figures from one binary).
inline std::unique_ptr<Objective> make_bench_problem(const std::string& data, int n,
                                                     GradientPath path = GradientPath::automatic) {
  const char* forced = std::getenv("COMMOPT_BENCH_GRADIENT_PATH");
  if (path == GradientPath::automatic && forced && std::string(forced) == "dense") path = GradientPath::dense;
  if (path != GradientPath::automatic) {
    LogisticOptions o;
    o.gradient_path = path;
    return std::make_unique<LogisticProblem>(libsvm_data(data), n, o, bench_problem_spec(data));
  }
  return make_problem(Spec::parse(bench_problem_spec(data), "bench"), n, bench_problem_options());
}

}  // namespace commopt::bench
