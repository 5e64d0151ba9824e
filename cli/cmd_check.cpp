// `commopt check`: every method's theorem as executable checks (theory/checks.hpp). Prints one row
// per check; exit 0 when every binding check holds, 1 when one fails (named), 2 on bad input.
#include <algorithm>
#include <atomic>
#include <exception>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "trace/result_file.hpp"
#include "cli/check_table.hpp"
#include "cli/check_tightness.hpp"
#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "methods/method.hpp"
#include "net/worker_pool.hpp"
#include "problems/registry.hpp"
#include "run/progress.hpp"
#include "theory/checks.hpp"
#include "theory/extra_checks.hpp"
#include "theory/expectation_identities.hpp"
#include "theory/invariants.hpp"

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

// One method's share of the suite: its entry and the runs to check (method spec, compressor spec
// or "" for the entry's default).
struct PlannedMethod {
  const MethodEntry* entry;
  std::vector<CheckRun> runs;
  bool suite;  // the suite's own runs (false: the user's --method)
};

PlannedMethod suite_plan(const MethodEntry& e, const std::string& k) {
  PlannedMethod pm{&e, {}, true};
  for (const CheckRun& r : e.check.runs) {
    std::string comp = r.compressor;
    for (auto at = comp.find("{k}"); at != std::string::npos; at = comp.find("{k}")) comp.replace(at, 3, k);
    pm.runs.push_back({r.method.empty() ? e.name : r.method, comp});
  }
  return pm;
}

// Checks 2-5 of one planned method on one problem: the run checks of each run (unless the plan turns
// them off), the per-run extra checks, then the per-method ones (suite only: they ignore the run).
std::vector<CheckRow> planned_rows(const Objective& p, const PlannedMethod& pm, const RunCheckOptions& opts) {
  const CheckPlan& plan = pm.entry->check;
  std::vector<CheckRow> rows;
  for (const CheckRun& run : pm.runs) {
    const auto comp = run.compressor.empty() ? std::nullopt : std::optional<std::string>(run.compressor);
    if (plan.run_checks)
      for (auto& r : run_rows(p, run.method, comp, opts)) rows.push_back(r);
    // The method's exact state invariants on every round of its runs (theory/invariants.hpp).
    for (auto& r : invariant_rows(p, run.method, comp.value_or(pm.entry->default_compressor), opts)) rows.push_back(r);
    for (const auto& x : plan.extra) {
      const ExtraCheck& check = find_extra_check(x);
      if (check.per_run)
        for (auto& r : check.rows(p, {run.method, comp.value_or(pm.entry->default_compressor), opts.rounds}))
          rows.push_back(r);
    }
  }
  for (const auto& x : plan.extra) {
    const ExtraCheck& check = find_extra_check(x);
    if (!check.per_run && pm.suite)
      for (auto& r : check.rows(p, {pm.entry->name, pm.entry->default_compressor, opts.rounds})) rows.push_back(r);
  }
  return rows;
}

// One independent piece of the check: problem < 0 is the one-step test of `pm` at `factor`, or its
// exact expectation identity when factor < 0 (theory/expectation_identities.hpp); pm == nullptr:
// the unbiased compressors' exact E[decode(C(x))] = x rows.
struct CheckTask {
  int problem;
  const PlannedMethod* pm;
  double factor;
};

int default_check_jobs() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

// Runs the tasks and returns their rows in task order (the same for every `jobs`). The one-step
// tasks run first, one after another on this thread: their certificates install the process-wide
// DrawSource (core/rng.hpp) that every Rng draw would consult. The others then run on `jobs`
// threads: problems keep per-worker scratch (not thread-safe), so each thread builds its own
// problem objects, and each run is single-threaded (the cores go to the tasks). The first
// exception in task order is rethrown after all threads ended.
std::vector<CheckRow> run_check_tasks(const std::vector<CheckTask>& tasks,
                                      const std::vector<std::pair<Spec, int>>& problem_specs,
                                      const ProblemOptions& popts, const RunCheckOptions& opts, int jobs,
                                      bool show_progress) {
  std::vector<std::vector<CheckRow>> out(tasks.size());
  RunsProgress progress(show_progress && stderr_is_terminal(), "check", tasks.size(), "checks");
  std::vector<std::exception_ptr> errors(tasks.size());
  std::size_t first_parallel = 0;
  for (; first_parallel < tasks.size() && tasks[first_parallel].problem < 0; ++first_parallel) try {
      const CheckTask& task = tasks[first_parallel];
      out[first_parallel] = !task.pm            ? compressor_unbiased_rows()
                            : task.factor < 0 ? expectation_rows(task.pm->entry->name)
                                              : one_step_rows(*task.pm->entry->check.one_step, task.factor);
      progress.finished_one();
    } catch (...) {
      errors[first_parallel] = std::current_exception();
    }
  std::atomic<std::size_t> next{first_parallel};
  auto worker = [&] {
    if (jobs > 1) set_requested_threads(1);
    std::vector<std::unique_ptr<Objective>> mine(problem_specs.size());
    for (std::size_t t; (t = next++) < tasks.size();) {
      const CheckTask& task = tasks[t];
      try {
        auto& p = mine[static_cast<std::size_t>(task.problem)];
        if (!p) {
          const auto& [spec, n] = problem_specs[static_cast<std::size_t>(task.problem)];
          p = make_problem(spec, n, popts);
        }
        out[t] = planned_rows(*p, *task.pm, opts);
        progress.finished_one();
      } catch (...) {
        errors[t] = std::current_exception();
      }
    }
  };
  const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(tasks.size() - first_parallel)));
  if (threads == 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  progress.done();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
  std::vector<CheckRow> rows;
  std::set<std::string> sharp_seen;  // potential-sharp is problem-independent: keep its first row per method
  for (auto& part : out)
    for (auto& r : part)
      if (r.id != "potential-sharp" || sharp_seen.insert(r.method).second) rows.push_back(std::move(r));
  return rows;
}

}  // namespace

int cmd_check(const std::vector<std::string>& args) {
  std::string suite, method, compressor, problem, data_dir;
  OutputFlags out_flags;
  int workers = 10, seeds = 0, jobs = default_check_jobs();
  long long rounds = 0;
  bool tightness = false;
  po::options_description desc("commopt check options");
  desc.add_options()
      ("help,h", "this help")
      ("suite", po::value(&suite)->default_value("quick"), "quick (CI, every method, < 3 min) or full (real data, more seeds)")
      ("method", po::value(&method), "check only this method spec, e.g. 'ef21[stepsize=theory*4]' (default: every method)")
      ("compressor", po::value(&compressor), "its compressor (default: the method's)")
      ("problem", po::value(&problem), "check on this problem instead of the suite's (default: the suite's)")
      ("workers,n", po::value(&workers)->default_value(10), "workers, with --problem (the suite's problems set their own)")
      ("seeds", po::value(&seeds), "how many seeds (0..R-1) for random methods (default: quick 8, full 20)")
      ("rounds", po::value(&rounds), "rounds per run (default: quick 300, full 1000)")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)")
      ("jobs,j", po::value(&jobs), "independent runs in parallel (default: the hardware threads); same output for any -j")
      ("tightness", po::bool_switch(&tightness),
       "instead of the checks: per method with a one-step plan, paper step, certified step on the problem and the "
       "safe multiple of the certified step (bisection on the exact one-step check)");
  add_output_options(desc, out_flags);  // --json (the rows), -q, -v (the note of every check)
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "check")).options(desc).run(), vm);
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
  if (jobs < 1) throw UsageError(fmt::format("-j {}: use at least 1 job", jobs));

  std::vector<SuiteProblem> problems;
  if (vm.count("problem")) {
    problems.push_back({problem, workers});
  } else {
    problems.push_back({"quadratic[d=20,mu=0.1,L=1,workers-heterogeneity=0.5,seed=1]", 4});
    problems.push_back({full ? "logreg_nc[data=mushrooms,lambda=0.1]" : "logreg_nc[data=a1a,lambda=0.1]", full ? 5 : 4});
  }
  // What to check: every registered method with its entry's CheckPlan ("{k}" = the suite's K), or
  // the user's --method with its entry's plan.
  std::vector<PlannedMethod> planned;
  if (vm.count("method")) {
    const MethodEntry& e = find_method(Spec::parse(method, "--method").name());  // names first: exit 2 early
    planned.push_back({&e, {{method, vm.count("compressor") ? compressor : ""}}, false});
  } else {
    for (const auto& e : method_registry()) planned.push_back(suite_plan(e, full ? "10" : "4"));
  }

  ProblemOptions popts;
  popts.data_dir = data_dir;
  if (tightness) {  // the problem at hand: --problem, else the suite's real-data problem
    const auto& sp = problems.back();
    const auto p = make_problem(Spec::parse(sp.spec, "--problem"), sp.workers, popts);
    std::vector<TightnessTarget> targets;
    for (const auto& pm : planned)
      if (pm.entry->check.one_step) targets.push_back({pm.entry, pm.runs.front().method, pm.runs.front().compressor});
    if (targets.empty()) throw UsageError("--tightness: the method has no one-step plan (no certified one-step potential)");
    CommandOutput output(out_flags);
    return print_tightness(targets, *p, opts.rounds, opts.seeds, output);
  }
  // The independent pieces, in output order: check 1 (the exact one-step test of every method
  // whose plan has one, at the step of its first run), then checks 2-5 per problem and method.
  std::vector<CheckTask> tasks;
  if (!vm.count("method")) tasks.push_back({-1, nullptr, 0});  // the compressors' unbiasedness
  for (const auto& pm : planned) {
    if (has_expectation_identity(pm.entry->name)) tasks.push_back({-1, &pm, -1});
    if (!pm.entry->check.one_step) continue;
    const double factor = stepsize_factor(Spec::parse(pm.runs.front().method, "--method"));
    if (factor > 0) tasks.push_back({-1, &pm, factor});
  }
  std::vector<std::pair<Spec, int>> problem_specs;
  for (const auto& sp : problems) {
    problem_specs.emplace_back(Spec::parse(sp.spec, "--problem"), sp.workers);
    (void)make_problem(problem_specs.back().first, sp.workers, popts);  // bad input: exit 2 before any run
  }
  for (int k = 0; k < static_cast<int>(problems.size()); ++k)
    for (const auto& pm : planned) tasks.push_back({k, &pm, 0});
  CommandOutput output(out_flags);
  std::vector<CheckRow> rows = run_check_tasks(tasks, problem_specs, popts, opts, jobs, output.progress());
  print_check_table(rows);
  if (output.verbose())
    for (const auto& r : rows) fmt::print("  {} {}: {}\n", r.id, r.method, r.note);
  int failed = 0;
  for (const auto& r : rows) failed += r.failed();
  // One object like every other command's document: the setting, the rows, and the outcome.
  nlohmann::json j = {{"suite", suite},
                      {"method", vm.count("method") ? nlohmann::json(method) : nlohmann::json()},
                      {"problems", nlohmann::json::array()},
                      {"rounds", opts.rounds},
                      {"seeds", opts.seeds},
                      {"rows", nlohmann::json::array()},
                      {"failed", failed},
                      {"failed_checks", nlohmann::json::array()}};
  for (const auto& sp : problems) j["problems"].push_back({{"problem", sp.spec}, {"workers", sp.workers}});
  for (const auto& r : rows) {
    j["rows"].push_back(check_row_json(r));
    if (r.failed()) j["failed_checks"].push_back(r.id + "/" + r.method);
  }
  output.write(j);
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
