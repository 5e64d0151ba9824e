// `commopt check`'s table, made to explain itself (issue 14): every row says what it means.
//   - ratio = measured ÷ bound on every row ("-" when the bound is 0 or nothing was measured);
//   - a power row ("...-power") runs the same test on a deliberately broken variant (a multiple of the
//     step, memory off, a biased compressor): it must find the violation, so its "pass" means "it
//     failed, as it must" — the row says so;
//   - rows that measure nothing (skipped, not certified) show "-" and the reason, not 0/0/0.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "theory/checks.hpp"

namespace commopt::cli {

bool is_power_check(const CheckRow& r);
bool measured_nothing(const CheckRow& r);  // skipped or not certified
// The row's last column: what a pass of a power check means, or why nothing binds.
std::string row_meaning(const CheckRow& r);

void print_check_table(const std::vector<CheckRow>& rows);
// to_json(row) with measured/bound/ratio null where nothing was measured, and "meaning".
nlohmann::json check_row_json(const CheckRow& r);

}  // namespace commopt::cli
