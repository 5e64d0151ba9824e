#include "gnuplot_text.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace commopt::plots {

namespace {

// A colour per measured curve, in order (the "category10" palette); a theory curve takes the colour
// of the measured curve whose label starts with the text before its ": " (e.g. "dasha randk[k=10]: bound"
// takes the colour of "dasha randk[k=10] (3 seeds)"), else grey.
const char* const kColours[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"};
constexpr std::size_t kNumColours = sizeof(kColours) / sizeof(kColours[0]);

std::string one_line(std::string_view text) {
  std::string s(text);
  for (char& c : s)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return s;
}

bool has_band(const Curve& c) {
  if (c.theory || c.y_low.empty()) return false;
  for (std::size_t i = 0; i < c.y_low.size(); ++i)
    if (c.y_low[i] != c.y_high[i]) return true;
  return false;
}

std::string colour_of(const Figure& fig, std::size_t index) {
  std::size_t measured = 0;
  for (std::size_t i = 0; i < fig.curves.size(); ++i) {
    if (fig.curves[i].theory) continue;
    if (i == index) return kColours[measured % kNumColours];
    ++measured;
  }
  const std::string& label = fig.curves[index].label;
  const std::string owner = label.substr(0, label.find(": "));
  measured = 0;
  for (const auto& c : fig.curves) {
    if (c.theory) continue;
    const bool match = c.label.rfind(owner, 0) == 0 &&
                       (c.label.size() == owner.size() || c.label[owner.size()] == ' ' || c.label[owner.size()] == ',');
    if (!owner.empty() && match) return kColours[measured % kNumColours];
    ++measured;
  }
  return "#404040";
}

std::string number(double v) { return fmt::format("{:.17g}", v); }

}  // namespace

std::string gnuplot_quote(std::string_view text) {
  std::string out = "'";
  for (char c : one_line(text)) {
    if (c == '\'') out += "''";
    else out += c;
  }
  out += "'";
  return out;
}

std::string data_text(const Figure& fig) {
  std::string s = fmt::format("# commopt figure data: {} curve(s); per curve one gnuplot index (two blank lines "
                              "apart)\n# columns: x y y_low y_high   (x: {}; y: {}; y: median over seeds, "
                              "y_low/y_high: min/max over seeds)\n",
                              fig.curves.size(), one_line(fig.xlabel), one_line(fig.ylabel));
  for (std::size_t i = 0; i < fig.curves.size(); ++i) {
    const Curve& c = fig.curves[i];
    if (i) s += "\n\n";
    s += fmt::format("# curve {}: {}{}\n", i, one_line(c.label), c.theory ? " (theory: a bound)" : "");
    const bool band = !c.y_low.empty();
    for (std::size_t k = 0; k < c.x.size(); ++k) {
      const double lo = band ? c.y_low[k] : c.y[k], hi = band ? c.y_high[k] : c.y[k];
      s += fmt::format("{} {} {} {}\n", number(c.x[k]), number(c.y[k]), number(lo), number(hi));
    }
  }
  return s;
}

std::string script_text(const Figure& fig, Terminal term, const std::string& dat_name,
                        const std::string& image_name) {
  std::string s = fmt::format(
      "# commopt figure: `gnuplot {0}` in this directory re-renders {1} from {2}\n"
      "# ({2}: one index per curve, columns x, y = median over seeds, y_low, y_high = min and max).\n"
      "# Text is shown literally (noenhanced): no subscripts from '_' or '^'.\n"
      "set encoding utf8\n",
      std::filesystem::path(dat_name).replace_extension(".gp").string(), image_name, dat_name);
  if (term == Terminal::png)
    s += fmt::format("set terminal pngcairo size {},{} noenhanced font 'sans,10' background '#ffffff'\n", fig.width,
                     fig.height);
  else
    s += fmt::format("set terminal svg size {},{} noenhanced font 'sans,10' background '#ffffff'\n", fig.width,
                     fig.height);
  s += "set termoption noenhanced\n";
  s += fmt::format("if (!exists(\"out_file\")) out_file = {}\n", gnuplot_quote(image_name));
  s += "set output out_file\n";
  if (!fig.title.empty()) s += fmt::format("set title {} noenhanced\n", gnuplot_quote(fig.title));
  s += fmt::format("set xlabel {} noenhanced\n", gnuplot_quote(fig.xlabel));
  s += fmt::format("set ylabel {} noenhanced\n", gnuplot_quote(fig.ylabel));
  s += fig.logx ? "set logscale x\nset format x '%.0e'\n" : "unset logscale x\n";
  s += fig.logy ? "set logscale y\nset format y '%.0e'\n" : "unset logscale y\n";
  s += "set grid\nset key inside top right opaque box noenhanced\n";
  s += "set style fill transparent solid 0.2 noborder\n";
  std::vector<std::string> items;
  const std::string dat = gnuplot_quote(dat_name);
  for (std::size_t i = 0; i < fig.curves.size(); ++i) {
    const Curve& c = fig.curves[i];
    if (c.x.empty()) continue;  // an index without points would stop gnuplot; the .dat keeps its header
    const std::string colour = colour_of(fig, i);
    if (has_band(c))
      items.push_back(fmt::format("{} index {} using 1:3:4 with filledcurves lc rgb '{}' notitle", dat, i, colour));
    items.push_back(fmt::format("{} index {} using 1:2 with lines lw {} dt {} lc rgb '{}' title {} noenhanced", dat, i,
                                c.theory ? 1.5 : 2, c.theory ? 2 : 1, colour, gnuplot_quote(c.label)));
  }
  s += "plot ";
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (k) s += ", \\\n     ";
    s += items[k];
  }
  s += "\nset output\n";
  return s;
}

}  // namespace commopt::plots
