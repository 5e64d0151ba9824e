#include "cli/check_tightness.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "theory/tightness.hpp"

namespace commopt::cli {

int print_tightness(const std::vector<TightnessTarget>& targets, const Objective& problem, long long rounds, int seeds,
                    CommandOutput& output) {
  fmt::print("tightness of the certified steps: safe multiple = largest c with the certified potential still "
             "non-increasing at c x the theory step (bisection to 2%, exact over all states of tiny instances); runs: largest c "
             "at which the run-based potential check on the problem at hand ({} rounds, {} seeds if random) sees no "
             "violation (bisection to 5%)\nproblem at hand: {} (n = {})\n\n",
             rounds, seeds, problem.name(), problem.workers());
  fmt::print("{:<38} {:<16} {:>11} {:>11} {:>9} {:>13} {:>13}  {}\n", "method", "compressor", "paper step",
             "cert. step", "cert/paper", "safe multiple", "runs: no viol.", "check (tiny instances)");
  nlohmann::json out = {{"mode", "tightness"},
                         {"problem", problem.name()},
                         {"workers", problem.workers()},
                         {"rounds", rounds},
                         {"seeds", seeds},
                         {"rows", nlohmann::json::array()}};
  for (const auto& t : targets) {
    const OneStepPlan& plan = *t.entry->check.one_step;
    const std::string comp = t.compressor.empty() ? t.entry->default_compressor : t.compressor;
    const StepPair steps = theory_and_paper_steps(t.method, t.entry->uses_compressor ? comp : "", problem);
    const TightnessResult r = safe_multiple(plan);
    const auto run = run_safe_multiple(problem, t.method, t.entry->uses_compressor ? comp : "", rounds, seeds);
    const std::string run_text = run ? fmt::format("{:.3g}-{:.3g}", run->safe_multiple, run->fails_at) : "-";
    std::string kind = r.exact ? fmt::format("exact over all states, {} instances, {} checks", r.instances, r.checks)
                               : fmt::format("{} states, {} checks (no exact form)",
                                             plan.model_only ? "hand-written model, sampled" : "sampled", r.checks);
    if (r.claimed_up_to) kind += fmt::format("; the card claims its potential only up to {:.3g}x", *r.claimed_up_to);
    fmt::print("{:<38} {:<16} {:>11} {:>11.4g} {:>9} {:>6.3g}-{:<6.3g} {:>13}  {}\n", t.method,
               t.entry->uses_compressor ? comp : "-", steps.paper ? fmt::format("{:.4g}", *steps.paper) : "-",
               steps.theory, steps.paper ? fmt::format("{:.3g}", steps.theory / *steps.paper) : "-", r.safe_multiple,
               r.fails_at, run_text, kind);
    out["rows"].push_back({{"method", t.method},
                   {"compressor", t.entry->uses_compressor ? comp : ""},
                   {"problem", problem.name()},
                   {"paper_step", steps.paper ? nlohmann::json(*steps.paper) : nlohmann::json()},
                   {"certified_step", steps.theory},
                   {"safe_multiple", r.safe_multiple},
                   {"fails_at", r.fails_at},
                   {"exact", r.exact},
                   {"model_only", plan.model_only},
                   {"checks", r.checks},
                   {"claimed_up_to", r.claimed_up_to ? nlohmann::json(*r.claimed_up_to) : nlohmann::json()},
                   {"run_safe_multiple", run ? nlohmann::json(run->safe_multiple) : nlohmann::json()},
                   {"run_fails_at", run ? nlohmann::json(run->fails_at) : nlohmann::json()}});
  }
  output.write(out);
  return 0;
}

}  // namespace commopt::cli
