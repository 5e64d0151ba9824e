#include "cli/sweep_index.hpp"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.hpp"
#include "trace/result_file.hpp"

namespace commopt::cli {

namespace {
// A CSV field: quoted when it holds a comma, quote or newline.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.17g}", v) : (std::isnan(v) ? "" : fmt::format("{}", v)); }
}  // namespace

void write_sweep_index(const SweepConfig& cfg, const SweepGrid& grid, const std::vector<RunOutcome>& runs,
                       const std::vector<CaseSummary>& sums, const std::vector<std::string>& keys) {
  std::string csv =
      "trace,config,label,method,compressor,problem,workers,split,seed,stepsize,stepsize_spec,value_bits,status,best,"
      "rounds,bits_up_max,grad_norm_sq\n";
  std::string jsonl;
  for (std::size_t i = 0; i < grid.runs.size(); ++i) {
    const SweepRun& r = grid.runs[i];
    const SweepCase& c = grid.cases[static_cast<std::size_t>(r.case_index)];
    const nlohmann::json& meta = runs[i].meta;
    const TraceRow last = runs[i].rows.empty() ? TraceRow{} : runs[i].rows.back();
    const double gamma = meta.contains("method_info") ? meta["method_info"].value("stepsize", std::nan("")) : NAN;
    const bool best = sums[static_cast<std::size_t>(r.case_index)].best == r.step_index;
    const std::string compressor = meta.value("compressor", c.compressor);
    const std::string status = meta.value("termination", std::string(to_string(last.status)));
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", field(r.trace), field(r.config),
                       field(c.label), field(meta.value("method", r.method)), field(compressor), field(c.problem),
                       c.workers, cfg.split, r.seed, number(gamma), field(c.steps[static_cast<std::size_t>(r.step_index)].spec),
                       cfg.value_bits, status, best ? 1 : 0, last.round, number(last.bits_up_max),
                       number(last.grad_norm_sq));
    nlohmann::json j = {{"trace", r.trace},
                        {"config", r.config},
                        {"label", c.label},
                        {"method", meta.value("method", r.method)},
                        {"compressor", compressor},
                        {"problem", c.problem},
                        {"workers", c.workers},
                        {"split", cfg.split},
                        {"seed", r.seed},
                        {"stepsize", std::isfinite(gamma) ? nlohmann::json(gamma) : nlohmann::json()},
                        {"stepsize_spec", c.steps[static_cast<std::size_t>(r.step_index)].spec},
                        {"value_bits", cfg.value_bits},
                        {"status", status},
                        {"best", best ? 1 : 0},
                        {"rounds", last.round},
                        {"bits_up_max", std::isfinite(last.bits_up_max) ? nlohmann::json(last.bits_up_max) : nlohmann::json()},
                        {"grad_norm_sq", std::isfinite(last.grad_norm_sq) ? nlohmann::json(last.grad_norm_sq) : nlohmann::json()},
                        {"params", meta.value("method_info", nlohmann::json::object())},
                        {"key", keys[i]}};
    jsonl += j.dump() + "\n";
  }
  std::filesystem::create_directories(cfg.out_dir);
  write_result_file((std::filesystem::path(cfg.out_dir) / "runs.csv").string(), csv, true, "sweep index");
  write_result_file((std::filesystem::path(cfg.out_dir) / "runs.jsonl").string(), jsonl, true, "sweep index");
}

}  // namespace commopt::cli
