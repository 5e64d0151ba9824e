// `commopt plot --theory`: the bound a method's theorem card states for the plotted quantity, drawn
// against the same x as the measured curve. The card is the one `commopt check` tests
// (theory/cards.hpp; lib/methods/theorem.hpp), evaluated with the run's own step, method_info and
// the problem's constants, exactly as check's run rows do:
//   --y grad_norm_sq: card.avg_grad_sq_bound(Φ^0, T) bounds (1/T) Σ_{t<T} ‖∇f(x^t)‖², hence also
//                     min_{t<T} ‖∇f(x^t)‖²; Φ^0 = the run's potential at round 0 (its lyapunov
//                     column), else f(x^0) − f* (f* = 0 when unknown, as check does);
//   --y gap:          card.linear_rate ρ gives f(x^T) − f* ≤ ρ^T (f(x^0) − f*).
// The bound at T is drawn at the x of the run's row of round T (median over seeds, no band). Only
// runs at steps up to the theory step (method_info.stepsize_theory) get a bound: the cards' theorems
// hold there; a run at a larger step gets a line saying so.
#pragma once
#include <string>
#include <vector>

#include "cli/plot_inputs.hpp"
#include "plots/figure.hpp"

namespace commopt::cli {

// The bound curve of `group` for y against x (`why`: the card and its statement), or nullopt with `why`
// (one line) saying why there is none, when its card gives
// none for y (or the runs lack what it needs).
std::optional<plots::Curve> theory_curve(const PlotGroup& group, const std::string& x, const std::string& y,
                                         const std::string& data_dir, std::string& why);

}  // namespace commopt::cli
