// `commopt check --tightness` (issue 15 item 4): per method with a one-step plan, the paper's
// recalled step and the certified step on the problem at hand, and the safe multiple of the
// certified step measured by bisection on the exact one-step check over tiny instances
// (theory/tightness.hpp).
#pragma once
#include <string>
#include <vector>

#include "cli/command_output.hpp"
#include "core/objective.hpp"
#include "methods/method.hpp"

namespace commopt::cli {

struct TightnessTarget {
  const MethodEntry* entry;
  std::string method;      // the spec run on the problem at hand
  std::string compressor;  // its compressor ("" = the entry's default)
};

// Prints the table and writes it as JSON through `output` (--json). Returns 0.
int print_tightness(const std::vector<TightnessTarget>& targets, const Objective& problem, long long rounds, int seeds,
                    CommandOutput& output);

}  // namespace commopt::cli
