#include "cli/sweep_exec.hpp"

#include "cli/run_identity.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <omp.h>

#include "net/worker_pool.hpp"

#include "core/error.hpp"
#include "methods/method.hpp"
#include "problems/registry.hpp"
#include "run/job.hpp"
#include "run/progress.hpp"
#include "theory/fstar.hpp"

namespace commopt::cli {

namespace {

ProblemOptions problem_options(const SweepConfig& cfg, const ExecOptions& opts, std::uint64_t seed) {
  ProblemOptions p;
  p.split = cfg.split;
  p.seed = cfg.split == "shuffled" ? seed : 0;  // as `commopt run`: the shuffled split follows the seed
  p.data_dir = opts.data_dir;
  return p;
}

// One thread's problem objects, built on first use (problems need not be thread-safe).
class ProblemShelf {
 public:
  ProblemShelf(const SweepConfig& cfg, const ExecOptions& opts) : cfg_(cfg), opts_(opts) {}
  Objective& get(const SweepCase& c, std::uint64_t seed) {
    const std::uint64_t split_seed = cfg_.split == "shuffled" ? seed : 0;
    const std::string key = fmt::format("{}|{}|{}", c.problem, c.workers, split_seed);
    auto& slot = shelf_[key];
    if (!slot) {
      slot = make_problem(Spec::parse(c.problem, "problem"), c.workers, problem_options(cfg_, opts_, seed));
      if (slot->convex()) f_star_[key] = describe_f_star(*slot, ensure_f_star(*slot));
    }
    return *slot;
  }
  std::string f_star(const SweepCase& c, std::uint64_t seed) const {
    const std::uint64_t split_seed = cfg_.split == "shuffled" ? seed : 0;
    auto it = f_star_.find(fmt::format("{}|{}|{}", c.problem, c.workers, split_seed));
    return it == f_star_.end() ? "" : it->second;
  }

 private:
  const SweepConfig& cfg_;
  const ExecOptions& opts_;
  std::map<std::string, std::unique_ptr<Objective>> shelf_;
  std::map<std::string, std::string> f_star_;
};

// The trace and metadata at `path` if complete and made under exactly `key`.
std::optional<RunOutcome> reusable(const std::string& path, const std::string& key) {
  const std::string meta_path = metadata_path(path);
  if (!std::filesystem::exists(path) || !std::filesystem::exists(meta_path)) return std::nullopt;
  try {
    std::ifstream in(meta_path);
    RunOutcome o;
    o.meta = nlohmann::json::parse(in);
    if (o.meta.value("sweep_key", "") != key || !o.meta.contains("termination")) return std::nullopt;
    o.rows = read_trace_csv(path);
    if (o.rows.empty() || o.rows.back().status == RunStatus::running) return std::nullopt;
    o.reused = true;
    return o;
  } catch (const std::exception&) {
    return std::nullopt;  // unreadable: rerun
  }
}

}  // namespace

void check_grid_builds(const SweepConfig& cfg, const SweepGrid& grid, const ExecOptions& opts) {
  ProblemShelf shelf(cfg, opts);
  for (const auto& c : grid.cases) {
    Objective* problem = nullptr;
    try {
      problem = &shelf.get(c, cfg.seeds.front());
    } catch (const UsageError& e) {
      throw UsageError(at_line(cfg.file, c.line_of("problem"), "problem", e.what()));
    }
    try {
      MethodSetup setup;
      setup.problem = problem;
      const Spec m = Spec::parse(c.method, "method");
      setup.method = c.steps.front().code == "fixed" ? m : m.with("stepsize", c.steps.front().spec);
      const MethodEntry& entry = find_method(m.name());
      setup.compressor = Spec::parse(c.compressor.empty() ? entry.default_compressor : c.compressor, "compressor");
      setup.value_bits = cfg.value_bits;
      setup.seed = cfg.seeds.front();
      (void)make_method(setup);
    } catch (const UsageError& e) {
      const std::string msg = e.what();
      const std::string key = msg.rfind("compressor", 0) == 0 || msg.rfind("--compressor", 0) == 0 ? "compressor" : "method";
      throw UsageError(at_line(cfg.file, c.line_of(key), key, msg + " (" + c.label + ")"));
    }
  }
}

std::vector<RunOutcome> execute_sweep(const SweepConfig& cfg, const SweepGrid& grid,
                                      const std::vector<std::string>& keys, const ExecOptions& opts) {
  std::vector<RunOutcome> out(grid.runs.size());
  std::vector<std::size_t> todo;
  for (std::size_t i = 0; i < grid.runs.size(); ++i) {
    if (auto o = reusable((std::filesystem::path(cfg.out_dir) / grid.runs[i].trace).string(), keys[i]))
      out[i] = std::move(*o);
    else
      todo.push_back(i);
  }
  std::atomic<std::size_t> next{0};
  std::mutex mutex;  // guards error
  std::exception_ptr error;
  RunsProgress progress(opts.progress, "sweep " + cfg.name, todo.size());
  auto worker = [&] {
    omp_set_num_threads(1);    // each run single-threaded: the cores go to the runs
    set_requested_threads(1);  // (the simulator's worker threads, net/worker_pool.hpp)
    ProblemShelf shelf(cfg, opts);
    for (std::size_t t; (t = next++) < todo.size();) {
      {
        std::lock_guard lock(mutex);
        if (error) return;
      }
      const std::size_t i = todo[t];
      const SweepRun& r = grid.runs[i];
      const SweepCase& c = grid.cases[static_cast<std::size_t>(r.case_index)];
      try {
        Objective& problem = shelf.get(c, r.seed);
        JobSpec job;
        job.method = r.method;
        if (!c.compressor.empty()) job.compressor = c.compressor;
        job.seed = r.seed;
        job.value_bits = cfg.value_bits;
        job.stop.rounds = cfg.rounds;
        job.stop.rounds_is_safety_cap = !cfg.rounds_given && cfg.rounds == kSafetyRounds;
        job.stop.max_bits = cfg.max_bits;
        job.stop.target = stop_target(cfg);
        job.stop.target_on = cfg.target_on;
        job.grid.every = cfg.log_every;
        job.out = (std::filesystem::path(cfg.out_dir) / r.trace).string();
        job.overwrite = true;  // the sweep's own file: a stale result is replaced
        std::filesystem::remove(metadata_path(job.out));  // no old metadata beside a new trace
        job.extra_meta["command"] = "sweep";
        job.extra_meta["sweep"] = cfg.name;
        job.extra_meta["sweep_key"] = keys[i];
        job.extra_meta["config"] = r.config;
        job.extra_meta["label"] = c.label;
        job.extra_meta["stepsize_spec"] = c.steps[static_cast<std::size_t>(r.step_index)].spec;
        job.extra_meta["split"] = cfg.split;
        job.extra_meta["problem_identity"] =
            problem_identity(Spec::parse(c.problem, "problem"), c.workers, problem_options(cfg, opts, r.seed));
        if (const auto f = shelf.f_star(c, r.seed); !f.empty()) job.extra_meta["f_star"] = f;
        JobResult res = run_job(problem, job);
        out[i].rows = std::move(res.rows);
        out[i].meta = std::move(res.meta);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!error) error = std::current_exception();
        return;
      }
      if (opts.verbose) {
        const std::lock_guard<std::mutex> lock(mutex);
        fmt::print("run {}: {} rounds, {} ({})\n", r.trace, out[i].meta.value("rounds", 0LL),
                   out[i].meta.value("termination", std::string("?")), r.method);
        std::fflush(stdout);
      }
      progress.finished_one();
    }
  };
  const int threads = std::max(1, std::min<int>(opts.jobs, static_cast<int>(todo.size())));
  std::vector<std::thread> pool;
  for (int k = 1; k < threads; ++k) pool.emplace_back(worker);
  if (!todo.empty()) worker();
  for (auto& th : pool) th.join();
  progress.done();
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace commopt::cli
