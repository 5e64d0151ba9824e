// Placeholder until the plots library lands (branch `plot`): renders nothing and says so.
#include "figure.hpp"

namespace commopt::plots {

RenderResult render(const Figure&, const std::filesystem::path&) {
  RenderResult r;
  r.message = "figures are not built in this revision";
  return r;
}

Curve aggregate_seeds(std::string label, const std::vector<std::vector<TraceRow>>& seeds, std::string_view,
                      std::string_view) {
  Curve c;
  c.label = std::move(label);
  (void)seeds;
  return c;
}

}  // namespace commopt::plots
