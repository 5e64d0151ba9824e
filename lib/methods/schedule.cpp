#include "methods/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/error.hpp"

namespace commopt {

const std::vector<ParamDoc> kScheduleParams = {
    {"schedule", "constant",
     "step-size schedule: constant | step[at=T1:T2:..,factor=F] (eta times F at each Tj) | inv[a=A] (eta_t = eta A/(A+t))"},
    {"warmup", "0", "linear warm-up: eta_t (t+1)/W for the first W iterations"},
};

double StepSchedule::at(long long t) const {
  double eta = base;
  switch (kind) {
    case Kind::constant: break;
    case Kind::step:
      eta *= std::pow(factor, static_cast<double>(std::upper_bound(drops.begin(), drops.end(), t) - drops.begin()));
      break;
    case Kind::inv: eta *= a / (a + static_cast<double>(t)); break;
  }
  if (t < warmup) eta *= static_cast<double>(t + 1) / static_cast<double>(warmup);
  return eta;
}

std::string StepSchedule::str() const {
  std::string s;
  switch (kind) {
    case Kind::constant: s = "constant"; break;
    case Kind::step: {
      std::string at;
      for (long long d : drops) {
        if (!at.empty()) at.push_back(':');
        at.append(std::to_string(d));
      }
      s = fmt::format("step[at={},factor={}]", at, factor);
      break;
    }
    case Kind::inv: s = fmt::format("inv[a={}]", a); break;
  }
  if (warmup > 0) s += fmt::format("+warmup={}", warmup);
  return s;
}

namespace {
[[noreturn]] void bad(const Spec& method, const std::string& text, const std::string& why) {
  throw UsageError(fmt::format("--method: {} schedule={}: {}; use constant, step[at=T1:T2,factor=F] or inv[a=A]",
                               method.name(), text, why));
}
}  // namespace

StepSchedule parse_schedule(const Spec& method, double base, const std::string& default_schedule) {
  const std::string text = method.get_string("schedule", default_schedule);
  const Spec s = Spec::parse(text, "--method " + method.name() + " schedule=");
  StepSchedule out;
  out.base = base;
  if (s.name() == "constant") {
    s.check_keys({});
  } else if (s.name() == "step") {
    s.check_keys({{"at", "", "rounds of the drops, colon-separated"}, {"factor", "0.1", "decay per drop"}});
    out.kind = StepSchedule::Kind::step;
    out.factor = s.get_double("factor", 0.1);
    if (!(out.factor > 0 && out.factor <= 1)) bad(method, text, "factor must be in (0, 1]");
    std::stringstream ss(s.get_string("at", ""));
    for (std::string item; std::getline(ss, item, ':');) {
      try {
        std::size_t used = 0;
        const long long v = std::stoll(item, &used);
        if (used != item.size() || v < 1) throw std::invalid_argument(item);
        out.drops.push_back(v);
      } catch (const std::exception&) {
        bad(method, text, "at= takes rounds >= 1 separated by ':' (e.g. at=100:200)");
      }
    }
    if (out.drops.empty()) bad(method, text, "step needs at=T1[:T2...]");
    if (!std::is_sorted(out.drops.begin(), out.drops.end())) bad(method, text, "the rounds in at= must ascend");
  } else if (s.name() == "inv") {
    s.check_keys({{"a", "", "shift A > 0"}});
    out.kind = StepSchedule::Kind::inv;
    out.a = s.get_double("a", 0);
    if (!(out.a > 0)) bad(method, text, "inv needs a=A > 0");
  } else {
    bad(method, text, "unknown schedule");
  }
  out.warmup = method.get_int("warmup", 0);
  if (out.warmup < 0)
    throw UsageError(fmt::format("--method: {} warmup={} must be >= 0", method.name(), out.warmup));
  return out;
}

void record_schedule(const StepSchedule& s, nlohmann::json& info) {
  nlohmann::json j;
  j["text"] = s.str();
  j["eta"] = s.base;
  if (s.kind == StepSchedule::Kind::step) j["drops"] = s.drops, j["factor"] = s.factor;
  if (s.kind == StepSchedule::Kind::inv) j["a"] = s.a;
  j["warmup"] = s.warmup;
  info["schedule"] = j;
}

}  // namespace commopt
