// The StateView and the invariant shapes the methods declare (methods/invariants.hpp).
#include "methods/invariants.hpp"

#include <algorithm>
#include <stdexcept>

namespace commopt {

void StateView::add(const char* name, const Vec& v) {
  if (vecs_ == kCapacity) throw std::logic_error(std::string("StateView: too many vectors at '") + name + "'");
  vec_[static_cast<std::size_t>(vecs_++)] = {name, &v};
}

void StateView::add_scalar(const char* name, double v) {
  if (scalars_ == kCapacity) throw std::logic_error(std::string("StateView: too many scalars at '") + name + "'");
  scalar_[static_cast<std::size_t>(scalars_++)] = {name, v};
}

const Vec* StateView::find(std::string_view name) const {
  for (int k = 0; k < vecs_; ++k)
    if (name == vec_[static_cast<std::size_t>(k)].first) return vec_[static_cast<std::size_t>(k)].second;
  return nullptr;
}

const double* StateView::find_scalar(std::string_view name) const {
  for (int k = 0; k < scalars_; ++k)
    if (name == scalar_[static_cast<std::size_t>(k)].first) return &scalar_[static_cast<std::size_t>(k)].second;
  return nullptr;
}

const Vec& StateView::at(std::string_view name, const char* who) const {
  if (const Vec* v = find(name)) return *v;
  throw std::logic_error(std::string(who) + " does not show the state vector '" + std::string(name) +
                         "' its method's invariant reads (expose() in the method's file)");
}

namespace {
double inf_norm(const Vec& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }
}  // namespace

Invariant mean_of_workers_invariant(std::string name, const char* key_server, const char* key_worker,
                                    std::string claim) {
  return {std::move(name), std::move(claim), [key_server, key_worker](const InvariantInput& in) {
            const Vec& s = in.server->at(key_server, "the server");
            Vec mean = Vec::Zero(s.size());
            double scale = inf_norm(s);
            const double n = static_cast<double>(in.workers.size());
            for (const StateView& w : in.workers) {
              const Vec& v = w.at(key_worker, "a worker");
              mean += v / n;
              scale = std::max(scale, inf_norm(v));
            }
            return Residual{inf_norm(s - mean), scale};
          }};
}

Invariant replicas_invariant(std::string name, const char* key_server, const char* key_worker, std::string claim) {
  return {std::move(name), std::move(claim), [key_server, key_worker](const InvariantInput& in) {
            const Vec& s = in.server->at(key_server, "the server");
            Residual r{0, inf_norm(s)};
            for (const StateView& w : in.workers) r.abs = std::max(r.abs, inf_norm(w.at(key_worker, "a worker") - s));
            return r;
          }};
}

Invariant gradient_invariant(std::string name, const char* key_g, const char* flag, std::string claim) {
  return {std::move(name), std::move(claim), [key_g, flag](const InvariantInput& in) {
            if (flag) {
              const double* f = in.server->find_scalar(flag);
              if (!f) throw std::logic_error(std::string("the server does not show the scalar '") + flag + "'");
              if (*f == 0) return Residual{0, 0, false};
            }
            const Vec& g = in.server->at(key_g, "the server");
            const Vec& x = in.server->at("x", "the server");
            const int n = in.problem->workers();
            Vec grad = Vec::Zero(g.size()), gi;
            double scale = inf_norm(g);
            for (int i = 0; i < n; ++i) {
              in.problem->grad(i, x, gi);
              grad += gi / static_cast<double>(n);
              scale = std::max(scale, inf_norm(gi));
            }
            return Residual{inf_norm(g - grad), scale};
          }};
}

Invariant model_replicas_invariant() {
  return replicas_invariant("replicas", "x", "x",
                            "x_i^t = x^t: the workers' model replica (one per process, decoded once per round) "
                            "equals the server's model after every round");
}

Invariant estimator_mean_invariant() {
  return mean_of_workers_invariant("g-mean", "g", "g",
                                   "g^t = (1/n) sum_i g_i^t: the server's estimator is the mean of the workers' g_i "
                                   "(1/n, not 1/|S^t|, when some workers skip)");
}

Invariant worker_gradient_invariant(std::string name, const char* key, std::string claim) {
  return {std::move(name), std::move(claim), [key](const InvariantInput& in) {
            Residual r;
            Vec gi;
            for (std::size_t i = 0; i < in.workers.size(); ++i) {
              const Vec& h = in.workers[i].at(key, "a worker");
              in.problem->grad(static_cast<int>(i), in.workers[i].at("x", "a worker"), gi);
              r.abs = std::max(r.abs, inf_norm(h - gi));
              r.scale = std::max({r.scale, inf_norm(h), inf_norm(gi)});
            }
            return r;
          }};
}

}  // namespace commopt
