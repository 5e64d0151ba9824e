// Helpers shared by the method tests: a problem from a spec on the shared datasets, a run logged
// at every round, and trace equality in every column but `seconds`.
#pragma once
#include "test_paths.hpp"
#include <optional>
#include <string>
#include <vector>

#include "problems/registry.hpp"
#include "run/job.hpp"

namespace commopt::testing {

inline std::unique_ptr<Objective> problem(const std::string& spec, int n) {
  ProblemOptions opts;
  opts.data_dir = COMMOPT_SHARED_DATASETS;
  return make_problem(Spec::parse(spec, "--problem"), n, opts);
}

inline JobResult run(const Objective& p, const std::string& method, std::optional<std::string> comp,
                     long long rounds, std::uint64_t seed = 1, int value_bits = 32) {
  JobSpec job;
  job.method = method;
  job.compressor = std::move(comp);
  job.stop.rounds = rounds;
  job.seed = seed;
  job.value_bits = value_bits;
  job.grid.every = 1;
  return run_job(p, job);
}

inline bool same_rows(const std::vector<TraceRow>& a, const std::vector<TraceRow>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    TraceRow x = a[i], y = b[i];
    x.seconds = y.seconds = 0;
    if (csv_line(x) != csv_line(y)) return false;
  }
  return true;
}

}  // namespace commopt::testing
