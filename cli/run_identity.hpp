// The problem half of a run's identity, for its metadata: the problem spec as given, the split and
// its seed, and the dataset file it read (name, resolved path, size, checksum of the decompressed
// content, rows, features), so that a run can be told apart from one on other data and rerun.
#pragma once
#include <nlohmann/json.hpp>

#include "core/spec.hpp"
#include "problems/registry.hpp"

namespace commopt::cli {

// {"problem_spec", "split", "split_seed", "data": {...} or null for synthetic problems}. The dataset
// comes from the per-process cache that building the problem filled, so this parses nothing again.
nlohmann::json problem_identity(const Spec& problem, int workers, const ProblemOptions& opts);

}  // namespace commopt::cli
