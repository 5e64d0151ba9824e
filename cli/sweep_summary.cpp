#include "cli/sweep_summary.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace commopt::cli {

namespace {
std::optional<double> final_value(const std::vector<TraceRow>& rows, const std::string& y) {
  return rows.empty() ? std::nullopt : column_value(rows.back(), y);
}
}  // namespace

std::vector<CaseSummary> summarize(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<RunOutcome>& runs) {
  std::vector<CaseSummary> out(grid.cases.size());
  // runs of case c, step s: indices into grid.runs
  std::vector<std::vector<std::vector<std::size_t>>> by(grid.cases.size());
  for (std::size_t ci = 0; ci < grid.cases.size(); ++ci) by[ci].resize(grid.cases[ci].steps.size());
  for (std::size_t i = 0; i < grid.runs.size(); ++i) {
    const auto& r = grid.runs[i];
    by[static_cast<std::size_t>(r.case_index)][static_cast<std::size_t>(r.step_index)].push_back(i);
    if (runs[i].reused) ++out[static_cast<std::size_t>(r.case_index)].reused;
  }
  const std::string& y = cfg.target_on;
  for (std::size_t ci = 0; ci < grid.cases.size(); ++ci) {
    const SweepCase& c = grid.cases[ci];
    CaseSummary& s = out[ci];
    s.at_budget = spread({});
    double best_score = INFINITY;
    for (std::size_t si = 0; si < c.steps.size(); ++si) {
      double mean = 0, worst = -INFINITY;
      for (std::size_t i : by[ci][si]) {
        const double sc = papers_score(runs[i].rows);
        mean += sc / static_cast<double>(by[ci][si].size());
        worst = std::max(worst, sc);
      }
      const double score = cfg.select == "robust" ? worst : mean;
      if (score < best_score) best_score = score, s.best = static_cast<int>(si);
    }
    if (s.best < 0) continue;
    const auto& best_runs = by[ci][static_cast<std::size_t>(s.best)];
    s.stepsize = runs[best_runs.front()].meta["method_info"].value("stepsize", std::nan(""));
    if (c.steps.size() > 1) {
      double lo = INFINITY, hi = -INFINITY;
      for (const auto& st : c.steps) lo = std::min(lo, st.order), hi = std::max(hi, st.order);
      const auto& b = c.steps[static_cast<std::size_t>(s.best)];
      const std::string fix = cfg.stepsizes.empty() ? "extend stepsize_powers" : "extend stepsizes";
      if (b.order == hi) s.warning = fmt::format("{}: best step {} is the largest tried; {}", c.label, b.spec, fix);
      if (b.order == lo) s.warning = fmt::format("{}: best step {} is the smallest tried; {}", c.label, b.spec, fix);
    }
    std::vector<std::optional<double>> at_budget;
    for (std::size_t i : best_runs) {
      const auto& rows = runs[i].rows;
      at_budget.push_back(cfg.max_bits ? value_at_budget(rows, cfg.x, y, *cfg.max_bits) : final_value(rows, y));
      if ((cfg.max_bits || !cfg.targets.empty()) && !rows.empty() && rows.back().status == RunStatus::max_rounds)
        s.cap_hit = true;
    }
    s.at_budget = spread(at_budget);
    for (double t : cfg.targets) {
      std::vector<std::optional<double>> xs, rounds;
      for (std::size_t i : best_runs) {
        xs.push_back(first_reach(runs[i].rows, cfg.x, y, t));
        rounds.push_back(first_reach(runs[i].rows, "round", y, t));
      }
      s.targets.push_back({t, spread(xs), spread(rounds)});
    }
  }
  return out;
}

namespace {
std::string med_range(const Spread& s) {
  if (s.present == 0) return "-";
  if (s.min == s.max) return fmt::format("{:.4g}", s.median);
  return fmt::format("{:.4g} [{:.3g},{:.3g}]", s.median, s.min, s.max);
}
nlohmann::json num(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(); }
nlohmann::json spread_json(const Spread& s) {
  return {{"median", num(s.median)}, {"min", num(s.min)}, {"max", num(s.max)}, {"seeds", s.present},
          {"missing", s.missing}};
}
}  // namespace

void print_summary(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<CaseSummary>& sums) {
  const std::string budget = cfg.max_bits ? fmt::format("{} at {}={:g}", cfg.target_on, cfg.x, *cfg.max_bits)
                                          : fmt::format("final {}", cfg.target_on);
  std::string head = fmt::format("{:<40} {:>16} {:>10} {:>28}", "configuration", "best step", "γ", budget);
  for (double t : cfg.targets)
    head += fmt::format(" {:>30} {:>24}", fmt::format("{} to {:g} (miss)", cfg.x, t), fmt::format("rounds to {:g}", t));
  fmt::print("{}\n", head);
  std::vector<std::string> notes;
  for (std::size_t ci = 0; ci < sums.size(); ++ci) {
    const auto& c = grid.cases[ci];
    const auto& s = sums[ci];
    if (s.best < 0) {
      fmt::print("{:<40} {:>16}\n", c.label, "diverged");
      notes.push_back(fmt::format("{}: every step size diverged (tried {} to {}); try smaller steps", c.label,
                                  c.steps.front().spec, c.steps.back().spec));
      continue;
    }
    std::string line = fmt::format("{:<40} {:>16} {:>10.4g} {:>28}", c.label, c.steps[static_cast<std::size_t>(s.best)].spec,
                                   s.stepsize, med_range(s.at_budget));
    for (const auto& t : s.targets)
      line += fmt::format(" {:>30} {:>24}", med_range(t.x) + fmt::format(" ({}/{})", t.x.missing, t.x.missing + t.x.present),
                          med_range(t.rounds));
    fmt::print("{}\n", line);
    if (!s.warning.empty()) notes.push_back("warning: " + s.warning);
    if (s.cap_hit)
      notes.push_back(fmt::format("note: {}: the round cap ({} rounds) stopped a run before the bit budget/target; "
                                  "raise rounds",
                                  c.label, cfg.rounds));
  }
  fmt::print("(median [min,max] over {} seed(s) at the best step; miss = seeds that never reached the target)\n",
             cfg.seeds.size());
  for (const auto& n : notes) fmt::print("{}\n", n);
}

nlohmann::json summary_json(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<CaseSummary>& sums) {
  nlohmann::json rows = nlohmann::json::array();
  for (std::size_t ci = 0; ci < sums.size(); ++ci) {
    const auto& c = grid.cases[ci];
    const auto& s = sums[ci];
    nlohmann::json j = {{"label", c.label},       {"method", c.method},   {"compressor", c.compressor},
                        {"problem", c.problem},   {"workers", c.workers}, {"diverged", s.best < 0},
                        {"reused", s.reused},     {"round_cap_hit", s.cap_hit}};
    j["best_step"] = s.best < 0 ? nlohmann::json() : nlohmann::json(c.steps[static_cast<std::size_t>(s.best)].spec);
    j["best_stepsize"] = s.best < 0 ? nlohmann::json() : num(s.stepsize);
    j["best_step_at_edge"] = !s.warning.empty();
    j["warning"] = s.warning.empty() ? nlohmann::json() : nlohmann::json(s.warning);
    j["at_budget"] = spread_json(s.at_budget);
    j["targets"] = nlohmann::json::array();
    for (const auto& t : s.targets)
      j["targets"].push_back({{"target", t.target}, {cfg.x, spread_json(t.x)}, {"rounds", spread_json(t.rounds)}});
    rows.push_back(j);
  }
  return {{"sweep", cfg.name},
          {"x", cfg.x},
          {"y", cfg.target_on},
          {"max_bits", cfg.max_bits ? nlohmann::json(*cfg.max_bits) : nlohmann::json()},
          {"targets", cfg.targets},
          {"seeds", cfg.seeds},
          {"rounds", cfg.rounds},
          {"configurations", rows}};
}

}  // namespace commopt::cli
