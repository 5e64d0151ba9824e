// s-nice participation in a method spec, one spelling for every method (README "Vocabulary"):
// `participation=snice[s=K]` (K of the n workers per round, uniformly without replacement) or
// `participation=full` (K = n). The older `s=K` of pp_marina, ef21_pp and frecon is a deprecated
// alias: it works and warns once.
#pragma once
#include <string>

#include "core/spec.hpp"

namespace commopt {

// K for `method` on n workers; `fallback` when neither key is given. UsageError when K is not in
// [1, n], when both spellings are given, or for a participation other than snice or full.
long long snice_count(const Spec& method, int n, long long fallback, const std::string& name);

// The deprecated `s=K` read as `participation=snice[s=K]` (with its warning); the method's own
// participation text otherwise ("full" when absent).
std::string participation_text(const Spec& method, const std::string& name);

}  // namespace commopt
