// One run end to end on an already-built problem: method + network + stop rule → trace CSV,
// metadata JSON (`<out>.json` beside `<out>.csv`), a progress line and the result.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "run/run.hpp"

namespace commopt {

struct JobSpec {
  std::string method = "gd";
  std::optional<std::string> compressor;  // none: the method's default
  int value_bits = 32;
  std::uint64_t seed = 0;
  StopRule stop;
  LogGrid grid;
  std::string out;           // trace path (.csv); empty: no files
  bool progress = false;     // a progress line on stderr (when it is a terminal)
  std::string progress_label;  // shown at the start of that line, e.g. "ef21 (2/6)"
  bool overwrite = false;    // replace an existing result at `out` (--force); otherwise refuse it
  std::vector<std::filesystem::path> inputs;  // files the run reads (datasets): `out` may not be one of them
  nlohmann::json extra_meta; // problem spec, split, data path, ...
};

struct JobResult {
  RunResult run;
  std::vector<TraceRow> rows;
  nlohmann::json meta;
  std::string csv_path, json_path;
};

// Where the rounds run. The default is the in-process simulator (SimNetwork, all workers here);
// the MPI backend (lib/run/mpi/mpi_run.hpp) fills it in on every rank.
struct JobBackend {
  std::string name = "sim";                // metadata "backend"
  nlohmann::json meta;                     // merged into the metadata (e.g. ranks)
  int worker_begin = 0, worker_end = -1;   // workers whose logic this process builds (-1: all)
  bool root = true;                        // this process writes the files and shows progress
  // Builds the network over the method; empty: SimNetwork.
  std::function<std::unique_ptr<Network>(const Objective&, MethodInstance&, std::uint64_t seed)> make_network;
  // Runs the set-up (validation, method, files, network): lets several processes agree on its
  // success before any of them communicates. Empty: runs it directly.
  std::function<void(const std::function<void()>&)> setup_guard;
  // Adds what the network measured to the metadata after the run (root).
  std::function<void(nlohmann::json&)> finish_meta;
};

// Parses and validates the specs (UsageError on bad input, before anything is written).
JobResult run_job(const Objective& problem, const JobSpec& spec, const JobBackend& backend = {});

// The metadata path beside a trace: runs/x.csv → runs/x.json.
std::string metadata_path(const std::string& csv_path);

}  // namespace commopt
