// CSER/CSEA/CSER-PL checks (theory/cser_checks.cpp, ef-local-lazy.md §7.1, §7.3, §12.2): the exact
// invariants (common model x_i − e_i, average model, zero error after identity resets) and the
// uplink bits vs R_grad/R_reset/H, each with its power row; the recalled leading rate (informational).
#pragma once
#include <string>
#include <vector>

#include "core/objective.hpp"
#include "theory/checks.hpp"

namespace commopt {

std::vector<CheckRow> cser_invariant_rows(const Objective& problem, const std::string& method, long long rounds);
std::vector<CheckRow> cser_bits_rows(const Objective& problem, const std::string& method, long long rounds);
std::vector<CheckRow> cser_rate_rows(const Objective& problem, const std::string& method, long long rounds);

}  // namespace commopt
