// The runs a reproduction makes: one configuration over seeds (traces kept under the reproduction's
// directory), the step size tuned on a grid by the papers' rule, and what tables and figures read
// from them (reach of a target, value at a budget, a curve with its band over seeds).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/reproduce/reproduction.hpp"
#include "plots/figure.hpp"
#include "run/compare.hpp"
#include "run/run.hpp"

namespace commopt::reproduce {

struct Config {
  std::string label;    // legend and table text, unique within a reproduction
  std::string problem;  // problem spec, e.g. "sigmoid_lsq[data=mushrooms]"
  int workers = 5;
  std::string method;   // method spec; its stepsize= is replaced when the step is tuned
  std::optional<std::string> compressor;  // none: the method's default
  std::string split = "contiguous";
};

struct Budget {
  StopRule stop;  // rounds, max_bits, target (the round cap is a safety limit when a budget binds)
  LogGrid grid;
};

struct SeedRuns {
  Config config;                              // as run (method with the step used)
  std::vector<std::vector<TraceRow>> traces;  // one per seed, in Context::seeds order
  std::vector<nlohmann::json> meta;           // each run's metadata (meta[i]["method_info"]["stepsize"]: γ)

  // x at the first row with y <= target, over seeds (missing: seeds that never reached it).
  Spread reach(std::string_view x, std::string_view y, double target) const;
  // y at the last row with x <= budget, over seeds.
  Spread at_budget(std::string_view x, std::string_view y, double budget) const;
  // y on the last row, over seeds.
  Spread last(std::string_view y) const;
  int diverged() const;  // seeds whose run diverged
  plots::Curve curve(std::string_view x, std::string_view y) const;  // median and band over seeds
  double stepsize() const;  // the γ of seed 0's run
};

// Runs `config` once per seed of the context; traces go to <ctx.dir>/runs/<label>-s<seed>.csv.
SeedRuns run_seeds(const Context& ctx, const Config& config, const Budget& budget);

struct Tuned {
  SeedRuns best;
  std::string best_step;                               // the stepsize= text that won
  std::vector<std::pair<std::string, double>> scores;  // each step and its score (mean over seeds)
  bool at_edge = false;                                // the winner is the grid's first or last step
};

// Runs each step (a stepsize= text: "0.125", "theory*4") over the context's seeds and keeps the one with
// the smallest mean papers_score (dasha-family.md §5); a diverged run scores +inf.
// With `require_descent`, a step whose run ends (on any seed) with a loss above its starting loss also
// scores +inf: on losses with plateaus (sigmoid, saturating regularisers) a large step can drive ||∇f||²
// to ~0 far from any minimum, which the papers' rule, reading ||∇f||² only, would otherwise pick.
Tuned tune_step(const Context& ctx, const Config& config, const std::vector<std::string>& steps, const Budget& budget,
                bool require_descent = false);
// The same, scoring by papers_score on another trace column (e.g. "loss" when the claim is about the loss).
Tuned tune_step_on(const Context& ctx, const Config& config, const std::vector<std::string>& steps,
                   const Budget& budget, std::string_view score_column, bool require_descent = false);

// A table cell for a quantity over seeds: "median [min, max] (present/total)".
std::string cell(const Spread& s);
// The number a verdict compares: the median over seeds when most seeds have a value, else +inf
// (e.g. a target most seeds never reached).
double majority_median(const Spread& s);

// A table of "x to reach each y target": reach_header names the columns, reach_row fills one
// configuration's row (label, the step used with a warning when it sits at the grid's edge, x to each
// target over seeds, the last y and loss as medians over seeds).
std::vector<std::string> reach_header(std::string_view x, std::string_view y, const std::vector<double>& targets);
std::vector<std::string> reach_row(const SeedRuns& runs, const std::string& step, bool at_edge, std::string_view x,
                                   std::string_view y, const std::vector<double>& targets);

// One curve per configuration (median and min–max band over seeds) of y against x.
plots::Figure curves_figure(const std::string& title, const std::vector<const SeedRuns*>& runs, std::string_view x,
                            std::string_view y);

// A copy of the context running the first seed only (e.g. to read a theory step size cheaply).
Context first_seed(const Context& ctx);

// The papers' absolute grid 2^i for i in [lo, hi), and theory·2^i, as stepsize= texts.
std::vector<std::string> absolute_grid(int lo, int hi);
std::vector<std::string> theory_grid(int lo, int hi);

}  // namespace commopt::reproduce
