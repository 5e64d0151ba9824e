// Problem registry and factory (see registry.hpp).
#include "problems/registry.hpp"

#include <climits>

#include <fmt/format.h>

#include "core/error.hpp"
#include "problems/datasets.hpp"
#include "problems/lag_synthetic.hpp"
#include "problems/logistic.hpp"
#include "problems/mlp.hpp"
#include "problems/problem_data.hpp"
#include "problems/quadratic.hpp"
#include "problems/softmax.hpp"

namespace commopt {

namespace {

std::vector<ParamDoc> logistic_params(const std::string& default_lambda, const std::string& default_bias = "false",
                                      bool multiclass = false) {
  return {
      {"data", "", "dataset name (searched on the data path) or file path; required"},
      {"lambda", default_lambda, "regularisation weight λ >= 0"},
      {"features", "largest index", "feature count (default: the largest index in the file); an index above it is an error"},
      {"bias", default_bias, "append a constant-1 feature"},
      labels_param(multiclass),
  };
}

std::vector<ParamDoc> concat_params(std::vector<ParamDoc> a, const std::vector<ParamDoc>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::unique_ptr<Objective> make_logistic(const Spec& spec, int workers, const ProblemOptions& opts, bool nonconvex,
                                         LossKind loss = LossKind::logistic) {
  LogisticOptions lo;
  lo.nonconvex = nonconvex;
  lo.loss = loss;
  const double default_lambda = loss == LossKind::sigmoid_lsq ? 0.0 : loss == LossKind::softmax ? 1e-3 : nonconvex ? 0.1 : 1e-3;
  lo.lambda = spec.get_double("lambda", default_lambda);
  lo.bias = spec.get_bool("bias", loss != LossKind::logistic);  // the DASHA code appends the bias
  lo.split = parse_split(opts.split);
  lo.seed = opts.seed;
  lo.worker_begin = opts.worker_begin;
  lo.worker_end = opts.worker_end;
  lo.constants = opts.constants;
  auto data = load_problem_data(spec, workers, opts);
  if (loss == LossKind::softmax && softmax_needs_k_class(spec, *data)) return make_softmax(std::move(data), spec, workers, opts);
  return std::make_unique<LogisticProblem>(std::move(data), workers, lo, spec.str());
}

std::unique_ptr<Objective> make_quadratic(const Spec& spec, int workers, const ProblemOptions& opts) {
  (void)parse_split(opts.split);  // a bad --split is an error whatever the problem
  QuadraticOptions q;
  const long long d = spec.get_int("d", q.d);
  if (d < 1 || d > 100000)
    throw UsageError(fmt::format("{}: d={} in '{}' must be between 1 and 100000", spec.what(), d, spec.str()));
  q.d = static_cast<int>(d);
  q.heterogeneity = spec.get_double("workers-heterogeneity", q.heterogeneity);
  q.mu = spec.get_double("mu", q.mu);
  q.L = spec.get_double("L", q.L);
  const long long seed = spec.get_int("seed", 0);
  if (seed < 0) throw UsageError(fmt::format("{}: seed={} in '{}' must be >= 0", spec.what(), seed, spec.str()));
  q.seed = static_cast<std::uint64_t>(seed);
  return std::make_unique<QuadraticProblem>(workers, q, spec.str());
}

}  // namespace

const std::vector<ProblemEntry>& problem_registry() {
  static const std::vector<ProblemEntry> entries = {
      {"logreg",
       "L2-regularised logistic regression on a LIBSVM dataset: mean log(1+exp(-b a^T x)) + (λ/2)||x||²; "
       "convex, mu = λ",
       logistic_params("0.001")},
      {"logreg_nc",
       "logistic regression with the nonconvex regulariser λ Σ x_k²/(1+x_k²) of the EF21 experiments "
       "(default λ = 0.1 as there); mu = 0",
       logistic_params("0.1")},
      {"sigmoid_lsq",
       "the DASHA/MARINA nonconvex loss (b): mean (1 - 1/(1+exp(-b a^T x)))^2 + (λ/2)||x||² (MARINA: λ = 1e-6 L); "
       "bias column appended by default as in the DASHA code",
       logistic_params("0", "true")},
      {"softmax",
       "softmax cross-entropy over the dataset's K classes (2-class: DASHA stochastic loss (c); K-class: LAQ's "
       "model): x = W (p x K, row-major, last row = bias b), mean CE(W^T a, y) + λ Σ W_kc²/(1+W_kc²) "
       "(reg=nonconvex) or (λ/2)||W||² (reg=ridge, convex, mu = λ); blocks W, b",
       concat_params(logistic_params("0.001", "true", true),
                     {{"reg", "nonconvex", "regulariser: nonconvex (λ Σ W²/(1+W²)) or ridge ((λ/2)||W||², bias row included)"}})},
      {"mlp", "one-hidden-layer network on a LIBSVM dataset (nonconvex), softmax cross-entropy over the K classes "
              "(K = 2 for binary data); blocks W1, b1, W2, b2", mlp_params()},
      {"quadratic",
       "synthetic ½ x^T A_i x − b_i^T x with mean Hessian spectrum exactly [mu, L] and known x*, f*",
       {
           {"d", "20", "dimension"},
           {"workers-heterogeneity", "0.5", "scale h of the per-worker perturbations of A_i and b_i (0 = identical)"},
           {"mu", "0.1", "smallest eigenvalue of the mean Hessian (> 0)"},
           {"L", "1", "largest eigenvalue of the mean Hessian (>= mu)"},
           {"seed", "0", "generator seed (independent of --seed)"},
       }},
      {"lag_linreg",
       "LAG's synthetic linear regression (NeurIPS 2018): worker m holds X_m = base^(m-1) q_m q_m^T + I (d x d), "
       "f_m = 0.5||X_m x - y_m||^2, so L_m = (base^(m-1) + 1)^2 exactly; f = mean of the f_m (paper: sum)",
       {
           {"d", "50", "dimension = rows per worker"},
           {"base", "1.3", "L_m = (base^(m-1) + 1)^2"},
           {"seed", "0", "generator seed for q_m and y_m (independent of --seed)"},
       }},
      {"lag_logreg",
       "LAG's synthetic logistic regression: worker m's rows are the columns of X_m = base^(m-1) q_m q_m^T + I, "
       "labels +-1 from the seed, f_m = sum_j log(1 + exp(-y_j a_j^T x)) + (lambda/2)||x||^2; L_m, L upper bounds",
       {
           {"d", "50", "dimension = rows per worker"},
           {"base", "1", "X_m = base^(m-1) q_m q_m^T + I (the code: 1)"},
           {"lambda", "0.001", "ridge weight per worker"},
           {"seed", "0", "generator seed (independent of --seed)"},
       }},
  };
  return entries;
}

std::unique_ptr<Objective> make_problem(const Spec& spec, int workers, const ProblemOptions& opts) {
  const auto& reg = problem_registry();
  const ProblemEntry* entry = nullptr;
  for (const auto& e : reg)
    if (e.name == spec.name()) entry = &e;
  if (!entry) {
    std::vector<std::string> names;
    for (const auto& e : reg) names.push_back(e.name);
    throw UsageError(fmt::format("{}: {}", spec.what(), unknown_name_message("problem", spec.name(), names)));
  }
  spec.check_keys(entry->params);
  if (workers < 1) throw UsageError(fmt::format("--workers={} must be at least 1", workers));
  if (entry->name == "logreg") return make_logistic(spec, workers, opts, false);
  if (entry->name == "logreg_nc") return make_logistic(spec, workers, opts, true);
  if (entry->name == "sigmoid_lsq") return make_logistic(spec, workers, opts, false, LossKind::sigmoid_lsq);
  if (entry->name == "softmax") return make_logistic(spec, workers, opts, true, LossKind::softmax);
  if (entry->name == "mlp") return make_mlp(spec, workers, opts);
  if (entry->name == "lag_linreg" || entry->name == "lag_logreg") {
    (void)parse_split(opts.split);
    LagLinregOptions o;
    const long long d = spec.get_int("d", o.d), seed = spec.get_int("seed", 0);
    if (d < 2 || d > 2000) throw UsageError(fmt::format("{}: d={} in '{}' must be between 2 and 2000", spec.what(), d, spec.str()));
    if (seed < 0) throw UsageError(fmt::format("{}: seed={} in '{}' must be >= 0", spec.what(), seed, spec.str()));
    o.d = static_cast<int>(d);
    o.base = spec.get_double("base", o.base);
    o.seed = static_cast<std::uint64_t>(seed);
    if (entry->name == "lag_logreg") {
      o.base = spec.get_double("base", 1.0);
      return std::make_unique<LagLogregProblem>(workers, o, spec.get_double("lambda", 1e-3), spec.str());
    }
    return std::make_unique<LagLinregProblem>(workers, o, spec.str());
  }
  return make_quadratic(spec, workers, opts);
}

}  // namespace commopt
