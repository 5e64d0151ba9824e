#include "run/job.hpp"

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/version.hpp"
#include "run/progress.hpp"
#include "run/run_metadata.hpp"
#include "trace/result_file.hpp"
#include "trace/trace_writer.hpp"

namespace commopt {

std::string metadata_path(const std::string& csv_path) {
  std::filesystem::path p(csv_path);
  p.replace_extension(".json");
  return p.string();
}

namespace {
// Validates the specs, builds the method (this process's workers) and fills the metadata.
MethodInstance prepare(const Objective& problem, const JobSpec& spec, const JobBackend& backend, nlohmann::json& meta) {
  if (spec.value_bits != 32 && spec.value_bits != 64)
    throw UsageError(fmt::format("--value-bits {}: use 32 (float32 on the wire) or 64", spec.value_bits));
  if (spec.stop.rounds < 0) throw UsageError("--rounds must be >= 0");
  if (spec.stop.target_on != "grad_norm_sq" && spec.stop.target_on != "gap")
    throw UsageError("--target-on " + spec.stop.target_on + ": use grad_norm_sq or gap");
  if (spec.stop.target_on == "gap" && spec.stop.target && !problem.constants().f_star)
    throw UsageError("--target-on gap needs f*, which is unknown for " + problem.name() +
                     "; use --target-on grad_norm_sq");
  MethodSetup setup;
  setup.problem = &problem;
  setup.method = Spec::parse(spec.method, "--method");
  const MethodEntry& entry = find_method(setup.method.name());
  if (!entry.uses_compressor && spec.compressor && Spec::parse(*spec.compressor, "--compressor").name() != "identity")
    throw UsageError(fmt::format("--compressor: {} sends dense vectors and takes no compressor; drop --compressor",
                                 entry.name));
  setup.compressor = Spec::parse(spec.compressor.value_or(entry.default_compressor), "--compressor");
  setup.value_bits = spec.value_bits;
  setup.seed = spec.seed;
  setup.worker_begin = backend.worker_begin;
  setup.worker_end = backend.worker_end;
  MethodInstance method = make_method(setup);

  meta = spec.extra_meta;
  meta["problem"] = problem.name();
  meta["method"] = setup.method.str();
  meta["compressor"] = entry.uses_compressor ? setup.compressor.str() : "identity";
  meta["method_info"] = method.info;
  meta["workers"] = problem.workers();
  meta["dim"] = problem.dim();
  meta["seed"] = spec.seed;
  meta["value_bits"] = spec.value_bits;
  meta["backend"] = backend.name;
  for (const auto& [k, v] : backend.meta.items()) meta[k] = v;
  if (method.info.contains("stepsize")) meta["stepsize"] = method.info["stepsize"];
  meta["version"] = version();
  meta["git_revision"] = git_revision();
  meta["columns"] = trace_columns();
  // Everything needed to rerun it: the limits as given, the log grid, where and how it ran.
  meta["stop"] = stop_meta(spec.stop);
  meta["log_grid"] = log_grid_meta(spec.grid);
  meta["environment"] = environment_meta();
  if (!command_line().empty()) meta["command_line"] = command_line();
  return method;
}
}  // namespace

JobResult run_job(const Objective& problem, const JobSpec& spec, const JobBackend& backend) {
  JobResult result;
  MethodInstance method;
  std::unique_ptr<CsvTraceWriter> writer;
  std::unique_ptr<Network> net;
  const auto setup = [&] {
    method = prepare(problem, spec, backend, result.meta);
    if (backend.root && !spec.out.empty()) {
      if (std::filesystem::path(spec.out).extension() == ".json")
        throw UsageError(fmt::format("--out {}: the metadata goes beside the trace as .json; name the trace .csv",
                                     spec.out));
      result.csv_path = spec.out;
      result.json_path = metadata_path(spec.out);
      // Both files are checked before the first round: no result is lost to a bad path after the run.
      check_result_target(result.json_path, spec.overwrite, "--out (metadata)", spec.inputs);
      writer = std::make_unique<CsvTraceWriter>(spec.out, spec.overwrite, spec.inputs);
    }
    net = backend.make_network ? backend.make_network(problem, method, spec.seed)
                               : std::make_unique<SimNetwork>(problem, method, spec.seed);
    // The thread count the simulator chose for this problem (environment_meta has the request).
    if (const auto* sim = dynamic_cast<const SimNetwork*>(net.get()))
      result.meta["environment"]["threads"] = sim->threads();
  };
  if (backend.setup_guard) backend.setup_guard(setup); else setup();
  nlohmann::json& meta = result.meta;
  const bool show_progress = backend.root && spec.progress && stderr_is_terminal();
  Progress progress(show_progress, spec.stop, spec.progress_label);
  RoundTick tick;  // none without a progress line: the round loop then skips the call
  if (show_progress)
    tick = [&](long long round, double bits_up, double seconds, double grad_norm_sq) {
      progress.tick(round, bits_up, seconds, grad_norm_sq);
    };
  result.run = run_rounds(
      *net, problem, spec.stop, spec.grid,
      [&](const TraceRow& row) {
        result.rows.push_back(row);
        if (writer) writer->write(row);
        progress.update(row);
      },
      tick);
  progress.done();
  meta["termination"] = to_string(result.run.status);
  meta["message"] = result.run.message;
  meta["rounds"] = result.run.rounds;
  meta["seconds"] = result.run.seconds;
  meta["cpu_seconds"] = result.run.cpu_seconds;  // this process's; under MPI, rank 0's (mpi.cpu_time: all ranks')
  if (backend.finish_meta) backend.finish_meta(meta);
  if (writer) {
    writer->finish();
    write_result_file(result.json_path, meta.dump(2) + "\n", spec.overwrite, "--out (metadata)");
  }
  return result;
}

}  // namespace commopt
