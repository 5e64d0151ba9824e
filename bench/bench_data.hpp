// Problems shared by the benchmarks (issue 13's grid): LIBSVM logistic regression from the shared
// datasets, and news20 as a binary problem (labels 1–10 → +1, 11–20 → −1; d = 62061), built in
// memory from the multiclass file so that no binary copy has to exist on disk.
#pragma once
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "problems/libsvm.hpp"
#include "problems/logistic.hpp"
#include "problems/registry.hpp"

namespace commopt::bench {

inline std::shared_ptr<const LibsvmData> news20_binary_data() {
  static const std::shared_ptr<const LibsvmData> data = [] {
    auto d = std::make_shared<LibsvmData>(read_libsvm(std::filesystem::path(COMMOPT_SHARED_DATASETS) / "news20.xz"));
    for (Index j = 0; j < d->b.size(); ++j) d->b[j] = d->b[j] <= 10 ? 1.0 : -1.0;
    d->info.binary = true;
    d->info.checksum += "-binary-1to10";  // its own constants-cache key
    return d;
  }();
  return data;
}

inline std::shared_ptr<const LibsvmData> libsvm_data(const std::string& name) {
  if (name == "news20_binary") return news20_binary_data();
  static std::vector<std::pair<std::string, std::shared_ptr<const LibsvmData>>> cache;
  for (const auto& [n, d] : cache)
    if (n == name) return d;
  const auto path = std::filesystem::path(COMMOPT_SHARED_DATASETS) / (name + ".xz");
  cache.emplace_back(name, std::make_shared<const LibsvmData>(read_libsvm(path)));
  return cache.back().second;
}

// "a9a", "w8a" (logreg[data=NAME] as the registry builds it) or "news20_binary" (logreg, λ = 1e-3),
// split over n workers; a forced gradient path builds LogisticProblem directly (same defaults).
// COMMOPT_BENCH_GRADIENT_PATH=dense in the environment turns `automatic` into `dense` (the gradient
// before the touched-columns path, for before/after figures from one binary).
inline std::unique_ptr<Objective> make_bench_problem(const std::string& data, int n,
                                                     GradientPath path = GradientPath::automatic) {
  const char* forced = std::getenv("COMMOPT_BENCH_GRADIENT_PATH");
  if (path == GradientPath::automatic && forced && std::string(forced) == "dense") path = GradientPath::dense;
  if (data == "news20_binary" || path != GradientPath::automatic) {
    LogisticOptions o;
    o.gradient_path = path;
    return std::make_unique<LogisticProblem>(libsvm_data(data), n, o, "logreg[data=" + data + "]");
  }
  ProblemOptions o;
  o.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse("logreg[data=" + data + "]", "bench"), n, o);
}

}  // namespace commopt::bench
