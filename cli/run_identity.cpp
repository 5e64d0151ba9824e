#include "cli/run_identity.hpp"

#include "problems/problem_data.hpp"

namespace commopt::cli {

nlohmann::json problem_identity(const Spec& problem, int workers, const ProblemOptions& opts) {
  nlohmann::json j{{"problem_spec", problem.str()}, {"split", opts.split}, {"split_seed", opts.seed}};
  j["data"] = nullptr;
  if (problem.has("data")) {
    const DatasetInfo& info = load_problem_data(problem, workers, opts)->info;
    j["data"] = {{"name", info.name},
                 {"path", std::filesystem::absolute(info.path).string()},
                 {"file_bytes", info.file_bytes},
                 {"compression", info.compression},
                 {"checksum_fnv1a64", info.checksum},
                 {"rows", info.rows},
                 {"features", info.features}};
  }
  return j;
}

}  // namespace commopt::cli
