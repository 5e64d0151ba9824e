// `reproduce cser`: CSER (Xie, Zheng, Koyejo, Gupta, Li, Lin, NeurIPS 2020) — compressed SGD with error
// reset keeps the accuracy of full-precision SGD at high compression ratios R_C (ef-local-lazy.md §7).
#include <fmt/format.h>

#include "cli/reproduce/lazy_verdicts.hpp"
#include "cli/reproduce/measures.hpp"
#include "cli/reproduce/report.hpp"

namespace commopt::reproduce {

namespace {

const std::string kProblem = "mlp[data=a9a,hidden=32]";
constexpr int kWorkers = 8;

void run(const Context& ctx, Report& report) {
  const long long rounds = ctx.quick ? 40 : 1500;
  report.section("Claim");
  report.text(
      "CSER (Xie, Zheng, Koyejo, Gupta, Li, Lin, NeurIPS 2020, CIFAR-100 WideResNet experiments and the "
      "rebuttal; ef-local-lazy.md §7): with error reset (a globally random block of the model averaged "
      "every H steps, a block of the update every step) CSER reaches the accuracy of full-precision "
      "momentum SGD at compression ratios up to R_C = 1024, where EF-SGD and QSparse degrade. Official "
      "setting: 8 workers, batch 16, Nesterov 0.9, lr in {0.05, 0.1, 0.5, 1.0}, R_1 = 2048, R_2 = 4, "
      "H = R_1/R_2, 200 epochs.");
  report.section("Our setting");
  report.text(fmt::format(
      "`{}` (d = 4036, a small layered nonconvex model), M = {} workers, minibatch 16, local Nesterov "
      "momentum 0.9, {} rounds (~3 epochs of a9a at 8 × 16 rows), constant step, the official lr grid "
      "{{0.05, 0.1, 0.5}} (1.0 dropped for time) extended by 0.025 (the compressed runs chose the "
      "official grid's smallest lr in a trial), with each configuration's best lr by the final loss "
      "(mean log10 f over the last 90% of the rows). CSER in the official model-averaging form with "
      "R_grad = 2 R_C, R_reset = 4, H = R_grad/4, so 1/R_C = 1/R_grad + 1/(R_reset H); R_C = 32 and 1024 "
      "against the dense reference (R_C = 1: the whole model averaged every step). 200 epochs are out of "
      "reach here: the verdict is about this short horizon.",
      kProblem, kWorkers, rounds));
  const std::vector<Config> cfgs = {
      {"dense (R_C = 1)", kProblem, kWorkers, "csea[R_reset=1,momentum=0.9,batch=16]", std::nullopt, "contiguous"},
      {"CSER R_C = 32", kProblem, kWorkers, "cser[form=model_avg,R_grad=64,R_reset=4,H=16,momentum=0.9,batch=16]",
       std::nullopt, "contiguous"},
      {"CSER R_C = 1024", kProblem, kWorkers,
       "cser[form=model_avg,R_grad=2048,R_reset=4,H=512,momentum=0.9,batch=16]", std::nullopt, "contiguous"}};
  Budget budget;
  budget.stop.rounds = rounds;
  budget.grid.every = ctx.quick ? 10 : 100;
  const std::vector<std::string> steps =
      ctx.quick ? std::vector<std::string>{"0.1"} : std::vector<std::string>{"0.025", "0.05", "0.1", "0.5"};
  std::vector<Tuned> tuned;
  for (const auto& c : cfgs) tuned.push_back(tune_step_on(ctx, c, steps, budget, "loss"));
  const auto last = [](const SeedRuns& r, const char* col) {
    return per_seed(r, [col](const auto& t) { return t.empty() ? std::nullopt : column_value(t.back(), col); });
  };
  std::vector<std::vector<std::string>> rows;
  for (const auto& t : tuned)
    rows.push_back({t.best.config.label, t.best_step + (t.at_edge ? " (grid edge)" : ""), cell(last(t.best, "loss")),
                    cell(last(t.best, "accuracy")), cell(last(t.best, "bits_up")),
                    cell(ratio(last(tuned[0].best, "bits_up"), last(t.best, "bits_up"))), std::to_string(t.best.diverged())});
  report.section("Results (the best lr of each configuration)");
  report.table({"method", "lr", "final loss", "accuracy", "bits up per worker", "dense bits / bits", "diverged"}, rows);
  plots::Figure fig;
  fig.title = "mlp on a9a, 8 workers: training loss";
  fig.xlabel = "round";
  fig.ylabel = "f(x)";
  fig.logx = false;
  for (const auto& t : tuned) fig.curves.push_back(t.best.curve("round", "loss"));
  report.figure(fig, ctx.dir, "loss-rounds",
                fmt::format("training loss against rounds, median and min–max over {} seeds", ctx.seeds.size()));
  const auto l0 = med(last(tuned[0].best, "loss")), l1 = med(last(tuned[1].best, "loss")),
             l2 = med(last(tuned[2].best, "loss"));
  const double e_mod = l0 && l1 ? (*l1 - *l0) / *l0 : NAN, e_high = l0 && l2 ? (*l2 - *l0) / *l0 : NAN;
  report.section("Verdict");
  report.text("Rule (medians over seeds): agrees when CSER's final loss at R_C = 1024 is within 2% of the dense "
              "reference's; partly when it is within 2% at R_C = 32 or within 10% at R_C = 1024; disagrees "
              "otherwise.");
  report.verdict(cser_verdict(e_high, e_mod),
                 fmt::format("final loss: dense {}, CSER R_C = 32 {} ({:+.1f}%), CSER R_C = 1024 {} ({:+.1f}%) after "
                             "{} rounds",
                             num(l0), num(l1), 100 * e_mod, num(l2), 100 * e_high, rounds));
}

}  // namespace

Entry cser_entry() {
  return {"cser",
          "Xie, Zheng, Koyejo, Gupta, Li, Lin, CSER: Communication-efficient SGD with Error Reset, NeurIPS 2020 "
          "(accuracy at high compression ratios R_C)",
          "CSER at high compression (R_C = 1024) trains like full-precision SGD", run};
}

}  // namespace commopt::reproduce
