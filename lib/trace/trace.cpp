#include "trace/trace.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace commopt {

const std::vector<std::string>& trace_columns() {
  static const std::vector<std::string> cols = {
      "round", "grad_evals", "bits_up", "bits_up_max", "bits_down", "participants", "loss",
      "grad_norm_sq", "gap", "lyapunov", "accuracy", "seconds", "status"};
  return cols;
}

std::string csv_header() { return fmt::format("{}", fmt::join(trace_columns(), ",")); }

namespace {
std::string opt(const std::optional<double>& v) { return v ? fmt::format("{}", *v) : std::string(); }
std::optional<double> parse_opt(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return std::stod(s);
}
}  // namespace

std::string csv_line(const TraceRow& r) {
  // fmt's "{}" for double is the shortest representation that round-trips exactly.
  return fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}", r.round, r.grad_evals, r.bits_up, r.bits_up_max,
                     r.bits_down, r.participants, r.loss, r.grad_norm_sq, opt(r.gap), opt(r.lyapunov),
                     opt(r.accuracy), r.seconds, to_string(r.status));
}

std::vector<TraceRow> read_trace_csv(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("cannot read trace '{}'", path.string()));
  std::string line;
  std::getline(in, line);
  if (line != csv_header())
    throw UsageError(fmt::format("'{}' is not a commopt trace (unexpected header)", path.string()));
  std::vector<TraceRow> rows;
  int lineno = 1;
  while (std::getline(in, line)) {
    ++lineno;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (!line.empty() && line.back() == ',') f.emplace_back();
    if (f.size() < trace_columns().size())
      throw UsageError(fmt::format("'{}' line {}: expected {} columns", path.string(), lineno, trace_columns().size()));
    TraceRow r;
    r.round = std::stoll(f[0]);
    r.grad_evals = std::stod(f[1]);
    r.bits_up = std::stod(f[2]);
    r.bits_up_max = std::stod(f[3]);
    r.bits_down = std::stod(f[4]);
    r.participants = std::stoi(f[5]);
    r.loss = std::stod(f[6]);
    r.grad_norm_sq = std::stod(f[7]);
    r.gap = parse_opt(f[8]);
    r.lyapunov = parse_opt(f[9]);
    r.accuracy = parse_opt(f[10]);
    r.seconds = std::stod(f[11]);
    const auto status = parse_status(f[12]);
    if (!status)
      throw UsageError(fmt::format("'{}' line {}: unknown status '{}'", path.string(), lineno, f[12]));
    r.status = *status;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace commopt
