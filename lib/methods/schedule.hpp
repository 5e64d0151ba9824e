// The step-size schedule every stochastic method takes (one policy, recorded in the metadata):
//   schedule=constant                    η_t = η
//   schedule=step[at=T1:T2:...,factor=F] η_t = η·F^(number of Tj <= t)      (step decay)
//   schedule=inv[a=A]                    η_t = η·A/(A + t)                    (c/(a+t) with c = ηA)
//   warmup=W                             η_t ← η_t·(t+1)/W for t < W          (linear warm-up, on top)
// η is the method's resolved `stepsize`; t is the method's iteration counter (the iteration that
// produces x^{t+1}; for local methods one local step). Methods whose theorem fixes a schedule (e.g.
// Qsparse-local-SGD Thm 2: η_t = 8/(μ(a+t))) resolve stepsize=theory to η_0 and default to inv[a].
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/spec.hpp"

namespace commopt {

struct StepSchedule {
  enum class Kind { constant, step, inv };
  Kind kind = Kind::constant;
  double base = 0;                 // η
  std::vector<long long> drops;    // step: the rounds Tj (ascending)
  double factor = 0.1;             // step: the decay factor F per drop
  double a = 1;                    // inv: the shift A > 0
  long long warmup = 0;            // W >= 0 rounds of linear warm-up

  double at(long long t) const;    // η_t
  bool constant() const { return kind == Kind::constant && warmup == 0; }
  std::string str() const;         // canonical text, e.g. "step[at=100:200,factor=0.1]+warmup=5"
};

// The `schedule` and `warmup` parameters (add them to a method's params).
extern const std::vector<ParamDoc> kScheduleParams;

// Reads `schedule` and `warmup` from the method spec over `base` (fallback: `default_schedule`, a
// schedule text such as "constant" or "inv[a=100]"). UsageError naming the method on bad text.
StepSchedule parse_schedule(const Spec& method, double base, const std::string& default_schedule = "constant");

// Records the schedule in a run's method info: info["schedule"] = {text, kind, ...}.
void record_schedule(const StepSchedule& s, nlohmann::json& info);

}  // namespace commopt
