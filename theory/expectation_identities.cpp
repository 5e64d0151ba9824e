// Exact expectation identities of the shipped code (theory/expectation_identities.hpp).
#include "theory/expectation_identities.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "methods/method.hpp"
#include "net/network.hpp"
#include "net/worker_pool.hpp"
#include "theory/exact_setup.hpp"
#include "theory/outcome_enumerator.hpp"
#include "theory/tiny_problem.hpp"

namespace commopt {

namespace {

constexpr int kD = 3, kN = 3, kM = 2;  // RandK K = 1: omega = d/K − 1 = 2

enum class Family { dasha, dasha_sync, marina, diana, frecon };

// One identity. The parameters are derived BY HAND from the papers' formulas for d = 3, n = 3,
// m = 2, omega = 2 (not read from the code): `param` is the one the power row doubles.
struct Case {
  const char* method;
  const char* spec;
  const char* compressor;
  Family family;
  double a = 0;  // DASHA momentum a; DIANA alpha; FRECON lambda
  double b = 0;  // DASHA b (the h-momentum in expectation); SYNC / MARINA coin p
  const char* derivation;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> table = {
      {"dasha", "dasha", "randk[k=1]", Family::dasha, 1.0 / 5, 1, "a = 1/(2w+1) = 1/5; h_i = grad f_i (b = 1)"},
      {"dasha_page", "dasha_page[batch=1]", "randk[k=1]", Family::dasha, 1.0 / 5, 1.0 / 3,
       "a = 1/5; PAGE coin p = B/(B+m) = 1/3, so E h^+ mixes with b = p = 1/3"},
      {"dasha_mvr", "dasha_mvr[batch=1,mega_batch=4]", "randk[k=1]", Family::dasha, 1.0 / 5, 1.0 / 4,
       "a = 1/5; b = min(1/B', 1/(w sqrt B')) = min(1/4, 1/4) = 1/4"},
      {"dasha_sync_mvr", "dasha_sync_mvr[batch=1,mega_batch=2]", "randk[k=1]", Family::dasha_sync, 1.0 / 5, 1.0 / 3,
       "a = 1/5; sync probability p = min(1/B', 1/(w+1)) = min(1/2, 1/3) = 1/3; b = 0 between syncs"},
      {"dasha_pp", "dasha_pp[participation=snice[s=1]]", "randk[k=1]", Family::dasha, 1.0 / 15, 1.0 / 5,
       "p_a = s/n = 1/3; a = p_a/(2w+1) = 1/15; b = p_a/(2-p_a) = 1/5"},
      {"dasha_pp_page", "dasha_pp_page[participation=snice[s=2],batch=1]", "randk[k=1]", Family::dasha, 2.0 / 15,
       1.0 / 6, "p_a = 2/3; a = p_a/(2w+1) = 2/15; PAGE p = 1/3, b = p p_a/(2-p_a) = 1/6"},
      {"dasha_pp_mvr", "dasha_pp_mvr[participation=snice[s=2],batch=1,mega_batch=4]", "randk[k=1]", Family::dasha,
       2.0 / 15, 1.0 / 6, "p_a = 2/3; a = 2/15; b = p_a min(1/B', 1/(w sqrt B')) = (2/3)(1/4) = 1/6"},
      {"marina", "marina", "randk[k=1]", Family::marina, 0, 1.0 / 3, "p = 1/(1+w) = 1/3"},
      {"pp_marina", "pp_marina[s=2]", "randk[k=1]", Family::marina, 0, 2.0 / 9, "p = s/(n(1+w)) = 2/9"},
      {"vr_marina", "vr_marina[batch=1]", "randk[k=1]", Family::marina, 0, 1.0 / 3,
       "p = min(B/(B+m), 1/(1+w)) = 1/3"},
      {"page", "page[batch=1]", "identity", Family::marina, 0, 1.0 / 3, "p = B/(B+m) = 1/3 (PAGE estimator)"},
      {"diana", "diana", "randk[k=1]", Family::diana, 1.0 / 3, 0, "alpha = 1/(1+w) = 1/3"},
      {"frecon", "frecon[s=2]", "randk[k=1]", Family::frecon, 1.0 / 9, 0, "lambda = s/(2(1+w)n) = 1/9"},
  };
  return table;
}

const Case* find_case(const std::string& method) {
  for (const Case& c : cases())
    if (method == c.method) return &c;
  return nullptr;
}

struct Replay {
  MethodInstance inst;
  std::unique_ptr<SimNetwork> net;
  StateView server;
  std::vector<StateView> workers;
  void expose() { expose_state(inst, server, workers); }
};

// Rounds 0, 1 on gradients perturbed at the recipe's scales, round 2 exact: the state.
constexpr int kStateRound = 2;
std::unique_ptr<Replay> replay(TinyProblem& p, const MethodSetup& setup, const std::vector<double>& noise) {
  auto r = std::make_unique<Replay>();
  r->inst = make_method(setup);
  r->net = std::make_unique<SimNetwork>(p, r->inst, setup.seed);
  for (int t = 0; t < kStateRound; ++t) {
    p.set_perturbation(static_cast<std::uint64_t>(t) + 1, noise);
    r->net->run_round(t);
  }
  p.clear_perturbation();
  r->net->run_round(kStateRound);
  return r;
}

// The quantities compared, in order: server g, then (DASHA) every g_i and h_i, (DIANA) every h_i.
Vec observed(const Case& c, const Replay& r) {
  std::vector<const Vec*> parts{&r.server.at("g", "the server")};
  if (c.family == Family::dasha || c.family == Family::dasha_sync) {
    for (const auto& w : r.workers) parts.push_back(&w.at("g", "a worker"));
    for (const auto& w : r.workers) parts.push_back(&w.at("h", "a worker"));
  }
  if (c.family == Family::diana)
    for (const auto& w : r.workers) parts.push_back(&w.at("h", "a worker"));
  Vec out(static_cast<Eigen::Index>(parts.size()) * kD);
  for (std::size_t k = 0; k < parts.size(); ++k) out.segment(static_cast<Eigen::Index>(k) * kD, kD) = *parts[k];
  return out;
}

// The proof's expectation of observed() after the next round, from the state (see the header);
// `knob` multiplies the case's key parameter (1: the identity; 2: the power row's wrong reference).
Vec reference(const Case& c, const Replay& r, const TinyProblem& p, double gamma, double knob) {
  const Vec& x = r.server.at("x", "the server");
  const Vec& g = r.server.at("g", "the server");
  const Vec xp = x - gamma * g;  // x^{t+1}: the broadcast is deterministic
  std::vector<Vec> G(kN), Gp(kN);
  for (int i = 0; i < kN; ++i) G[static_cast<std::size_t>(i)] = p.grad_i(i, x), Gp[static_cast<std::size_t>(i)] = p.grad_i(i, xp);
  const Vec grad = p.grad(x), gradp = p.grad(xp);
  std::vector<Vec> parts;
  if (c.family == Family::marina) {
    const double pc = std::min(1.0, knob * c.b);
    parts.push_back(pc * gradp + (1 - pc) * (g + gradp - grad));
  } else if (c.family == Family::diana) {
    parts.push_back(gradp);
    for (int i = 0; i < kN; ++i) {
      const Vec& h = r.workers[static_cast<std::size_t>(i)].at("h", "a worker");
      parts.push_back(h + knob * c.a * (Gp[static_cast<std::size_t>(i)] - h));
    }
  } else if (c.family == Family::frecon) {
    const double lambda = knob * c.a;
    Vec u = r.server.at("y", "the server");
    for (int i = 0; i < kN; ++i) u += (G[static_cast<std::size_t>(i)] - r.workers[static_cast<std::size_t>(i)].at("y", "a worker")) / kN;
    parts.push_back(gradp - grad + (1 - lambda) * g + lambda * u);
  } else {
    const bool sync = c.family == Family::dasha_sync;
    // The power row doubles a, or for SYNC-MVR the sync probability p (a sync resets g_i = h_i, after
    // which a state may have g_i = h_i and a does not act).
    const double a = sync ? c.a : knob * c.a, pc = sync ? std::min(1.0, knob * c.b) : 0, b = sync ? 0 : c.b;
    Vec gs = g;
    std::vector<Vec> gi, hi;
    for (int i = 0; i < kN; ++i) {
      const auto k = static_cast<std::size_t>(i);
      const Vec& gw = r.workers[k].at("g", "a worker");
      const Vec& hw = r.workers[k].at("h", "a worker");
      const Vec ek = Gp[k] - G[k] - b * (hw - G[k]);  // E k_i (1/p_a cancels the participation)
      gi.push_back(pc * Gp[k] + (1 - pc) * (gw + ek - a * (gw - hw)));
      hi.push_back(pc * Gp[k] + (1 - pc) * (hw + ek));
      gs += (1 - pc) * (ek - a * (gw - hw)) / kN;
    }
    gs = sync ? Vec(pc * gradp + gs - pc * g) : gs;  // sync: E g^+ = p grad f(x^+) + (1-p)(g + mean(...))
    parts.push_back(gs);
    for (auto& v : gi) parts.push_back(v);
    for (auto& v : hi) parts.push_back(v);
  }
  Vec out(static_cast<Eigen::Index>(parts.size()) * kD);
  for (std::size_t k = 0; k < parts.size(); ++k) out.segment(static_cast<Eigen::Index>(k) * kD, kD) = parts[k];
  return out;
}

}  // namespace

bool has_expectation_identity(const std::string& method) { return find_case(method) != nullptr; }

ExpectationResult expectation_identity(const std::string& method, int states, std::uint64_t seed) {
  const Case* c = find_case(method);
  if (!c) throw std::logic_error("no expectation identity for method '" + method + "'");
  struct OneThread {  // the enumerated code must run on this thread
    int previous = requested_threads();
    OneThread() { set_requested_threads(1); }
    ~OneThread() { set_requested_threads(previous); }
  } one_thread;
  TinyProblem problem(kD, kN, kM, seed);
  MethodSetup setup;
  setup.problem = &problem;
  setup.method = Spec::parse(c->spec, "expectation identity");
  setup.compressor = Spec::parse(c->compressor, "expectation identity");
  setup.value_bits = 64;
  ExpectationResult res;
  res.spec = fmt::format("{} + {}", c->spec, c->compressor);
  res.power_most = 0;
  OutcomeEnumerator outcomes;
  for (int s = 0; s < states; ++s) {
    Rng rng(seed, kServer, s, Purpose::data);
    Vec x0(kD);
    for (int j = 0; j < kD; ++j) x0[j] = rng.normal();
    std::vector<double> noise;
    for (int i = 0; i < kN; ++i) noise.push_back(std::pow(10.0, 2 * rng.uniform() - 1.5));
    problem.set_initial_point(x0);
    setup.seed = seed * 1'000'003ULL + static_cast<std::uint64_t>(s);
    auto state = replay(problem, setup, noise);
    state->expose();
    const Vec ref = reference(*c, *state, problem, state->inst.stepsize, 1.0);
    const Vec wrong = reference(*c, *state, problem, state->inst.stepsize, 2.0);
    Vec w(ref.size());
    for (Eigen::Index j = 0; j < w.size(); ++j) w[j] = rng.normal();
    const double e = outcomes.expectation([&](OutcomeEnumerator& en) {
      auto run = replay(problem, setup, noise);
      {
        OutcomeEnumerator::Scope scope(en);
        run->net->run_round(kStateRound + 1);
      }
      run->expose();
      return w.dot(observed(*c, *run));
    });
    res.outcomes = std::max(res.outcomes, outcomes.paths());
    const double scale = w.cwiseAbs().dot(ref.cwiseAbs()) + 1e-300;
    res.worst = std::max(res.worst, std::abs(e - w.dot(ref)) / scale);
    res.power_most = std::max(res.power_most, std::abs(e - w.dot(wrong)) / scale);
  }
  return res;
}

std::vector<CheckRow> expectation_rows(const std::string& method) {
  const Case* c = find_case(method);
  if (!c) return {};
  ExpectationResult worst;
  worst.power_most = 0;
  for (std::uint64_t seed = 1; seed <= 2; ++seed) {
    const ExpectationResult r = expectation_identity(method, 3, seed);
    worst.worst = std::max(worst.worst, r.worst);
    worst.power_most = std::max(worst.power_most, r.power_most);
    worst.outcomes = std::max(worst.outcomes, r.outcomes);
    worst.spec = r.spec;
  }
  const std::string problem = fmt::format("tiny finite sum d={} n={} m={} (2x3 states), shipped code", kD, kN, kM);
  CheckRow row{"expectation", worst.spec, problem, worst.worst, 1e-10, "", "derived", ""};
  row.verdict = worst.worst <= 1e-10 ? "pass" : "FAIL";
  const char* what = c->family == Family::marina   ? "E g^+ = p grad f(x^+) + (1-p)(g + grad f(x^+) - grad f(x)) (PAGE/MARINA estimator unbiased given the past)"
                     : c->family == Family::diana  ? "E g^+ = grad f(x^+), E h_i^+ = h_i + alpha (grad f_i(x^+) - h_i)"
                     : c->family == Family::frecon ? "E g^+ = grad f(x^+) - grad f(x) + (1-lambda) g + lambda grad f(x)"
                     : c->family == Family::dasha_sync
                         ? "E[state^+] = p (mega-batch reset to grad f_i(x^+)) + (1-p) (MVR step with b = 0)"
                         : "E h_i^+ = h_i + E k_i, E g_i^+ = g_i + E k_i - a(g_i - h_i), E g^+ = g + mean(...), E k_i = "
                           "grad f_i(x^+) - grad f_i(x) - b(h_i - grad f_i(x)): the expected update over participation, "
                           "compressor, coins and rows is the full-participation DASHA update";
  row.note = fmt::format("exact expectation over every outcome of one round (up to {} outcomes) of the shipped code vs "
                         "the proof's: {}; parameters by hand: {}; max relative error {:.3g} in a random direction",
                         worst.outcomes, what, c->derivation, worst.worst);
  CheckRow power = row;
  power.id = "expectation-power";
  power.measured = worst.power_most;
  power.bound = 1e-6;
  power.verdict = worst.power_most > 1e-6 ? "pass" : "FAIL";
  power.note = fmt::format("the same expectation against the reference with the {} doubled must differ on some state: largest relative "
                           "difference {:.3g} > 1e-6",
                           c->family == Family::marina ? "coin probability p"
                           : c->family == Family::diana ? "shift rate alpha"
                           : c->family == Family::frecon ? "lambda"
                           : c->family == Family::dasha_sync ? "sync probability p"
                                                         : "momentum a",
                           worst.power_most);
  return {row, power};
}

}  // namespace commopt
