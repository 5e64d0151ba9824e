// `commopt plot RUNS...`: one curve per configuration (median over seeds with a min–max band) of a
// trace column against another, rendered by plots/ into PNG or SVG with the .dat and .gp beside it;
// `--theory` adds the bound of each method's theorem card (cli/plot_theory.hpp).
#include <algorithm>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/plot_inputs.hpp"
#include "cli/plot_theory.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "plots/figure.hpp"
#include "run/compare.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

namespace {

// Axis text with units; any other numeric column is labelled by its name.
std::string axis_label(const std::string& column) {
  if (column == "bits_up_max") return "bits sent by the busiest worker (uplink)";
  if (column == "bits_up") return "bits sent per worker (uplink, mean over workers)";
  if (column == "bits_down") return "bits received per worker (downlink)";
  if (column == "round") return "rounds";
  if (column == "grad_evals") return "sample gradients per worker";
  if (column == "seconds") return "method time (s)";
  if (column == "participants") return "participating workers";
  if (column == "loss") return "f(x)";
  if (column == "grad_norm_sq") return "‖∇f(x)‖²";
  if (column == "gap") return "f(x) − f*";
  if (column == "lyapunov") return "potential Φ (the card's Lyapunov function)";
  if (column == "accuracy") return "accuracy";
  return column;
}

// `rounds` (the option's word) is the trace's `round` column.
std::string column_name(const std::string& option, const std::string& what) {
  const std::string c = option == "rounds" ? "round" : option;
  require_column(c, what);
  return c;
}

}  // namespace

int cmd_plot(const std::vector<std::string>& args) {
  std::vector<std::string> inputs;
  std::string x_opt, y_opt, out, title, band, data_dir;
  int width = 900, height = 600;
  bool logx = false, linear_y = false, theory = false, best_step = false, all_steps = false;
  po::options_description desc("commopt plot options");
  desc.add_options()
      ("help,h", "this help")
      ("runs", po::value(&inputs)->multitoken(), "trace .csv files, directories of traces, or a sweep's results (runs.csv); required, also the arguments")
      ("x", po::value(&x_opt)->default_value("bits_up_max"), "x column: bits_up_max, bits_up, rounds, grad_evals, seconds, ... (any numeric trace column)")
      ("y", po::value(&y_opt)->default_value("grad_norm_sq"), "y column: grad_norm_sq, gap, loss, accuracy, lyapunov, ...")
      ("out,o", po::value(&out), "figure file, .png or .svg (default <y>-vs-<x>.png); .dat and .gp are written beside it")
      ("title", po::value(&title), "figure title (default: what the curves share, e.g. the problem)")
      ("logx", po::bool_switch(&logx), "logarithmic x axis")
      ("linear-y", po::bool_switch(&linear_y), "linear y axis (default logarithmic)")
      ("band", po::value(&band)->default_value("minmax"), "band around the median over seeds: minmax or none")
      ("width", po::value(&width)->default_value(900), "width in pixels")
      ("height", po::value(&height)->default_value(600), "height in pixels")
      ("theory", po::bool_switch(&theory), "overlay each method's theorem bound (dashed) where its card states one")
      ("best-step", po::bool_switch(&best_step), "of configurations differing only in step size keep the best (the sweep index's `best`, else the papers' rule as sweep); the default for a sweep's results")
      ("all-steps", po::bool_switch(&all_steps), "a sweep's results: every step size of the grid, not only the best")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets, for --theory (default: only the search path)");
  OutputFlags out_flags;
  add_output_options(desc, out_flags, /*with_json=*/false);  // -q: no text; -v accepted
  po::positional_options_description pos;
  pos.add("runs", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "plot")).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt plot RUNS... [--x COLUMN] [--y COLUMN] [--out fig.png|fig.svg] [--theory]\n\n" << desc
              << "\nOne curve per configuration (runs differing only in seed): the median over seeds, a min-max band.\n"
                 "Re-render or edit: cd <dir> && gnuplot <fig>.gp\n";
    return 0;
  }
  po::notify(vm);
  CommandOutput output(out_flags);
  const std::string x = column_name(x_opt, "--x"), y = column_name(y_opt, "--y");
  if (band != "minmax" && band != "none") throw UsageError("--band " + band + ": use minmax or none");
  if (width < 100 || height < 100 || width > 10000 || height > 10000)
    throw UsageError(fmt::format("--width {} --height {}: use 100 to 10000 pixels", width, height));
  if (!vm.count("out")) out = fmt::format("{}-vs-{}.png", y, x);

  std::vector<std::string> notes;
  auto runs = read_plot_inputs(inputs, notes);
  for (const auto& r : runs) {
    bool has_x = false, has_y = false;
    for (const auto& row : r.rows) has_x = has_x || column_value(row, x), has_y = has_y || column_value(row, y);
    if (!has_y || !has_x)
      throw UsageError(fmt::format("{}: the trace has no {} values{}; choose another --{}", r.trace.string(),
                                   has_y ? x : y,
                                   (has_y ? x : y) == "gap" ? " (f* unknown for its problem)" : "", has_y ? "x" : "y"));
  }
  // A sweep's results (an index with its `best` column) show each configuration at its best step.
  if (best_step && all_steps) throw UsageError("--best-step and --all-steps exclude each other; choose one");
  if (!best_step && !all_steps && std::any_of(runs.begin(), runs.end(), [](const auto& r) { return r.index_best; })) {
    best_step = true;
    notes.push_back("a sweep's results: each configuration at the step the sweep chose (best = 1); --all-steps for every step");
  }
  std::string shared;
  auto groups = group_runs(std::move(runs), best_step, shared);

  plots::Figure fig;
  fig.title = vm.count("title") ? title : shared;
  fig.xlabel = axis_label(x);
  fig.ylabel = axis_label(y);
  fig.logx = logx;
  fig.logy = !linear_y;
  fig.width = width;
  fig.height = height;
  for (const auto& g : groups) {
    std::vector<std::vector<TraceRow>> seeds;
    for (const auto& r : g.runs) seeds.push_back(r.rows);
    plots::Curve c = plots::aggregate_seeds(fmt::format("{} ({} seed{})", g.label, seeds.size(), seeds.size() == 1 ? "" : "s"),
                                            seeds, x, y);
    if (band == "none") c.y_low.clear(), c.y_high.clear();
    if (c.x.empty()) notes.push_back(fmt::format("{}: its seeds share no range of {}; no curve", g.label, x));
    fig.curves.push_back(std::move(c));
  }
  if (theory) {
    for (const auto& g : groups) {
      std::string why;
      if (auto c = theory_curve(g, x, y, data_dir, why)) {
        fmt::print("theory: {} (dashed): {}\n", g.label, why);
        fig.curves.push_back(std::move(*c));
      } else {
        fmt::print("theory: {}: no bound drawn: {}\n", g.label, why);
      }
    }
    const bool drawn = std::any_of(fig.curves.begin(), fig.curves.end(), [](const auto& c) { return c.theory; });
    if (drawn && y == "grad_norm_sq")
      fmt::print("theory: the dashed bounds are on the mean over t<T of ‖∇f(x^t)‖² (so on its minimum too), drawn at "
                 "the x of round T; single rounds may lie above them\n");
  }
  // A log axis draws only positive values: say which curves lose points, refuse a figure with none.
  const auto positive = [&](bool on_y) {
    bool any = false;
    for (const auto& c : fig.curves) {
      const auto& v = on_y ? c.y : c.x;
      any = any || std::any_of(v.begin(), v.end(), [](double a) { return a > 0; });
      if (std::any_of(v.begin(), v.end(), [](double a) { return a <= 0; }) && on_y)
        notes.push_back(fmt::format("{}: values <= 0 are not drawn on the log y axis (use --linear-y)", c.label));
    }
    return any;
  };
  if (fig.logy && !positive(true))
    throw UsageError(fmt::format("--y {}: no positive value to draw on a log axis; add --linear-y", y));
  if (fig.logx && !positive(false))
    throw UsageError(fmt::format("--x {}: no positive value to draw on a log axis; drop --logx", x));
  for (const auto& n : notes) fmt::print(stderr, "note: {}\n", n);
  if (groups.size() > 10 && !best_step)
    fmt::print(stderr, "note: {} curves; --best-step keeps each configuration's best step size\n", groups.size());
  const plots::RenderResult r = plots::render(fig, out);
  std::size_t nruns = 0;
  for (const auto& g : groups) nruns += g.runs.size();
  fmt::print("{} curve(s) from {} run(s); data: {}  script: {}\n", groups.size(), nruns, r.dat.string(), r.gp.string());
  if (!r.rendered) {
    fmt::print(stderr, "figure not rendered: {}\n", r.message);
    return r.message.rfind("gnuplot not found", 0) == 0 ? 0 : 1;
  }
  fmt::print("figure: {}\n", r.image.string());
  return 0;
}

}  // namespace commopt::cli
