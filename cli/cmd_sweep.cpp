// `commopt sweep FILE.toml`: an experiment as data — configurations (methods × compressors ×
// problems × n, list values in specs expanded), each over a step-size grid and several seeds. The
// whole file is validated first (sweep_config, sweep_grid, sweep_exec::check_grid_builds); runs are
// spread over -j threads and reused when a complete trace with the same resume key exists
// (sweep_key); the index runs.csv/runs.jsonl (sweep_index) and the summary at the equal bit budget
// and at the targets (sweep_summary) close it. `--dry-run` lists the expanded runs.
#include <filesystem>
#include <iostream>
#include <map>
#include <thread>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "trace/result_file.hpp"
#include "cli/sweep_exec.hpp"
#include "cli/sweep_index.hpp"
#include "cli/sweep_key.hpp"
#include "cli/sweep_summary.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"

namespace po = boost::program_options;

namespace commopt::cli {

namespace {
constexpr std::size_t kMaxRuns = 100000;

void print_dry_run(const SweepConfig& cfg, const SweepGrid& grid) {
  std::size_t steps = 0;
  for (const auto& c : grid.cases) steps += c.steps.size();
  fmt::print("sweep {}: {} runs = {} configurations, {} (configuration, step) pairs, {} seeds -> {}\n", cfg.name,
             grid.runs.size(), grid.cases.size(), steps, cfg.seeds.size(), cfg.out_dir);
  fmt::print("stop: {} rounds{}{}{}; log_every={}; split={}; value_bits={}\n", cfg.rounds,
             cfg.max_bits || !cfg.targets.empty() ? " (safety cap)" : "",
             cfg.max_bits ? fmt::format(", {} <= {:g}", cfg.x, *cfg.max_bits) : "",
             stop_target(cfg) ? fmt::format(", {} <= {:g}", cfg.target_on, *stop_target(cfg)) : "", cfg.log_every,
             cfg.split, cfg.value_bits);
  for (const auto& r : grid.runs) {
    const auto& c = grid.cases[static_cast<std::size_t>(r.case_index)];
    fmt::print("  method={} compressor={} problem={} workers={} seed={} -> {}\n", r.method,
               c.compressor.empty() ? "(default)" : c.compressor, c.problem, c.workers, r.seed, r.trace);
  }
}
}  // namespace

int cmd_sweep(const std::vector<std::string>& args) {
  std::string file, data_dir;
  OutputFlags out_flags;
  bool dry = false;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  po::options_description desc("commopt sweep options");
  desc.add_options()
      ("help,h", "this help")
      ("file", po::value(&file)->required(), "the experiment (TOML; required, also the first argument), e.g. experiments/dasha.toml")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)")
      ("jobs,j", po::value(&jobs), "runs at once (default: the hardware threads); each run is single-threaded")
      ("dry-run", po::bool_switch(&dry), "validate the file and list the expanded runs without running them");
  add_output_options(desc, out_flags);  // --json: the summary; -q: no progress, no table; -v: each run as it ends
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "sweep")).options(desc).positional(pos).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt sweep FILE.toml [-j N] [--dry-run] [--data-dir DIR] [--json OUT]\n\n" << desc << "\n";
    return 0;
  }
  po::notify(vm);
  if (jobs < 1 || jobs > 1024) throw UsageError(fmt::format("-j {}: give between 1 and 1024 parallel runs", jobs));
  if (!std::filesystem::is_regular_file(file)) throw UsageError("sweep: no file '" + file + "'; give an experiment TOML");
  const SweepConfig cfg = parse_sweep_config(file);
  const SweepGrid grid = expand_grid(cfg);
  if (grid.runs.size() > kMaxRuns)
    throw UsageError(fmt::format("{}: {} runs; a sweep holds at most {} — shrink the grid", file, grid.runs.size(),
                                 kMaxRuns));
  if (dry) {
    print_dry_run(cfg, grid);
    return 0;
  }
  CommandOutput output(out_flags);
  ExecOptions opts{jobs, data_dir, output.progress() && isatty(STDERR_FILENO) != 0, output.verbose()};
  {
    std::error_code ec;
    std::filesystem::create_directories(cfg.out_dir, ec);
    if (ec || !std::filesystem::is_directory(cfg.out_dir))
      throw UsageError(fmt::format("{}: out_dir: cannot create '{}' ({}); choose a writable directory", file,
                                   cfg.out_dir, ec ? ec.message() : "not a directory"));
  }
  check_grid_builds(cfg, grid, opts);
  std::map<std::string, std::string> data_memo;
  std::vector<std::string> keys;
  for (const auto& r : grid.runs) {
    const auto& c = grid.cases[static_cast<std::size_t>(r.case_index)];
    keys.push_back(run_key(cfg, c, r, data_identity(c.problem, data_dir, data_memo)));
  }
  fmt::print("sweep {}: {} runs ({} configurations x steps x {} seeds), -j {} -> {}\n", cfg.name, grid.runs.size(),
             grid.cases.size(), cfg.seeds.size(), jobs, cfg.out_dir);
  std::fflush(stdout);
  const auto outcomes = execute_sweep(cfg, grid, keys, opts);
  const auto sums = summarize(cfg, grid, outcomes);
  write_sweep_index(cfg, grid, outcomes, sums, keys);
  print_summary(cfg, grid, sums);
  std::size_t reused = 0;
  for (const auto& o : outcomes) reused += o.reused ? 1 : 0;
  fmt::print("{} of {} runs reused from {}; index: {}/runs.csv, {}/runs.jsonl\n", reused, outcomes.size(),
             cfg.out_dir, cfg.out_dir, cfg.out_dir);
  output.write(summary_json(cfg, grid, sums));
  return 0;
}

}  // namespace commopt::cli
