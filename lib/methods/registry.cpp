// The method registry: the spec parser, `commopt list methods` and the docs read this one table.
#include <fmt/format.h>

#include "core/error.hpp"
#include "methods/builders.hpp"

namespace commopt {

namespace {
const ParamDoc kStepsize{"stepsize", "theory", "theory (the method's rule), theory*C, or a number"};
}

const std::vector<MethodEntry>& method_registry() {
  static const std::vector<MethodEntry> entries = {
      {"gd", "distributed gradient descent, dense uplink and downlink",
       "Nesterov 2004, Thm 2.1.14 (gamma = 1/L)", {kStepsize}, false, "identity", &build_gd},
      {"ef21", "EF21 error feedback with a contractive compressor (g_i += C(grad f_i - g_i))",
       "Richtarik, Sokolov, Fatkhullin, NeurIPS 2021, Thm 1",
       {kStepsize, {"init", "full", "full: g_i^0 = grad f_i(x^0) sent dense; compressed: g_i^0 = C(grad f_i(x^0))"}},
       true, "topk[ratio=0.01]", &build_ef21},
      {"dasha", "DASHA (gradient setting): unbiased compression with momentum a = 1/(2 omega + 1)",
       "Tyurin & Richtarik, ICLR 2023, Alg. 1, Thm 6.1; step size from the [CERT] potential",
       {kStepsize,
        {"momentum", "1/(2 omega+1)", "the momentum a"},
        {"init", "full", "full: g_i^0 = h_i^0 = grad f_i(x^0) sent dense; none: g_i^0 = 0"}},
       true, "randk[ratio=0.01]", &build_dasha},
      {"lag", "LAG-WK lazily aggregated gradient: a worker skips when its gradient barely changed",
       "Chen, Giannakis, Sun, Yin, NeurIPS 2018, Alg. 1 (LAG-WK), Thm 1",
       {kStepsize, {"D", "10", "number of past moves in the trigger"},
        {"xi", "0.025", "trigger weight xi_d = xi for every d (Thm 1 needs D*xi < 1)"}},
       false, "identity", &build_lag},
      {"local_sgd", "local SGD: H local minibatch steps, then the models are averaged",
       "Basu et al., NeurIPS 2019 (Qsparse-local-SGD with identity compressor), Thm 1 condition",
       {kStepsize, {"H", "5", "local steps per communication"},
        {"batch", "64", "rows per local step, drawn with replacement (0 = full local gradient)"}},
       false, "identity", &build_local_sgd},
      {"dist_ef_sgd", "dist-EF-SGD: two-way compression with error feedback on workers and server",
       "Zheng, Huang, Kwok, NeurIPS 2019, Alg. 1",
       {kStepsize, {"down", "(the --compressor)", "compressor of the server's broadcast"},
        {"batch", "0", "rows per gradient, drawn with replacement (0 = full local gradient)"}},
       true, "scaled_sign", &build_dist_ef_sgd},
  };
  return entries;
}

const MethodEntry& find_method(const std::string& name) {
  std::vector<std::string> names;
  for (const auto& e : method_registry()) {
    if (e.name == name) return e;
    names.push_back(e.name);
  }
  throw UsageError("--method: " + unknown_name_message("method", name, names));
}

MethodInstance make_method(const MethodSetup& setup) {
  const MethodEntry& entry = find_method(setup.method.name());
  setup.method.check_keys(entry.params);
  MethodInstance inst = entry.build(setup);
  inst.info["method"] = setup.method.str();
  inst.info["paper"] = entry.paper;
  return inst;
}

}  // namespace commopt
