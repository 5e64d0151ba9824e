// The problem registry: every problem a user can name in `--problem name[key=value,...]`, with its
// documented parameters, and the factory that builds it.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "core/spec.hpp"

namespace commopt {

struct ProblemOptions {
  std::string split = "contiguous";  // contiguous | shuffled | label-sorted (data problems)
  std::uint64_t seed = 0;            // for the shuffled split
  std::string data_dir;              // --data-dir, searched first
  // A process that holds only workers [worker_begin, worker_end) (a distributed run): data problems
  // parse only those workers' rows and take `constants` (computed where all the data is) as given.
  int worker_begin = 0;
  int worker_end = -1;               // -1: all workers
  std::optional<ProblemConstants> constants;
};

struct ProblemEntry {
  std::string name;
  std::string doc;
  std::vector<ParamDoc> params;
};

const std::vector<ProblemEntry>& problem_registry();

// Builds the problem `spec` names over `workers` workers. Throws UsageError on an unknown name or
// key, a malformed or impossible value, a missing `data=`, a bad split name or too many workers.
std::unique_ptr<Objective> make_problem(const Spec& spec, int workers, const ProblemOptions& opts);

}  // namespace commopt
