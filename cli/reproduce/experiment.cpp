#include "cli/reproduce/experiment.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "cli/reproduce/report.hpp"
#include "core/spec.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "theory/fstar.hpp"

namespace commopt::reproduce {

namespace {

std::string slug(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_');
  return out;
}

// Problems are built once per process (a dataset is read and split once, f* solved once).
Objective& problem_for(const Context& ctx, const Config& c) {
  static std::map<std::string, std::unique_ptr<Objective>> cache;
  const std::string key = fmt::format("{}|{}|{}|{}", c.problem, c.workers, c.split, ctx.data_dir);
  auto& slot = cache[key];
  if (!slot) {
    ProblemOptions o;
    o.split = c.split;
    o.data_dir = ctx.data_dir;
    slot = make_problem(Spec::parse(c.problem, "problem"), c.workers, o);
    if (slot->convex()) (void)ensure_f_star(*slot);
  }
  return *slot;
}

template <class F>
Spread over_seeds(const std::vector<std::vector<TraceRow>>& traces, F f) {
  std::vector<std::optional<double>> v;
  for (const auto& t : traces) v.push_back(f(t));
  return spread(v);
}

}  // namespace

Spread SeedRuns::reach(std::string_view x, std::string_view y, double target) const {
  return over_seeds(traces, [&](const auto& t) { return first_reach(t, x, y, target); });
}

Spread SeedRuns::at_budget(std::string_view x, std::string_view y, double budget) const {
  return over_seeds(traces, [&](const auto& t) { return value_at_budget(t, x, y, budget); });
}

Spread SeedRuns::last(std::string_view y) const {
  return over_seeds(traces, [&](const auto& t) { return t.empty() ? std::nullopt : column_value(t.back(), y); });
}

int SeedRuns::diverged() const {
  int k = 0;
  for (const auto& t : traces) k += !t.empty() && t.back().status == RunStatus::diverged;
  return k;
}

plots::Curve SeedRuns::curve(std::string_view x, std::string_view y) const {
  return plots::aggregate_seeds(config.label, traces, x, y);
}

double SeedRuns::stepsize() const {
  if (meta.empty() || !meta[0].contains("method_info")) return NAN;
  return meta[0]["method_info"].value("stepsize", NAN);
}

SeedRuns run_seeds(const Context& ctx, const Config& config, const Budget& budget) {
  SeedRuns out;
  out.config = config;
  const Objective& problem = problem_for(ctx, config);
  for (std::uint64_t seed : ctx.seeds) {
    JobSpec job;
    job.method = config.method;
    job.compressor = config.compressor;
    job.seed = seed;
    job.stop = budget.stop;
    job.grid = budget.grid;
    job.overwrite = true;  // a reproduction reruns its own runs
    job.out = (ctx.dir / "runs" / fmt::format("{}-s{}.csv", slug(config.label), seed)).string();
    job.overwrite = true;  // a reproduction always reruns
    job.extra_meta["command"] = "reproduce";
    job.extra_meta["split"] = config.split;
    JobResult r = run_job(problem, job);
    out.traces.push_back(std::move(r.rows));
    out.meta.push_back(std::move(r.meta));
  }
  return out;
}

Tuned tune_step(const Context& ctx, const Config& config, const std::vector<std::string>& steps, const Budget& budget,
                bool require_descent) {
  return tune_step_on(ctx, config, steps, budget, "grad_norm_sq", require_descent);
}

Tuned tune_step_on(const Context& ctx, const Config& config, const std::vector<std::string>& steps,
                   const Budget& budget, std::string_view score_column, bool require_descent) {
  Tuned t;
  double best = INFINITY;
  std::size_t best_i = 0;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    Config c = config;
    c.method = Spec::parse(config.method, "method").with("stepsize", steps[i]).str();
    c.label = fmt::format("{} γ={}", config.label, steps[i]);
    SeedRuns runs = run_seeds(ctx, c, budget);
    double score = 0;
    for (const auto& tr : runs.traces) {
      score += papers_score(tr, score_column) / static_cast<double>(runs.traces.size());
      if (require_descent && !tr.empty() && !(tr.back().loss <= tr.front().loss)) score = INFINITY;
    }
    t.scores.emplace_back(steps[i], score);
    if (score < best || t.best.traces.empty()) {
      best = score;
      best_i = i;
      t.best = std::move(runs);
      t.best.config.label = config.label;
    }
  }
  t.best_step = steps[best_i];
  t.at_edge = steps.size() > 1 && (best_i == 0 || best_i + 1 == steps.size());
  return t;
}

std::string cell(const Spread& s) {
  return median_range(s.median, s.min, s.max, s.present, s.present + s.missing);
}

double majority_median(const Spread& s) { return s.present > s.missing ? s.median : INFINITY; }

std::vector<std::string> reach_header(std::string_view x, std::string_view y, const std::vector<double>& targets) {
  std::vector<std::string> h = {"configuration", "step γ"};
  for (double t : targets) h.push_back(fmt::format("{} to {} ≤ {:g}", x, y, t));
  h.push_back(fmt::format("last {}", y));
  h.push_back("last loss");
  return h;
}

std::vector<std::string> reach_row(const SeedRuns& runs, const std::string& step, bool at_edge, std::string_view x,
                                   std::string_view y, const std::vector<double>& targets) {
  std::vector<std::string> row = {runs.config.label,
                                  fmt::format("{} (= {:.4g}){}", step, runs.stepsize(), at_edge ? " ⚠ at grid edge" : "")};
  for (double t : targets) row.push_back(cell(runs.reach(x, y, t)));
  row.push_back(num(runs.last(y).median));
  row.push_back(num(runs.last("loss").median));
  if (runs.diverged() > 0) row[0] += fmt::format(" ({} diverged)", runs.diverged());
  return row;
}

plots::Figure curves_figure(const std::string& title, const std::vector<const SeedRuns*>& runs, std::string_view x,
                            std::string_view y) {
  plots::Figure f;
  f.title = title;
  f.xlabel = x == "bits_up_max" ? "bits per worker (max over workers, cumulative)"
             : x == "bits_up"   ? "bits per worker (mean over workers, cumulative)"
                                : std::string(x);
  f.ylabel = y == "grad_norm_sq" ? "||grad f(x)||^2" : std::string(y);
  for (const SeedRuns* r : runs) f.curves.push_back(r->curve(x, y));
  return f;
}

Context first_seed(const Context& ctx) {
  Context c = ctx;
  c.seeds.resize(std::min<std::size_t>(c.seeds.size(), 1));
  return c;
}

std::vector<std::string> absolute_grid(int lo, int hi) {
  std::vector<std::string> g;
  for (int i = lo; i < hi; ++i) g.push_back(fmt::format("{:.17g}", std::ldexp(1.0, i)));
  return g;
}

std::vector<std::string> theory_grid(int lo, int hi) {
  std::vector<std::string> g;
  for (int i = lo; i < hi; ++i) g.push_back(i == 0 ? "theory" : fmt::format("theory*{:.17g}", std::ldexp(1.0, i)));
  return g;
}

}  // namespace commopt::reproduce
