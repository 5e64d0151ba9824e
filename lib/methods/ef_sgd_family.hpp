// The error-feedback SGD worker shared by ef_sgd, ef_signsgd, topk_sgd (ef_sgd.cpp) and mem_sgd
// (mem_sgd.cpp): ONE algorithm, the distributed form of EF-SGD (Karimireddy, Rebjock, Stich, Jaggi,
// ICML 2019, Alg. 2) = MEM-SGD (Stich, Cordonnier, Jaggi, NeurIPS 2018, Alg. 1) with per-worker
// memory (spec ef-local-lazy.md §3, §4, §10.3). Round t, worker i, at the common model x^t:
//   p_i   = η_t g_i(x^t) + e_i          (g_i: full local gradient, or a minibatch of B rows)
//   Δ_i   = C(p_i)                      upload Δ_i
//   e_i  ← p_i − decode(Δ_i)            (memory=on; memory=off keeps e_i = 0)
//   server: x^{t+1} = x^t − (1/n) Σ_i decode(Δ_i), broadcast densely at the run's value width.
// The memory lives in η-scaled units (§13): nothing is rescaled when η_t changes. Hence the exact
// virtual sequence x̃^t = x^t − (1/n) Σ_i e_i obeys x̃^{t+1} = x̃^t − η_t (1/n) Σ_i g_i(x^t)
// (theory/ef_checks.cpp checks it on every round).
#pragma once
#include <string>
#include <vector>

#include "methods/common.hpp"
#include "methods/options.hpp"
#include "methods/schedule.hpp"

namespace commopt {

// The shared options: memory=on|off (the ablation) and the minibatch.
struct EfSgdOptions {
  std::string memory = "on";
  long long batch = 16;
};
// mem_sgd's: the paper's single-sample oracle and its free constant alpha > 4.
struct MemSgdOptions {
  std::string memory = "on";
  long long batch = 1;
  double alpha = 5;
};

// What the shared builder needs besides the setup.
struct EfSgdConfig {
  Spec compressor;  // C
  bool memory = true;
  long long batch = 0;
  StepSchedule schedule;  // η_t (base already resolved)
};

// memory=on|off as a bool (UsageError naming the method otherwise).
bool parse_memory(const Spec& method, const std::string& text);

// Builds the workers and the server of an EF-SGD run into `inst` (info and stepsize already set by
// the method's builder); records memory, batch, schedule and the stochastic flag in inst.info.
void build_ef_sgd_instance(const MethodSetup& s, const EfSgdConfig& cfg, MethodInstance& inst);

}  // namespace commopt
