// One run end to end on an already-built problem: method + network + stop rule → trace CSV,
// metadata JSON (`<out>.json` beside `<out>.csv`), a progress line and the result.
#pragma once
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
  bool progress = false;     // a progress line on stderr
  nlohmann::json extra_meta; // problem spec, split, data path, ...
};

struct JobResult {
  RunResult run;
  std::vector<TraceRow> rows;
  nlohmann::json meta;
  std::string csv_path, json_path;
};

// Parses and validates the specs (UsageError on bad input, before anything is written).
JobResult run_job(const Objective& problem, const JobSpec& spec);

// The metadata path beside a trace: runs/x.csv → runs/x.json.
std::string metadata_path(const std::string& csv_path);

}  // namespace commopt
