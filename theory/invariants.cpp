// Exact state invariants on every round of simulated runs of the shipped code (theory/invariants.hpp).
#include "theory/invariants.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "net/network.hpp"
#include "theory/exact_setup.hpp"

namespace commopt {

namespace {

// A copy of `view` whose vectors (all but "x", or only "x") are moved by `delta` in their first
// coordinate (Move::none: an unmoved copy); `store` owns the copies (reserved by the caller, so
// the views' pointers stay valid).
enum class Move { none, all_but_x, only_x };
StateView copied(const StateView& view, Move which, double delta, std::vector<Vec>& store) {
  StateView out;
  for (int k = 0; k < view.vectors(); ++k) {
    const bool is_x = std::string_view(view.vector_name(k)) == "x";
    store.push_back(view.vector(k));
    if (which != Move::none && (which == Move::only_x) == is_x && store.back().size() > 0) store.back()[0] += delta;
    out.add(view.vector_name(k), store.back());
  }
  for (int k = 0; k < view.scalars(); ++k) out.add_scalar(view.scalar_name(k), view.scalar(k));
  return out;
}

// An owned copy of every party's view after one round (the power rows' state).
struct Snapshot {
  std::vector<Vec> store;
  StateView server;
  std::vector<StateView> workers;
  int round = -1;
  void take(const StateView& s, const std::vector<StateView>& w, int t) {
    store.clear();
    store.reserve(static_cast<std::size_t>(StateView::kCapacity) * (w.size() + 1));
    server = copied(s, Move::none, 0, store);
    workers.clear();
    for (const auto& v : w) workers.push_back(copied(v, Move::none, 0, store));
    round = t;
  }
};

}  // namespace

InvariantRun run_invariants(const Objective& problem, const MethodEntry& entry, const std::string& method,
                            const std::string& compressor, long long rounds, std::uint64_t seed) {
  const MethodSetup setup = exact_setup(problem, method, compressor, seed);
  MethodInstance inst = make_method(setup);
  SimNetwork net(problem, inst, seed);
  const std::size_t k_inv = entry.invariants.size();
  const int n = problem.workers();
  InvariantRun out;
  out.worst.assign(k_inv, 0.0);
  out.worst_round.assign(k_inv, 0);
  out.applied.assign(k_inv, 0);
  out.power.assign(k_inv, 0.0);
  std::vector<double> scale(k_inv, 0.0);
  std::vector<Snapshot> last(k_inv);  // each invariant's last state where it applied
  StateView server;
  std::vector<StateView> workers(static_cast<std::size_t>(n));
  auto input = [&](const StateView& s, std::span<const StateView> w, int t) {
    return InvariantInput{&problem, t, &s, w};
  };
  for (long long t = 0; t <= rounds; ++t) {
    net.run_round(static_cast<int>(t));
    expose_state(inst, server, workers);
    for (std::size_t k = 0; k < k_inv; ++k) {
      const Residual r = entry.invariants[k].residual(input(server, workers, static_cast<int>(t)));
      if (!r.applies) continue;
      ++out.applied[k];
      last[k].take(server, workers, static_cast<int>(t));
      scale[k] = std::max(scale[k], r.scale);
      const double rel = r.abs / std::max(scale[k], 1e-300);
      if (!(rel <= out.worst[k])) out.worst[k] = rel, out.worst_round[k] = t;  // NaN counts as worst
    }
  }
  // Power: the last state where the invariant applied, with worker 0's vectors but x, the server's
  // vectors but x, or worker 0's x moved by 1e-6 × the invariant's scale; the largest relative
  // residual of the three.
  for (std::size_t k = 0; k < k_inv; ++k) {
    const Snapshot& snap = last[k];
    if (snap.round < 0) continue;
    const double delta = 1e-6 * std::max(scale[k], 1e-300);
    for (int variant = 0; variant < 3; ++variant) {
      std::vector<Vec> store;
      store.reserve(2 * StateView::kCapacity);
      const StateView s = variant == 1 ? copied(snap.server, Move::all_but_x, delta, store) : snap.server;
      std::vector<StateView> w = snap.workers;
      if (variant != 1) w[0] = copied(snap.workers[0], variant == 0 ? Move::all_but_x : Move::only_x, delta, store);
      const Residual r = entry.invariants[k].residual(input(s, w, snap.round));
      if (r.applies) out.power[k] = std::max(out.power[k], r.abs / std::max(scale[k], 1e-300));
    }
  }
  return out;
}

std::vector<CheckRow> invariant_rows(const Objective& problem, const std::string& method,
                                     const std::string& compressor, const RunCheckOptions& opts) {
  const MethodEntry& entry = find_method(Spec::parse(method, "--method").name());
  if (entry.invariants.empty()) return {};
  const std::string label = entry.uses_compressor ? fmt::format("{} + {}", method, compressor) : method;
  // Seed first_seed; a second seed tells whether the run draws anything (its model differs), and
  // then every seed the run checks use is run too.
  std::vector<InvariantRun> runs;
  runs.push_back(run_invariants(problem, entry, method, compressor, opts.rounds, opts.first_seed));
  int seeds = 1;
  if (opts.seeds > 1) {
    runs.push_back(run_invariants(problem, entry, method, compressor, opts.rounds, opts.first_seed + 1));
    seeds = 2;
    const bool random = runs[0].worst != runs[1].worst || runs[0].power != runs[1].power;
    if (random)
      for (; seeds < opts.seeds; ++seeds)
        runs.push_back(run_invariants(problem, entry, method, compressor, opts.rounds,
                                      opts.first_seed + static_cast<std::uint64_t>(seeds)));
  }
  std::vector<CheckRow> rows;
  for (std::size_t k = 0; k < entry.invariants.size(); ++k) {
    const Invariant& inv = entry.invariants[k];
    double worst = 0, power = INFINITY;
    long long at = 0, applied = 0;
    for (const InvariantRun& r : runs) {
      if (!(r.worst[k] <= worst)) worst = r.worst[k], at = r.worst_round[k];
      power = std::min(power, r.power[k]);
      applied += r.applied[k];
    }
    CheckRow row{"invariant:" + inv.name, label, problem.name(), worst, kInvariantTolerance, "", "derived", ""};
    const bool holds = worst <= kInvariantTolerance && applied > 0;
    row.verdict = holds ? "pass" : "FAIL";
    row.note = fmt::format("exact state invariant of the shipped code, {}: max relative residual {:.3g} (round {}) "
                           "over {} evaluated rounds of {} seed(s) x {} rounds, value_bits=64{}",
                           inv.claim, worst, at, applied, runs.size(), opts.rounds,
                           applied == 0 ? "; it never applied (FAIL: nothing was checked)" : "");
    rows.push_back(row);
    CheckRow pw = row;
    pw.id += "-power";
    pw.measured = power;
    pw.bound = 1e-9;
    pw.verdict = power > 1e-9 ? "pass" : "FAIL";
    pw.note = fmt::format("the invariant must see a 1e-6 relative move of one party's state (worker 0's vectors, the "
                          "server's vectors, or worker 0's x) on the last state: smallest over seeds of the largest "
                          "residual {:.3g} > 1e-9",
                          power);
    rows.push_back(pw);
  }
  return rows;
}

}  // namespace commopt
