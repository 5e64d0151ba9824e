// `reproduce laq`: LAQ (Sun, Chen, Giannakis, Yang, NeurIPS 2019) — lazily aggregated quantized
// gradients reach the loss gap with far fewer bits than GD, QGD (quantized, no skipping) and LAG
// (lazy, not quantized) (ef-local-lazy.md §9).
#include <fmt/format.h>

#include "cli/reproduce/lazy_verdicts.hpp"
#include "cli/reproduce/measures.hpp"
#include "cli/reproduce/report.hpp"

namespace commopt::reproduce {

namespace {

constexpr double kTarget = 1e-6;  // LAQ.py: loss residual <= 1e-6

struct LaqProblem {
  std::string name, problem;
  int workers;
  bool instances;  // one synthetic instance per seed; else one deterministic run
};

std::vector<Config> configs(const LaqProblem& p) {
  // Every method at gamma = 1/L: gd's and qgd's theory step; lag's and laq's theory step is 0.5/L
  // (D xi = 0.25), so theory*2.
  return {{"GD", p.problem, p.workers, "gd", std::nullopt, "contiguous"},
          {"QGD (4 bits)", p.problem, p.workers, "qgd[bits=4]", std::nullopt, "contiguous"},
          {"LAG-WK", p.problem, p.workers, "lag[stepsize=theory*2]", std::nullopt, "contiguous"},
          {"LAQ (4 bits)", p.problem, p.workers, "laq[bits=4,stepsize=theory*2]", std::nullopt, "contiguous"}};
}

struct Factors {
  PerSeed gd, qgd, lag;  // bits of the baseline / bits of LAQ, per seed
};

Factors run_problem(const Context& ctx, Report& report, const LaqProblem& p, const Budget& budget) {
  Context c = ctx;
  if (!p.instances) c.seeds = {ctx.seeds.at(0)};
  std::vector<SeedRuns> runs;
  for (const auto& cfg : configs(p)) runs.push_back(p.instances ? run_instances(c, cfg, budget) : run_seeds(c, cfg, budget));
  const auto bits = [&](const SeedRuns& r) {
    // bits_up is the mean per worker: times M for all workers' bits (the paper's count)
    return per_seed(r, [&](const auto& t) -> std::optional<double> {
      const auto b = first_reach(t, "bits_up", "gap", kTarget);
      return b ? std::optional(*b * p.workers) : std::nullopt;
    });
  };
  const PerSeed laq_bits = bits(runs[3]);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs) {
    const auto it = per_seed(r, [](const auto& t) { return first_reach(t, "round", "gap", kTarget); });
    const auto up = per_seed(r, [](const auto& t) { return uploads_to_reach(t, "gap", kTarget); });
    rows.push_back({r.config.label, fmt::format("{:.4g}", r.stepsize()), cell(it), cell(up), cell(bits(r)),
                    cell(ratio(bits(r), laq_bits))});
  }
  report.section(fmt::format("{}: bits to f − f* <= {:g}", p.name, kTarget));
  if (!p.instances)
    report.text("Full gradients on fixed data: every method is deterministic, so one run per method (seeds "
                "would repeat it).");
  report.table({"method", "step γ", "iterations", "uploads", "bits (all workers)", "bits / LAQ's bits"}, rows);
  plots::Figure fig;
  fig.title = fmt::format("{}: f - f* vs uplink bits", p.name);
  fig.xlabel = "uplink bits per worker (mean)";
  fig.ylabel = "f(x) - f*";
  fig.logx = true;
  for (const auto& r : runs) fig.curves.push_back(r.curve("bits_up", "gap"));
  report.figure(fig, ctx.dir, p.name + "-bits", fmt::format("f − f* against uplink bits on {} (runs per method: {})",
                                                            p.name, c.seeds.size()));
  return {ratio(bits(runs[0]), laq_bits), ratio(bits(runs[1]), laq_bits), ratio(bits(runs[2]), laq_bits)};
}

void run(const Context& ctx, Report& report) {
  report.section("Claim");
  report.text(
      "LAQ (Sun, Chen, Giannakis, Yang, NeurIPS 2019, §5 and the rebuttal's table; ef-local-lazy.md §9.2): "
      "quantizing the gradient innovation (b = 4 bits per coordinate around the last upload) and skipping "
      "uploads by LAG's rule reaches the same loss residual (1e-6) with far fewer bits than GD, QGD "
      "(quantized, every worker every round) and LAG (lazy, 32-bit). Paper setting: MNIST softmax "
      "regression (p = 7850), M = 10 contiguous shards, full local gradients, α = 0.02 on the sum, D = 10, "
      "t̄ = 100, 4000 iterations; bits = b·p per upload (GD and LAG: 32p).");
  report.section("Our setting");
  report.text(
      "MNIST is not on these machines: L2-regularised logistic regression on a1a (N = 1605, d = 123; "
      "λ = 0.01, the code's ridge weight), M = 10 contiguous shards, full gradients, every method at "
      "γ = 1/L (the paper runs all methods at one α), LAQ with b = 4, D = 10, ξ = 0.025, t̄ = 100; at most "
      "4000 rounds, stop at f − f* <= 1e-6 with f* solved to high accuracy (LAQ.py's residual is against "
      "the run's own minimum). Our bits are the encoded messages (LAQ and QGD: b·d + the 32-bit radius, "
      "which the paper omits). A second table repeats it on LAG's synthetic linear regression "
      "(`lag_linreg`, M = 9, one instance per seed), reported, not judged.");
  Budget budget;
  budget.stop.rounds = ctx.quick ? 600 : 4000;
  budget.stop.target = kTarget;
  budget.stop.target_on = "gap";
  budget.grid.every = 1;
  const Factors a1a = run_problem(ctx, report, {"a1a", "logreg[data=a1a,lambda=0.01]", 10, false}, budget);
  const Factors lin = run_problem(ctx, report, {"lag_linreg", "lag_linreg[d=50,base=1.3]", 9, true}, budget);
  const Verdict v = laq_verdict(med(a1a.gd), med(a1a.qgd), med(a1a.lag));
  report.section("Verdict");
  report.text(
      "Rule (on a1a): agrees when LAQ needs >= 10x fewer bits than GD and >= 2x fewer than QGD and LAG; "
      "disagrees when a method does not reach the target or LAQ saves nothing against one of them; partly "
      "otherwise.");
  report.verdict(v, fmt::format("to f − f* <= 1e-6 on a1a LAQ needs {}x fewer bits than GD, {}x fewer than QGD and "
                                "{}x fewer than LAG (on lag_linreg, median over instances: {}x, {}x, {}x)",
                                num(med(a1a.gd)), num(med(a1a.qgd)), num(med(a1a.lag)), num(med(lin.gd)),
                                num(med(lin.qgd)), num(med(lin.lag))));
}

}  // namespace

Entry laq_entry() {
  return {"laq",
          "Sun, Chen, Giannakis, Yang, Communication-Efficient Distributed Learning via Lazily Aggregated "
          "Quantized Gradients, NeurIPS 2019 (bits to a loss residual of 1e-6, GD / QGD / LAG / LAQ)",
          "LAQ needs far fewer bits than GD, QGD and LAG to the same loss gap", run};
}

}  // namespace commopt::reproduce
