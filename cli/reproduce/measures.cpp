#include "cli/reproduce/measures.hpp"

#include <fmt/format.h>

#include "cli/reproduce/report.hpp"
#include "core/spec.hpp"

namespace commopt::reproduce {

PerSeed per_seed(const SeedRuns& runs, const TraceMeasure& f) {
  PerSeed out;
  for (const auto& t : runs.traces) out.push_back(f(t));
  return out;
}

PerSeed ratio(const PerSeed& a, const PerSeed& b) {
  PerSeed out;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
    out.push_back(a[i] && b[i] && *b[i] > 0 ? std::optional<double>(*a[i] / *b[i]) : std::nullopt);
  return out;
}

std::string cell(const PerSeed& v) {
  const Spread s = spread(v);
  return median_range(s.median, s.min, s.max, s.present, s.present + s.missing);
}

SeedRuns run_instances(const Context& ctx, const Config& config, const Budget& budget) {
  SeedRuns out;
  out.config = config;
  for (std::uint64_t seed : ctx.seeds) {
    Context one = ctx;
    one.seeds = {seed};
    Config c = config;
    c.problem = Spec::parse(config.problem, "problem").with("seed", std::to_string(seed)).str();
    SeedRuns r = run_seeds(one, c, budget);
    out.traces.push_back(std::move(r.traces.at(0)));
    out.meta.push_back(std::move(r.meta.at(0)));
  }
  return out;
}

plots::Curve uploads_curve(const SeedRuns& runs, std::string_view y) {
  // aggregate_seeds reads named columns: carry each row's cumulative uploads in `round`, a copy.
  std::vector<std::vector<TraceRow>> relabelled;
  for (const auto& t : runs.traces) {
    const auto uploads = cumulative_uploads(t);
    auto copy = t;
    for (std::size_t i = 0; i < copy.size(); ++i) copy[i].round = static_cast<long long>(uploads[i]);
    relabelled.push_back(std::move(copy));
  }
  return plots::aggregate_seeds(runs.config.label, relabelled, "round", y);
}

std::optional<double> med(const PerSeed& v) {
  const Spread s = spread(v);
  return s.present > 0 && s.missing == 0 ? std::optional(s.median) : std::nullopt;
}

}  // namespace commopt::reproduce
