#include "cli/plot_theory.hpp"

#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "compress/compressor.hpp"
#include "core/spec.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "theory/cards.hpp"
#include "theory/fstar.hpp"

namespace commopt::cli {

namespace {

// Problems are built once per process (data read and split once, f* solved or read from its cache).
Objective& problem_for(const PlotRun& r, const std::string& data_dir) {
  static std::map<std::string, std::unique_ptr<Objective>> cache;
  const std::string key = fmt::format("{}|{}|{}|{}", r.id.problem, r.id.workers, r.id.split, data_dir);
  auto& slot = cache[key];
  if (!slot) {
    ProblemOptions o;
    if (!r.id.split.empty()) o.split = r.id.split;
    o.seed = r.meta.value("seed", std::uint64_t{0});
    o.data_dir = data_dir;
    slot = make_problem(Spec::parse(r.id.problem, "the run's problem"), std::stoi(r.id.workers), o);
    if (slot->convex()) (void)ensure_f_star(*slot);
  }
  return *slot;
}

}  // namespace

std::optional<plots::Curve> theory_curve(const PlotGroup& group, const std::string& x, const std::string& y,
                                         const std::string& data_dir, std::string& why) {
  const PlotRun& first = group.runs.front();
  if (y != "grad_norm_sq" && y != "gap") {
    why = fmt::format("no theorem bound on {} (cards bound the mean of grad_norm_sq, and gap by a linear rate)", y);
    return std::nullopt;
  }
  if (first.meta.is_null() || !first.meta.contains("method_info") || first.id.workers.empty()) {
    why = "no metadata (method, problem, step) beside the trace to evaluate a card with";
    return std::nullopt;
  }
  const std::string method = Spec::parse(first.meta["method"].get<std::string>(), "the run's method").name();
  const TheoremCard* card = find_card(method);
  if (!card) {
    why = fmt::format("{} has no theorem card", method);
    return std::nullopt;
  }
  if (!card->certified) {
    why = fmt::format("{}'s card is not certified ({}); no bound drawn", method, card->notes);
    return std::nullopt;
  }
  if (y == "grad_norm_sq" && !card->avg_grad_sq_bound) {
    why = fmt::format("{}'s card ({}) gives no evaluable bound on the mean of grad_norm_sq", method, card->theorem);
    return std::nullopt;
  }
  if (y == "gap" && !card->linear_rate) {
    why = fmt::format("{}'s card ({}) gives no linear rate for the gap", method, card->theorem);
    return std::nullopt;
  }
  const nlohmann::json& info = first.meta["method_info"];
  // The cards' bounds hold at steps up to the theory step (check runs them there): a run at a larger
  // step (a sweep's grid, theory*4) gets no bound rather than one its theorem does not give.
  const double gamma = info.value("stepsize", 0.0), gamma_theory = info.value("stepsize_theory", 0.0);
  if (!(gamma_theory > 0)) {
    why = fmt::format("the run's method_info records no theory step for {}; no bound drawn", method);
    return std::nullopt;
  }
  if (gamma > gamma_theory * (1 + 1e-12)) {
    why = fmt::format("the run's step {:.4g} is {:.3g}x the theory step {:.4g}; {}'s card bounds runs at steps up to "
                      "the theory step (rerun with stepsize=theory to compare)",
                      gamma, gamma / gamma_theory, gamma_theory, method);
    return std::nullopt;
  }
  Objective& problem = problem_for(first, data_dir);
  const int value_bits = first.meta.value("value_bits", 32);
  const CompressorConstants cc =
      make_compressor(Spec::parse(first.id.compressor.empty() ? "identity" : first.id.compressor, "the run's compressor"),
                      problem.dim(), value_bits, {0, problem.workers(), block_sizes(problem)})
          ->constants();
  const CardInputs in{&problem.constants(), cc, problem.workers(), gamma, &info};
  std::optional<double> rho;
  if (y == "gap") {
    rho = card->linear_rate(in);
    if (!rho) {
      why = fmt::format("{}'s linear rate does not apply here (needs mu > 0 and its step rule; mu = {:.3g})", method,
                        problem.constants().mu);
      return std::nullopt;
    }
  }
  // Each seed's bound as a trace whose `loss` column holds the bound at the row's round, so that the
  // median over seeds at each x is the same step-function rule as the measured curve's.
  std::vector<std::vector<TraceRow>> bounds;
  for (const auto& r : group.runs) {
    if (r.rows.empty()) continue;
    const TraceRow& r0 = r.rows.front();
    const double phi0 = r0.lyapunov ? *r0.lyapunov : r0.loss - problem.constants().f_star.value_or(0.0);
    std::vector<TraceRow> b;
    for (const TraceRow& row : r.rows) {
      std::optional<double> v;
      if (y == "gap") {
        if (r0.gap) v = std::pow(*rho, static_cast<double>(row.round)) * *r0.gap;
      } else if (row.round >= 1) {
        v = card->avg_grad_sq_bound(in, phi0, row.round);
      }
      if (!v) continue;
      TraceRow t = row;
      t.loss = *v;
      b.push_back(t);
    }
    bounds.push_back(std::move(b));
  }
  plots::Curve c = plots::aggregate_seeds(
      fmt::format("{}: bound on {}{}", group.label, y == "gap" ? "f(x^T) - f*" : "mean_{t<T} ‖∇f(x^t)‖²",
                  binding(card->provenance) ? "" : " (recalled, not binding)"),
      bounds, x, "loss");
  why = fmt::format("{} card, {} [{}]: {}", method, card->theorem, provenance_name(card->provenance), card->bound);
  c.y_low.clear();
  c.y_high.clear();
  c.theory = true;
  if (c.x.empty()) {
    why = fmt::format("{}'s card gives no bound at the logged rounds", method);
    return std::nullopt;
  }
  return c;
}

}  // namespace commopt::cli
