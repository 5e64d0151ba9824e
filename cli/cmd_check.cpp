// `commopt check`: every method's theorem as executable checks (theory/checks.hpp). Prints one row
// per check; exit 0 when every binding check holds, 1 when one fails (named), 2 on bad input.
#include <fstream>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "theory/checks.hpp"
#include "theory/one_step.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

namespace {

struct SuiteProblem {
  std::string spec;
  int workers;
};

double stepsize_factor(const Spec& m) {
  const std::string s = m.get_string("stepsize", "theory");
  if (s == "theory") return 1.0;
  if (s.rfind("theory*", 0) == 0) return Spec::parse("x[c=" + s.substr(7) + "]", "--method").get_double("c", 1);
  return 0;  // an absolute step: no one-step factor
}

void print_rows(const std::vector<CheckRow>& rows) {
  fmt::print("{:<26} {:<34} {:<40} {:>11} {:>11} {:>9}  {:<11} {}\n", "check", "method", "problem", "measured", "bound",
             "ratio", "verdict", "provenance");
  for (const auto& r : rows)
    fmt::print("{:<26} {:<34} {:<40} {:>11.4g} {:>11.4g} {:>9.3g}  {:<11} {}\n", r.id, r.method, r.problem, r.measured,
               r.bound, r.ratio(), r.verdict, r.provenance);
  bool header = false;
  for (const auto& r : rows) {
    if (r.verdict == "pass") continue;
    if (!header) fmt::print("\nnotes:\n"), header = true;
    fmt::print("  [{}] {} {}: {}\n", r.verdict, r.id, r.method, r.note);
  }
}

}  // namespace

int cmd_check(const std::vector<std::string>& args) {
  std::string suite, method, compressor, problem, json, data_dir;
  int workers = 4, seeds = 0;
  long long rounds = 0;
  bool verbose = false;
  po::options_description desc("commopt check options");
  desc.add_options()
      ("help,h", "this help")
      ("suite", po::value(&suite)->default_value("quick"), "quick (CI, every method, < 3 min) or full (real data, more seeds)")
      ("method", po::value(&method), "check only this method spec, e.g. 'ef21[stepsize=theory*4]'")
      ("compressor", po::value(&compressor), "its compressor (default: the method's)")
      ("problem", po::value(&problem), "check on this problem instead of the suite's")
      ("workers,n", po::value(&workers)->default_value(4), "workers, with --problem")
      ("seeds", po::value(&seeds), "seeds for random methods (quick 8, full 20)")
      ("rounds", po::value(&rounds), "rounds per run (quick 300, full 1000)")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets")
      ("json", po::value(&json), "also write the rows as JSON")
      ("verbose,v", po::bool_switch(&verbose), "print the note of every check");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt check [--suite quick|full] [--method SPEC] [--problem SPEC] [--seeds R] [--json FILE]\n\n"
              << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (suite != "quick" && suite != "full")
    throw UsageError("--suite " + suite + ": use quick or full");
  const bool full = suite == "full";
  RunCheckOptions opts;
  opts.rounds = vm.count("rounds") ? rounds : (full ? 1000 : 300);
  opts.seeds = vm.count("seeds") ? seeds : (full ? 20 : 8);
  if (opts.rounds < 2 || opts.seeds < 1) throw UsageError("--rounds must be >= 2 and --seeds >= 1");

  std::vector<SuiteProblem> problems;
  if (vm.count("problem")) {
    problems.push_back({problem, workers});
  } else {
    problems.push_back({"quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]", 4});
    problems.push_back({full ? "logreg_nc[data=mushrooms,lambda=0.1]" : "logreg_nc[data=a1a,lambda=0.1]", full ? 5 : 4});
  }
  // (method, compressor) pairs: every implemented method, with a deterministic and a random compressor.
  std::vector<std::pair<std::string, std::optional<std::string>>> runs;
  if (vm.count("method")) {
    runs.push_back({method, vm.count("compressor") ? std::optional<std::string>(compressor) : std::nullopt});
  } else {
    const std::string k = full ? "10" : "4";
    runs = {{"gd", std::nullopt},          {"ef21", "topk[k=" + k + "]"}, {"dasha", "randk[k=" + k + "]"},
            {"lag", std::nullopt},         {"local_sgd[H=5,batch=8]", std::nullopt},
            {"dist_ef_sgd", "scaled_sign"}};
    // DASHA family (dasha-family.md 3.2-3.5): certified ones get one-step + run rows, the others a
    // `not certified` row.
    const std::string rk = "randk[k=" + k + "]";
    for (const char* m : {"dasha_page", "dasha_mvr", "dasha_sync_mvr", "dasha_pp[participation=snice[s=1]]",
                          "dasha_pp_page[participation=snice[s=2]]", "dasha_pp_mvr[participation=snice[s=2]]"})
      runs.push_back({m, rk});
    // MARINA family, PAGE, DIANA, EF21-PP/BC (dasha-family.md 3.6-3.9).
    const std::string tk = "topk[k=" + k + "]";
    for (const auto& [m, c] : std::vector<std::pair<std::string, std::string>>{
             {"marina", rk}, {"marina", "permk"}, {"vr_marina[batch=4]", rk}, {"pp_marina[s=2]", rk},
             {"diana", rk}, {"frecon[s=2]", rk}, {"ef21_pp[s=2]", tk}, {"ef21_bc", tk}})
      runs.push_back({m, c});
    runs.push_back({"page[batch=4]", std::nullopt});
  }
  for (const auto& [m, c] : runs) find_method(Spec::parse(m, "--method").name());  // names first: exit 2 early

  ProblemOptions popts;
  popts.data_dir = data_dir;
  std::vector<CheckRow> rows;
  // Check 1: exact one-step tests for the methods that have a model (once per method name).
  std::vector<std::string> one_step_done;
  for (const auto& [m, c] : runs) {
    const Spec ms = Spec::parse(m, "--method");
    if (std::find(one_step_done.begin(), one_step_done.end(), ms.name()) != one_step_done.end()) continue;
    one_step_done.push_back(ms.name());
    const auto& models = one_step_methods();
    if (std::find(models.begin(), models.end(), ms.name()) == models.end()) continue;
    const double factor = stepsize_factor(ms);
    if (factor <= 0) continue;
    // Power factors: DASHA 4x (the spec's, dasha-family.md §7); GD past 2/L; EF21's theory step is
    // conservative on these instances (first violations measured at 6x, none at 4x), so 8x.
    // DASHA-MVR / DASHA-PP-MVR: the σ² allowance makes 4x violations rare (1-3 in 600 states), so 6x.
    const bool mvr = ms.name() == "dasha_mvr" || ms.name() == "dasha_pp_mvr";
    // MARINA and PP-MARINA (s-nice): 2x (the spec's for MARINA: its [CERT] is tight; PP-MARINA measured
    // too); EF21-PP is as conservative as EF21 (none at 4x measured), so 8x.
    const bool twice = ms.name() == "marina" || ms.name() == "pp_marina";
    const double power = ms.name() == "gd" ? 2.5 : ms.name() == "ef21" || ms.name() == "ef21_pp" ? 8.0 : mvr ? 6.0
                         : twice ? 2.0 : 4.0;
    for (auto& r : one_step_rows(ms.name(), factor, power)) rows.push_back(r);
  }
  for (const auto& sp : problems) {
    auto p = make_problem(Spec::parse(sp.spec, "--problem"), sp.workers, popts);
    for (const auto& [m, c] : runs) {
      const Spec ms = Spec::parse(m, "--method");
      if (ms.name() == "dist_ef_sgd") {
        rows.push_back(virtual_sequence_row(*p, m, c.value_or("scaled_sign"), opts.rounds));
        continue;
      }
      for (auto& r : run_rows(*p, m, c, opts)) rows.push_back(r);
      if (ms.name() == "local_sgd" && !vm.count("method")) rows.push_back(local_sgd_consistency_row(*p, 50));
    }
  }
  print_rows(rows);
  if (verbose)
    for (const auto& r : rows) fmt::print("  {} {}: {}\n", r.id, r.method, r.note);
  if (vm.count("json")) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& r : rows) j.push_back(to_json(r));
    std::ofstream(json) << j.dump(2) << "\n";
  }
  int failed = 0;
  for (const auto& r : rows) failed += r.failed();
  if (failed) {
    fmt::print("\n{} binding check(s) FAILED:", failed);
    for (const auto& r : rows)
      if (r.failed()) fmt::print(" {}/{}", r.id, r.method);
    fmt::print("\n");
    return 1;
  }
  fmt::print("\nall binding checks hold ({} rows)\n", rows.size());
  return 0;
}

}  // namespace commopt::cli
