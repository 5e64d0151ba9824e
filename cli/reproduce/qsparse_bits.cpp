// `reproduce qsparse-bits`: Qsparse-local-SGD (Basu, Data, Karakus, Diggavi, NeurIPS 2019) — composed
// sparsification + quantization with local steps and error memory reaches the target with orders of
// magnitude fewer bits than SGD and than TopK-SGD alone (ef-local-lazy.md §5).
#include <fmt/format.h>

#include "cli/reproduce/lazy_verdicts.hpp"
#include "cli/reproduce/measures.hpp"
#include "cli/reproduce/report.hpp"

namespace commopt::reproduce {

namespace {

constexpr double kTarget = 1e-3;  // f − f*
const std::string kProblem = "logreg[data=w8a,lambda=0.001]";
constexpr int kWorkers = 8;

void run(const Context& ctx, Report& report) {
  report.section("Claim");
  report.text(
      "Qsparse-local-SGD (Basu, Data, Karakus, Diggavi, NeurIPS 2019, the convex experiments; recalled, "
      "ef-local-lazy.md §5, experiments/qsparse.toml): on MNIST softmax regression (d = 7850, R = 8-16 "
      "workers, η_t = c/(λ(a+t))), Qsparse-local-SGD with Top_k composed with quantization (SignTop_k, "
      "QTop_k, k ≈ 1% of d) and H local steps between syncs reaches a target with more than 1000x fewer "
      "bits than SGD and 10-15x fewer than TopK-SGD (with memory).");
  report.section("Our setting");
  report.text(fmt::format(
      "MNIST is not here: L2-regularised logistic regression on w8a (N = 49749, d = 300, λ = 1e-3, κ ≈ 660), "
      "R = {} contiguous shards, minibatch 16 rows per local step, k = 3 = 1% of d, QTop_k with s = 256 "
      "(the official code's levels), H = 8 (the code's sync period). Steps: Thm 2's η_t = 8/(μ(a+t)), "
      "a = 32κ (the method's theory schedule) for SGD (= Qsparse with H = 1 and the identity), TopK-SGD "
      "(H = 1, Top_3 with memory) and Qsparse; SGD is also run at the constant 1/L (`sgd`), which reaches "
      "the target sooner and is the harder baseline. Target: f − f* <= {:g} (the paper's is a test error). "
      "Bits: uplink per worker (mean), encoded (values 32-bit, indices ⌈log2 d⌉ bits).\n\n"
      "Scaling: an earlier version of this experiment (14 configurations: sync and async, H in {{1, 4, 8}}, "
      "both compressors, ablations; 3 seeds) took 834 s, and a first version of this entry that stopped "
      "each run at the target took ~100 s: stopping at a target evaluates f on the full data every round, "
      "which costs 20x the method itself here. So the runs have no target: 5 configurations, a fixed {} "
      "rounds (every configuration reaches the target by ~2700 in trial runs), the trace logged every 10 "
      "rounds (the reach is read to within 10 rounds, the same for every method); about 20 s on 2 cores.",
      kWorkers, kTarget, ctx.quick ? 100 : 4000));
  const std::vector<Config> cfgs = {
      {"SGD (η_t of Thm 2)", kProblem, kWorkers, "qsparse_local_sgd[H=1]", "identity", "contiguous"},
      {"SGD (constant 1/L)", kProblem, kWorkers, "sgd[batch=16]", std::nullopt, "contiguous"},
      {"TopK-SGD (k=3, memory)", kProblem, kWorkers, "qsparse_local_sgd[H=1]", "topk[k=3]", "contiguous"},
      {"Qsparse SignTop_3, H=8", kProblem, kWorkers, "qsparse_local_sgd[H=8]", "signtopk[k=3]", "contiguous"},
      {"Qsparse QTop_3 (s=256), H=8", kProblem, kWorkers, "qsparse_local_sgd[H=8]", "qtopk[k=3,s=256]", "contiguous"}};
  Budget budget;
  budget.stop.rounds = ctx.quick ? 100 : 4000;  // no stop.target: it would evaluate f every round
  budget.grid.every = ctx.quick ? 5 : 10;
  std::vector<SeedRuns> runs;
  for (const auto& c : cfgs) runs.push_back(run_seeds(ctx, c, budget));
  const auto bits = [](const SeedRuns& r) {
    return per_seed(r, [](const auto& t) { return first_reach(t, "bits_up", "gap", kTarget); });
  };
  // The better Qsparse configuration (smaller median bits) is the one judged.
  const auto m3 = med(bits(runs[3])), m4 = med(bits(runs[4]));
  const std::size_t best = (m3 && (!m4 || *m3 <= *m4)) ? 3 : 4;
  const PerSeed qs = bits(runs[best]);
  std::vector<std::vector<std::string>> rows;
  for (const auto& r : runs) {
    const auto it = per_seed(r, [](const auto& t) { return first_reach(t, "round", "gap", kTarget); });
    rows.push_back({r.config.label, cell(it), cell(bits(r)), cell(ratio(bits(r), qs))});
  }
  report.section(fmt::format("Bits to f − f* <= {:g}", kTarget));
  report.table({"method", "rounds", "uplink bits per worker", fmt::format("bits / bits of {}", runs[best].config.label)},
               rows);
  plots::Figure fig;
  fig.title = "w8a logistic regression, 8 workers: f - f* vs uplink bits";
  fig.xlabel = "uplink bits per worker";
  fig.ylabel = "f(x) - f*";
  fig.logx = true;
  for (const auto& r : runs) fig.curves.push_back(r.curve("bits_up", "gap"));
  report.figure(fig, ctx.dir, "bits", fmt::format("f − f* against uplink bits, median and min–max over {} seeds",
                                                  ctx.seeds.size()));
  const PerSeed vs_decay = ratio(bits(runs[0]), qs), vs_const = ratio(bits(runs[1]), qs),
                vs_topk = ratio(bits(runs[2]), qs);
  const auto d = med(vs_decay), c = med(vs_const), k = med(vs_topk);
  const std::optional<double> vs_sgd = d && c ? std::optional(std::min(*d, *c)) : std::nullopt;
  report.section("Verdict");
  report.text(
      "Rule (medians over seeds, every seed reaching the target): agrees when the better Qsparse "
      "configuration needs >= 1000x fewer bits than both SGD baselines and >= 10x fewer than TopK-SGD; "
      "disagrees when a run does not reach the target, the saving against SGD is < 10x, or there is none "
      "against TopK-SGD; partly otherwise. The factor against SGD is mostly arithmetic: 32·d·H bits of "
      "dense steps per sync against one compressed message (SignTop_3: 3·(1 + 9) + 32 bits), times the "
      "ratio of the rounds needed, so it grows with d (the paper's d is 26x ours).");
  report.verdict(qsparse_verdict(vs_sgd, k),
                 fmt::format("{} needs {}x fewer bits than SGD with η_t of Thm 2, {}x fewer than SGD at the "
                             "constant 1/L, and {}x fewer than TopK-SGD (paper: > 1000x and 10-15x)",
                             runs[best].config.label, num(d), num(c), num(k)));
}

}  // namespace

Entry qsparse_bits_entry() {
  return {"qsparse-bits",
          "Basu, Data, Karakus, Diggavi, Qsparse-local-SGD: Distributed SGD with Quantization, Sparsification, "
          "and Local Computations, NeurIPS 2019 (convex experiments: bits to a target)",
          "Qsparse-local-SGD needs orders of magnitude fewer bits than SGD and TopK-SGD", run};
}

}  // namespace commopt::reproduce
