// Checks 1–5 of the theory engine (issue 4): each compares a measurement with a theorem's card and
// returns one row: id, method, problem, measured, bound, ratio, verdict, provenance, note.
// Verdicts: pass, FAIL (a binding check broken), not-binding (a paper-recalled statement, printed
// for comparison), skipped (cannot apply; the note says why).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/objective.hpp"
#include "methods/theorem.hpp"

namespace commopt {

struct CheckRow {
  std::string id;
  std::string method;
  std::string problem;
  double measured = 0;
  double bound = 0;
  std::string verdict;
  std::string provenance;
  std::string note;
  double ratio() const { return bound != 0 ? measured / bound : 0; }
  bool failed() const { return verdict == "FAIL"; }
};
nlohmann::json to_json(const CheckRow& r);

// Check 1: exact one-step potential test of the entry's OneStepPlan on tiny quadratics, and its
// power check at plan.power_factor times the step (the power row passes when a violation IS found).
// `gamma_factor` scales the step of the first row (1 for the theory step; a user's
// `stepsize=theory*C` passes C). For now the test runs the theory/one_step*.cpp model of the plan's
// method (d = 6, n = 4, three instances; plan.dim/workers/rows are for the certificate that
// replaces it) with K from the plan's compressor (none: 0).
std::vector<CheckRow> one_step_rows(const OneStepPlan& plan, double gamma_factor);

struct RunCheckOptions {
  long long rounds = 300;
  int seeds = 8;               // for random methods
  std::uint64_t first_seed = 1;
};

// Checks 2–4 on runs of `method` with `compressor` on `problem` (value width 64, every round logged):
// the potential along the run (monotone when deterministic, a supermartingale over seeds when
// random), the card's bound on (1/T) Σ ||∇f||² at every T, and the linear rate where the card has
// one and f* is known.
std::vector<CheckRow> run_rows(const Objective& problem, const std::string& method,
                               const std::optional<std::string>& compressor, const RunCheckOptions& opts);

// Check 5: the virtual-sequence identity of dist-EF-SGD(M) (ef-local-lazy.md §6.1, dist_ef_sgd.cpp) on
// every round, across the run's step-size schedule; plus its power row when the step changes inside
// the checked rounds (the method with rescale=off must break the identity exactly there).
std::vector<CheckRow> virtual_sequence_rows(const Objective& problem, const std::string& method,
                                            const std::string& compressor, long long rounds);

// signsgd_mv / signum_mv: x^{t+1} = x^t − η_t sign(Σ_i sign(m_i^t)) with the run's sign(0) and tie
// conventions, the votes recomputed from the problem's gradients; plus the power row (the run with
// the other tie convention must break the identity).
std::vector<CheckRow> majority_vote_rows(const Objective& problem, const std::string& method, long long rounds);

// `method` (a method spec) with key=value set (replacing a value it already has).
std::string with_method_param(const std::string& method, const std::string& key, const std::string& value);

// local_sgd[H=1,batch=0] has the iterates of gd with the same step size.
CheckRow local_sgd_consistency_row(const Objective& problem, long long rounds);
// Its power row: local_sgd at 1 + 1e-9 times gd's step must be told apart from gd.
CheckRow local_sgd_consistency_power_row(const Objective& problem, long long rounds);

// theory/ef_checks.cpp (EF-SGD family and SGD baselines), each a row and its power row:
// the virtual-sequence identity x~ = x - mean e_i of ef_sgd/mem_sgd (power: memory=off);
std::vector<CheckRow> ef_virtual_sequence_rows(const Objective& problem, const std::string& method,
                                               const std::string& compressor, long long rounds);
// sgd[batch=0] == gd bit for bit (power: one ulp more step);
std::vector<CheckRow> sgd_gd_consistency_rows(const Objective& problem, long long rounds);
// E[decoded upload_i] = grad f_i(x^t) over seeds (power: randk_biased);
std::vector<CheckRow> upload_unbiased_rows(const Objective& problem, const std::string& method,
                                           const std::string& compressor);
// MEM-SGD's f(x_bar_T) - f* slope in log-log (informational; one row).
std::vector<CheckRow> mem_sgd_rate_rows(const Objective& problem, const std::string& method,
                                        const std::string& compressor, long long rounds);

}  // namespace commopt

namespace commopt {
// Qsparse-local-SGD (theory/qsparse_checks.cpp): the virtual-sequence identity and its power row
// (memory=off), the recalled memory lemma (not binding), and the consistency with gd / local_sgd.
std::vector<CheckRow> qsparse_virtual_sequence_rows(const Objective& problem, const std::string& method,
                                                    const std::string& compressor, long long rounds);
CheckRow qsparse_memory_bound_row(const Objective& problem, const std::string& method, const std::string& compressor,
                                  long long rounds);
std::vector<CheckRow> qsparse_consistency_rows(const Objective& problem, long long rounds);
// theory/lazy_checks.cpp (LAG, LAQ, IAG): the run-based potential check's power row (the run at 2, 4, 8
// or 16x its theory step must raise the potential), laq == qgd when the trigger cannot skip, LAQ's fitted rate of V.
std::vector<CheckRow> potential_power_rows(const Objective& problem, const std::string& method, long long rounds);
std::vector<CheckRow> laq_qgd_identity_rows(const Objective& problem, long long rounds);
// The potential-monotone check of `method` on one worker of a 5-d quadratic (once per method spec).
std::vector<CheckRow> potential_sharp_rows(const std::string& method, long long rounds);
std::vector<CheckRow> slaq_laq_identity_rows(const Objective& problem, long long rounds);
std::vector<CheckRow> laq_rate_rows(const Objective& problem, const std::string& method, long long rounds);

}  // namespace commopt
