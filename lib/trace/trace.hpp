// The trace: one row per logged round (DESIGN.md, "The trace"). Row t describes x^t.
// CSV columns, in this order (then any extra columns a method adds):
//   round,grad_evals,bits_up,bits_up_max,bits_down,participants,loss,grad_norm_sq,gap,lyapunov,
//   accuracy,seconds,status
// bits_up: cumulative uplink bits per worker (mean over workers); bits_up_max: the largest worker's;
// bits_down: cumulative downlink bits received per worker; grad_evals: cumulative sample gradients
// per worker (mean); gap = f − f* (empty when f* is unknown); lyapunov and accuracy empty when
// undefined; seconds: the method's own time (evaluation excluded); status: "running" on every row
// but the last, which holds how the run ended (trace/status.hpp).
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "trace/status.hpp"

namespace commopt {

struct TraceRow {
  long long round = 0;
  double grad_evals = 0;
  double bits_up = 0;
  double bits_up_max = 0;
  double bits_down = 0;
  int participants = 0;
  double loss = 0;
  double grad_norm_sq = 0;
  std::optional<double> gap;
  std::optional<double> lyapunov;
  std::optional<double> accuracy;
  double seconds = 0;
  RunStatus status = RunStatus::running;
};

const std::vector<std::string>& trace_columns();
std::string csv_header();
std::string csv_line(const TraceRow& r);  // numbers in shortest round-trip form (bit-exact)

// Reads a trace CSV written by CsvTraceWriter (for tests, plots and checks).
std::vector<TraceRow> read_trace_csv(const std::filesystem::path& path);

}  // namespace commopt
