// A figure as data — curves on named axes, each the median over seeds with a band — rendered by
// gnuplot (through gnuplot-iostream) into PNG (pngcairo) or SVG, with the .dat and .gp written beside
// the image so that `gnuplot fig.gp` alone re-renders it. plots/ sits on lib/ (traces) only.
// (Interface fixed first so that `plot` and `reproduce` could be written side by side.)
#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "trace/trace.hpp"

namespace commopt::plots {

struct Curve {
  std::string label;                  // legend text, shown literally (no enhanced-text markup)
  std::vector<double> x, y;           // y: the median over seeds at each x
  std::vector<double> y_low, y_high;  // the band (min–max over seeds); empty: no band
  bool theory = false;                // a theorem's bound: drawn dashed, no band
};

struct Figure {
  std::string title, xlabel, ylabel;  // literal text (escaped for gnuplot)
  bool logx = false, logy = true;
  int width = 900, height = 600;      // pixels
  std::vector<Curve> curves;
};

struct RenderResult {
  std::filesystem::path image, dat, gp;  // image: empty when it could not be rendered
  bool rendered = false;
  std::string message;                   // why it was not rendered (e.g. gnuplot missing), else empty
};

// `out` is fig.png or fig.svg (the extension picks the terminal; UsageError otherwise). Writes
// fig.dat and fig.gp beside it, then renders with gnuplot; without gnuplot the .dat/.gp stay and
// `message` says how to render them.
RenderResult render(const Figure& fig, const std::filesystem::path& out);

// One configuration's seeds as one curve: each seed's trace is read as y against x (a step function
// between logged rows); on the union of the seeds' x values within the range all seeds cover, y is
// the median over seeds and the band their min and max. Rows without a y value are skipped.
Curve aggregate_seeds(std::string label, const std::vector<std::vector<TraceRow>>& seeds, std::string_view x,
                      std::string_view y);

}  // namespace commopt::plots
