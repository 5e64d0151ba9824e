// `commopt run`: one method on one problem; writes <out>.csv and <out>.json, prints a summary line.
#include <cmath>
#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "cli/command_output.hpp"
#include "cli/commands.hpp"
#include "cli/theory_text.hpp"
#include "cli/seed_option.hpp"
#include "cli/run_identity.hpp"
#include "cli/vocabulary.hpp"
#include "core/error.hpp"
#include "net/worker_pool.hpp"
#include "problems/registry.hpp"
#include "run/interrupt.hpp"
#include "run/job.hpp"
#include "theory/fstar.hpp"
#ifdef COMMOPT_HAVE_MPI
#include "run/mpi/mpi_run.hpp"
#endif

namespace po = boost::program_options;

namespace commopt::cli {

namespace {
std::string sanitize(std::string s) {
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return s;
}

// The rank and size an MPI launcher (Open MPI's mpirun, or a PMI/PMIx one) gave this process; -1
// when none started it.
int launcher_env(const char* ompi, const char* pmi, const char* pmix) {
  for (const char* name : {ompi, pmi, pmix})
    if (name)
      if (const char* v = std::getenv(name)) return std::atoi(v);
  return -1;
}
int launcher_rank() { return launcher_env("OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK"); }
int launcher_size() { return launcher_env("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", nullptr); }

const char* const kLaunch =
    "start it with mpirun, e.g. `mpirun -np 4 commopt run --backend mpi ...` (as root add --allow-run-as-root; "
    "more ranks than cores need --oversubscribe)";

int run(const std::vector<std::string>& args);
}  // namespace

int cmd_run(const std::vector<std::string>& args) {
  try {
    return run(args);
  } catch (...) {
    if (launcher_rank() > 0) return 2;  // under mpirun the same bad input is reported once, by rank 0
    throw;
  }
}

namespace {
int run(const std::vector<std::string>& args) {
  std::string problem, method, compressor, out, split, data_dir, target_on, backend;
  int workers = 10, value_bits = 32, threads = 0;
  long long rounds = 1000, log_every = 0;
  std::string seed_text;
  double max_bits = 0, target = 0, time_limit = 0;
  bool force = false;
  OutputFlags out_flags;
  po::options_description desc("commopt run options");
  desc.add_options()
      ("help,h", "this help")
      ("problem", po::value(&problem)->required(), "problem spec (required), e.g. logreg[data=a9a,lambda=0.001] (commopt list problems)")
      ("workers,n", po::value(&workers)->default_value(10), "number of workers n")
      ("method", po::value(&method)->default_value("gd"), "method spec, e.g. ef21[stepsize=theory*2] (commopt list methods)")
      ("compressor", po::value(&compressor), "compressor spec, e.g. topk[k=10] (default: the method's)")
      ("rounds", po::value(&rounds),
       "stop after this many rounds (default 1000; with --max-bits, --target or --time-limit the default is a "
       "safety cap of 1e6 rounds, reported when hit)")
      ("max-bits", po::value(&max_bits), "stop when the mean uplink bits per worker reach this (default: no bit limit)")
      ("target", po::value(&target), "stop when the target quantity is <= this (default: no target)")
      ("target-on", po::value(&target_on)->default_value("grad_norm_sq"), "grad_norm_sq or gap (f - f*)")
      ("time-limit", po::value(&time_limit), "stop after this many seconds of method time (default: no time limit)")
      ("seed", po::value(&seed_text)->default_value("0"), "seed of every random stream (0 to 2^64-1)")
      ("value-bits", po::value(&value_bits)->default_value(32), "bits per value on the wire: 32 or 64")
      ("split", po::value(&split)->default_value("contiguous"), "contiguous, shuffled or label-sorted")
      ("data-dir", po::value(&data_dir), "first directory to search for datasets (default: only the search path, see README)")
      ("log-every", po::value(&log_every)->default_value(0), "log every N rounds (0: log-spaced grid)")
      ("out,o", po::value(&out),
       "trace file (default runs/<problem>-<method>-<compressor>-n<N>-<split>-v<value bits>-s<seed>.csv)")
      ("force", po::bool_switch(&force), "replace an existing trace and metadata at --out (refused otherwise)")
      ("threads", po::value(&threads)->default_value(0),
       "worker threads of the simulator (0: auto, 1 unless the work per round n*d + rows pays for a barrier)")
      ("backend", po::value(&backend)->default_value("sim"),
       "sim (all workers in this process) or mpi (workers spread over the ranks of mpirun; see README)");
  add_output_options(desc, out_flags);  // --json: the summary line as JSON; -q: no progress, no summary
  po::variables_map vm;
  po::store(po::command_line_parser(canonical_flags(args, desc, "run")).options(desc).run(), vm);
  if (vm.count("help")) {
    std::cout << "usage: commopt run --problem SPEC [--workers N] [--method SPEC] [--compressor SPEC] ...\n\n"
              << desc << "\n"
              << "limits (refused with exit 2 before any large allocation): LIBSVM feature index <= 1e8;\n"
                 "quadratic n*d^2 <= 2.5e8 entries; a dataset holds or decompresses to <= 4 GiB (set\n"
                 "COMMOPT_MAX_DATA_BYTES=N to change); --seed 0..2^64-1; --data-dir must exist\n";
    return 0;
  }
  po::notify(vm);
  const std::uint64_t seed = parse_seed(seed_text);
  if (workers < 1) throw UsageError(fmt::format("--workers {}: need at least 1 worker", workers));
  if (log_every < 0) throw UsageError("--log-every must be >= 0");
  if (threads < 0) throw UsageError(fmt::format("--threads {}: use 0 (auto) or a positive count", threads));
  set_requested_threads(threads);
  if (backend != "sim" && backend != "mpi") throw UsageError("--backend " + backend + ": use sim or mpi");
  if (backend == "mpi" && launcher_size() < 0) throw UsageError(std::string("--backend mpi: ") + kLaunch);
  if (backend == "sim" && launcher_size() > 1)
    throw UsageError(fmt::format("mpirun started {} processes but --backend is sim: add --backend mpi", launcher_size()));

  ProblemOptions popts;
  popts.split = split;
  popts.seed = seed;
  popts.data_dir = data_dir;
  const Spec problem_spec = Spec::parse(problem, "--problem");

  JobSpec job;
  job.method = method;
  if (vm.count("compressor")) job.compressor = compressor;
  job.value_bits = value_bits;
  job.seed = seed;
  if (vm.count("max-bits") && !(std::isfinite(max_bits) && max_bits > 0))
    throw UsageError(fmt::format("--max-bits {}: give a positive number of bits per worker", max_bits));
  if (vm.count("target") && !(std::isfinite(target) && target >= 0))
    throw UsageError(fmt::format("--target {}: give a finite number >= 0", target));
  if (vm.count("time-limit") && !(std::isfinite(time_limit) && time_limit > 0))
    throw UsageError(fmt::format("--time-limit {}: give a positive number of seconds", time_limit));
  if (vm.count("rounds")) {
    job.stop.rounds = rounds;
  } else if (vm.count("max-bits") || vm.count("target") || vm.count("time-limit")) {
    // A budget or target decides the end; the round cap only guards against a run that never gets there.
    job.stop.rounds = 1'000'000;
    job.stop.rounds_is_safety_cap = true;
  } else {
    job.stop.rounds = 1000;
  }
  if (vm.count("max-bits")) job.stop.max_bits = max_bits;
  if (vm.count("target")) job.stop.target = target;
  job.stop.target_on = target_on;
  if (vm.count("time-limit")) job.stop.time_limit = time_limit;
  job.grid.every = log_every;
  // The default name holds the whole configuration, so that different experiments never share a file.
  job.out = vm.count("out") ? out
                            : fmt::format("runs/{}-{}-{}-n{}-{}-v{}-s{}.csv", sanitize(problem_spec.str()),
                                          sanitize(Spec::parse(method, "--method").str()),
                                          sanitize(vm.count("compressor") ? compressor : "default"), workers,
                                          sanitize(split), value_bits, seed);
  const bool quiet = out_flags.quiet;
  job.progress = !quiet;
  job.overwrite = force;
  job.extra_meta["split"] = split;
  job.extra_meta["command"] = "run";
  JobResult r;
  CommandOutput output(out_flags);
  install_interrupt_handlers();  // Ctrl-C ends the run after the current round with a complete trace
  if (backend == "mpi") {
#ifdef COMMOPT_HAVE_MPI
    job.progress = false;
    const ObjectiveFactory factory = [&](int begin, int end, const std::optional<ProblemConstants>& constants) {
      ProblemOptions o = popts;
      o.worker_begin = begin;
      o.worker_end = end;
      o.constants = constants;
      auto p = make_problem(problem_spec, workers, o);
      // The process holding every worker solves f* (for the gap column) before constants are shared.
      if (begin == 0 && end == -1 && !constants && p->convex()) (void)ensure_f_star(*p);
      return p;
    };
    MpiRun m = run_job_mpi(factory, workers, job);
    if (!m.result) return m.exit_code;
    r = std::move(*m.result);
#else
    throw UsageError("--backend mpi: this build has no MPI support; install libopenmpi-dev and rebuild");
#endif
  } else {
    auto objective = make_problem(problem_spec, workers, popts);
    job.extra_meta["problem_identity"] = problem_identity(problem_spec, workers, popts);
    if (const auto& data = job.extra_meta["problem_identity"]["data"]; !data.is_null())
      job.inputs.emplace_back(data["path"].get<std::string>());
    // Convex problems get f* (Newton-CG to ||grad f|| <= 1e-10, cached) so the trace has its gap column.
    if (objective->convex()) job.extra_meta["f_star"] = describe_f_star(*objective, ensure_f_star(*objective));
    r = run_job(*objective, job);
  }
  const TraceRow& last = r.run.last;
  output.write({{"status", to_string(r.run.status)}, {"message", r.run.message}, {"rounds", r.run.rounds},
                {"bits_up", last.bits_up}, {"bits_up_max", last.bits_up_max}, {"bits_down", last.bits_down},
                {"loss", last.loss}, {"grad_norm_sq", last.grad_norm_sq}, {"seconds", r.run.seconds},
                {"trace", r.csv_path}, {"metadata", r.json_path}});
  {
    if (output.verbose()) fmt::print("parameters: {}\n", parameter_list(r.meta.value("method_info", nlohmann::json::object())));
    fmt::print("status={} rounds={} bits_up/worker={:.6g} bits_down/worker={:.6g}\n"
               "loss={:.6g} grad_norm_sq={:.6g} seconds={:.3f} ({})\ntrace: {}  metadata: {}\n",
               to_string(r.run.status), r.run.rounds, last.bits_up, last.bits_down, last.loss, last.grad_norm_sq, r.run.seconds,
               r.run.message, r.csv_path, r.json_path);
  }
  return r.run.status == RunStatus::interrupted ? kInterruptedExitCode : 0;
}
}  // namespace

}  // namespace commopt::cli
