// The squared distances the full-state potentials are made of (methods/state_potential.hpp).
#include "methods/state_potential.hpp"

#include <stdexcept>
#include <string>

#include "methods/common.hpp"

namespace commopt {

EstimatorTerms estimator_terms(const StatePotentialInput& in, const char* key_g, const char* key_h, bool lead) {
  const Objective& p = *in.problem;
  const int n = p.workers();
  if (static_cast<int>(in.workers.size()) != n) throw std::logic_error("state potential: one view per worker needed");
  Vec x = in.server->at("x", "server");
  if (lead) x -= in.gamma * in.server->at("g", "server");  // x^{t+1} = x^t − γ g^t
  const Vec* g = key_g ? &in.server->at("g", "server") : nullptr;
  EstimatorTerms t;
  Vec grad = Vec::Zero(x.size()), h = Vec::Zero(x.size()), gi_fi;
  double f = 0;
  for (int i = 0; i < n; ++i) {
    const StateView& w = in.workers[static_cast<std::size_t>(i)];
    Vec fi;
    f += p.loss_grad(i, x, fi) / n;
    grad += fi / n;
    const Vec& hi = w.at(key_h, "worker");
    h += hi / n;
    t.dev_hf += (hi - fi).squaredNorm() / n;
    if (key_g) {
      const Vec& gi = w.at(key_g, "worker");
      t.dev_gh += (gi - hi).squaredNorm() / n;
      t.dev_gf += (gi - fi).squaredNorm() / n;
    }
  }
  t.gap = f - f_lower(p);
  t.grad_sq = grad.squaredNorm();
  t.h_f = (h - grad).squaredNorm();
  if (g) {
    t.g_h = (*g - h).squaredNorm();
    t.g_f = (*g - grad).squaredNorm();
  }
  return t;
}

double state_info(const StatePotentialInput& in, const char* key, const char* method) {
  if (!in.info || !in.info->contains(key) || !(*in.info)[key].is_number())
    throw std::logic_error(std::string("state potential of ") + method + ": the run's info has no number '" + key + "'");
  return (*in.info)[key].get<double>();
}

}  // namespace commopt
