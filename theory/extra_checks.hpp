// The named extra checks a method's CheckPlan lists in `extra` (methods/theorem.hpp): exact
// identities of the algorithm (virtual sequences, consistency with a simpler method, invariants)
// evaluated on runs of the shipped code. Each check returns its row and, where it has one, its power
// row (a variant that must break the identity, e.g. the method with its error memory switched off).
// A new check is one function in its own theory/*.cpp file plus one line in the table of
// extra_checks.cpp; `commopt check` and the tests find it by name.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "theory/checks.hpp"

namespace commopt {

struct ExtraCheckRun {
  std::string method;      // the planned run's method spec
  std::string compressor;  // its compressor spec (the entry's default filled in)
  long long rounds = 300;
};

struct ExtraCheck {
  std::string name;
  bool per_run = true;  // true: once for every planned run; false: once per problem of the suite
  std::function<std::vector<CheckRow>(const Objective&, const ExtraCheckRun&)> rows;
};

const std::vector<ExtraCheck>& extra_checks();
// std::logic_error naming the check when it is not in the table (a plan's typo is a code bug).
const ExtraCheck& find_extra_check(const std::string& name);

}  // namespace commopt
